package dev.widgetedge.app;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest ({@code unknown} when run from classes). */
final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Version.class.getPackage().getImplementationVersion();
        return new String[] {"widget-edge " + (version == null ? "unknown" : version)};
    }
}
