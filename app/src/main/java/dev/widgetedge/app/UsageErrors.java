package dev.widgetedge.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.MutuallyExclusiveArgsException;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Every usage error in one form, {@code widget-edge: WHAT: VALUE (expected: …)}, followed by
 * {@code (from WIDGET_EDGE_X)} when the value came from that variable. picocli's own parse errors
 * (unknown option, missing value, a value its converter refused, no subcommand) are rewritten into
 * it; range checks after parsing throw {@link UsageError}s that are already in it.
 */
final class UsageErrors {

    static final String PREFIX = "widget-edge: ";

    private final EnvironmentDefaults defaults;

    UsageErrors(EnvironmentDefaults defaults) {
        this.defaults = defaults;
    }

    /** The line for a parse error. */
    String parseError(ParameterException error) {
        CommandLine command = error.getCommandLine();
        return PREFIX + describe(error, command) + source(error.getArgSpec(), command);
    }

    /** The line for a {@link UsageError} thrown while {@code command} ran. */
    String usageError(UsageError error, CommandLine command) {
        OptionSpec option = error.option() == null ? null : command.getCommandSpec().findOption(error.option());
        return PREFIX + error.getMessage() + source(option, command);
    }

    /** {@code " (from WIDGET_EDGE_X)"} when a variable, not the command line, gave the value. */
    private String source(ArgSpec arg, CommandLine command) {
        if (arg == null) {
            return "";
        }
        CommandLine.ParseResult parsed = command.getParseResult();
        if (parsed != null && arg instanceof OptionSpec option && parsed.hasMatchedOption(option)) {
            return "";
        }
        String variable = defaults.sourceOf(arg);
        return variable == null ? "" : " (from " + variable + ")";
    }

    private static String describe(ParameterException error, CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        if (error instanceof UnmatchedArgumentException unmatched) {
            return unmatched(unmatched, command);
        }
        if (error instanceof MissingParameterException missing) {
            return missing(missing.getMissing());
        }
        if (error instanceof MutuallyExclusiveArgsException) {
            List<String> names = exclusiveOptions(spec);
            return String.join(", ", names) + ": given together (expected: only one of " + or(names) + ")";
        }
        if (error instanceof OverwrittenOptionException overwritten) {
            return name(overwritten.getOverwritten()) + ": given more than once (expected: once)";
        }
        if (error.getArgSpec() != null && error.getValue() != null) {
            return name(error.getArgSpec()) + ": " + error.getValue() + " (expected: " + expected(error) + ")";
        }
        if (!command.getSubcommands().isEmpty()) {
            return commandWord(command) + ": missing (expected: " + or(new ArrayList<>(command.getSubcommands().keySet()))
                    + ")";
        }
        return error.getMessage().replaceFirst("^Error: ", "");
    }

    private static String unmatched(UnmatchedArgumentException error, CommandLine command) {
        String argument = error.getUnmatched().isEmpty() ? "?" : error.getUnmatched().get(0);
        String help = command.getCommandSpec().qualifiedName() + " --help";
        if (error.isUnknownOption()) {
            List<String> names = new ArrayList<>();
            command.getCommandSpec().options().forEach(option -> names.add(option.longestName()));
            String given = argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument;
            return given + ": unknown option (expected: an option of " + command.getCommandSpec().qualifiedName()
                    + " such as " + Spelling.closest(given, names) + "; " + help + " lists them)";
        }
        if (!command.getSubcommands().isEmpty()) {
            return commandWord(command) + ": " + argument + " (expected: "
                    + or(new ArrayList<>(command.getSubcommands().keySet())) + ")";
        }
        return argument + ": unexpected argument (expected: options only; " + help + " lists them)";
    }

    /** Arguments that picocli found missing: a value after an option, a required option or a parameter. */
    private static String missing(List<ArgSpec> missing) {
        if (missing.size() == 1 && missing.get(0) instanceof OptionSpec option && !option.required()) {
            return option.longestName() + ": missing value (expected: " + expectedOf(option) + ")";
        }
        if (missing.size() == 1 && missing.get(0) instanceof PositionalParamSpec parameter) {
            String description = String.join(" ", parameter.description()).replaceAll("\\.$", "");
            return parameter.paramLabel() + ": missing (expected: " + description.substring(0, 1).toLowerCase(Locale.ROOT)
                    + description.substring(1) + ")";
        }
        List<String> names = new ArrayList<>();
        missing.forEach(arg -> names.add(name(arg)));
        return String.join(" or ", names) + ": missing (expected: " + (names.size() == 1 ? "a value" : "one of them")
                + ")";
    }

    private static List<String> exclusiveOptions(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (ArgGroupSpec group : spec.argGroups()) {
            if (group.exclusive()) {
                group.options().forEach(option -> names.add(option.longestName()));
            }
        }
        return names;
    }

    /**
     * What the option's converter accepts (with what it found wrong, when it says: a list's bad
     * entry), else picocli's own words about the value.
     */
    private static String expected(ParameterException error) {
        Throwable cause = error.getCause();
        if (error.getArgSpec() instanceof OptionSpec option && (hasOptionConverter(option) || isFlag(option))) {
            return hasOptionConverter(option) && cause instanceof TypeConversionException conversion
                    && conversion.getMessage() != null ? conversion.getMessage() : expectedOf(option);
        }
        return cause instanceof TypeConversionException conversion ? conversion.getMessage() : error.getMessage();
    }

    private static boolean hasOptionConverter(OptionSpec option) {
        for (CommandLine.ITypeConverter<?> converter : option.converters()) {
            if (converter instanceof OptionConverter<?>) {
                return true;
            }
        }
        return false;
    }

    private static String expectedOf(OptionSpec option) {
        for (CommandLine.ITypeConverter<?> converter : option.converters()) {
            if (converter instanceof OptionConverter<?> typed) {
                return typed.expected();
            }
        }
        return isFlag(option) ? "true or false" : option.paramLabel();
    }

    private static boolean isFlag(OptionSpec option) {
        return option.type() == boolean.class || option.type() == Boolean.class;
    }

    private static String name(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    }

    /** {@code widget-edge} → "command"; {@code widget-edge tokens} → "tokens command". */
    private static String commandWord(CommandLine command) {
        CommandLine parent = command.getParent();
        return parent == null ? "command" : command.getCommandName() + " command";
    }

    /** [a, b, c] → "a, b or c". */
    static String or(List<String> words) {
        if (words.size() <= 1) {
            return String.join("", words);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
    }
}
