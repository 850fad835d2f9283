package dev.widgetedge.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code widget-edge --version}: the project version, which the build writes into
 * {@code version.properties} beside this class (a filtered resource, so it is there when the
 * command runs from the jar and from the build's classes alike).
 */
final class Version implements IVersionProvider {

    static final String RESOURCE = "version.properties";

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    static String current() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + Version.class.getName());
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"widget-edge " + current()};
    }
}
