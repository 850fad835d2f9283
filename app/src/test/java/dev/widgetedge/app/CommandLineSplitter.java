package dev.widgetedge.app;

import java.util.ArrayList;
import java.util.List;

/** Splits a test's command line on spaces, keeping single-quoted parts together. */
final class CommandLineSplitter {

    private CommandLineSplitter() {
    }

    static String[] split(String commandLine) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : commandLine.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                if (current.length() > 0) {
                    args.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            args.add(current.toString());
        }
        return args.toArray(String[]::new);
    }
}
