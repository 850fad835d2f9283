package dev.widgetedge.app;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option's default: the option's environment variable ({@code --cache-ttl} ⇔
 * {@code WIDGET_EDGE_CACHE_TTL}) if it is set, else the field's initial value, which the commands
 * take from the settings' named constants and which is written here as an operator would type it
 * ({@code 30s}, {@code 10MiB}), for {@code --help} and the configuration reference alike. A flag
 * on the command line still wins. Remembers which options a variable supplied, so that an error
 * can say where a bad value came from.
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
            return builtIn(option);
        }
        supplied.add(argSpec);
        return value;
    }

    /**
     * The option's own default, from the field's initial value; {@code null} for none (no initial
     * value, or a flag that is off).
     */
    static String builtIn(OptionSpec option) {
        Object initial = option.initialValue();
        if (initial == null || Boolean.FALSE.equals(initial)) {
            return null;
        }
        for (ITypeConverter<?> converter : option.converters()) {
            if (converter instanceof OptionConverter<?> typed) {
                return typed.formatObject(initial);
            }
        }
        return String.valueOf(initial);
    }

    /** The variable that supplied {@code argSpec}'s value, or {@code null} if none did. */
    String sourceOf(ArgSpec argSpec) {
        return argSpec instanceof OptionSpec option && supplied.contains(argSpec)
                ? variableFor(option.longestName())
                : null;
    }

    /**
     * One warning per {@code WIDGET_EDGE_*} variable that names no option of any command (a typo
     * would otherwise be ignored in silence), with the closest option.
     *
     * @param options the long names of every command's options
     */
    List<String> unknownVariableWarnings(Collection<String> options) {
        Map<String, String> known = new TreeMap<>();
        options.forEach(option -> known.put(variableFor(option), option));
        List<String> warnings = new ArrayList<>();
        for (String name : new TreeMap<>(environment).keySet()) {
            if (name.startsWith(PREFIX) && !known.containsKey(name)) {
                String closest = Spelling.closest(name, known.keySet());
                warnings.add(name + " is not an option and is ignored (did you mean " + closest + ", that is "
                        + known.get(closest) + "?)");
            }
        }
        return warnings;
    }
}
