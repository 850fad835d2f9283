package dev.widgetedge.gateway.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Arrays;

/** The embed loader's bytes and their strong {@code ETag}, read once from the classpath. */
final class WidgetScript {

    static final String RESOURCE = "/dev/widgetedge/gateway/widget.js";

    private final byte[] body;
    private final String etag;

    private WidgetScript(byte[] body) {
        this.body = body;
        this.etag = "\"" + fingerprint(body) + "\"";
    }

    static WidgetScript load() {
        try (InputStream in = WidgetScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new WidgetScript(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] body() {
        return body;
    }

    String etag() {
        return etag;
    }

    /**
     * Whether an {@code If-None-Match} value matches this script: {@code *}, or a list containing
     * its tag (weak comparison, as RFC 9110 §13.1.2 prescribes for this header).
     */
    boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null || ifNoneMatch.isEmpty()) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static String fingerprint(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
