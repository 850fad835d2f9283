package dev.widgetedge.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The OpenAPI 3.1 document of the admin API, kept in the repository and served as is. */
final class OpenApiDocument {

    static final String RESOURCE = "/dev/widgetedge/admin/openapi.json";

    private OpenApiDocument() {
    }

    /** The document's bytes, read from the classpath. */
    static byte[] load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
