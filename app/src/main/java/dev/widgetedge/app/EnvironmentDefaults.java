package dev.widgetedge.app;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reads every option's default from the environment: {@code --cache-ttl} ⇔
 * {@code WIDGET_EDGE_CACHE_TTL}. A flag on the command line still wins. Remembers which options
 * it supplied, so that an error can say where a bad value came from.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

    static final String PREFIX = "WIDGET_EDGE_";

    private final Map<String, String> environment;
    private final Set<ArgSpec> supplied = new HashSet<>();

    EnvironmentDefaults(Map<String, String> environment) {
        this.environment = environment;
    }

    /** {@code --cache-ttl} → {@code WIDGET_EDGE_CACHE_TTL}. */
    static String variableFor(String longOption) {
        String bare = longOption.startsWith("--") ? longOption.substring(2) : longOption;
        return PREFIX + bare.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String value = environment.get(variableFor(option.longestName()));
        if (value == null) {
            return option.defaultValue();
        }
        supplied.add(argSpec);
        return value;
    }

    /** The variable that supplied {@code argSpec}'s value, or {@code null} if none did. */
    String sourceOf(ArgSpec argSpec) {
        return argSpec instanceof OptionSpec option && supplied.contains(argSpec)
                ? variableFor(option.longestName())
                : null;
    }
}
