package dev.widgetedge.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the repository's Markdown documents: sections, tables, fenced code blocks, for tests that
 * keep the docs in step with the code.
 */
final class MarkdownDocs {

    /** A table: its header cells and its rows' cells, as written (trimmed). */
    record Table(List<String> header, List<List<String>> rows) {
    }

    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    private MarkdownDocs() {
    }

    /** The document at {@code path}, relative to the repository root ({@code docs/metrics.md}). */
    static String read(String path) throws IOException {
        return Files.readString(repositoryRoot().resolve(path));
    }

    /** The repository root: Surefire runs in the {@code app} module's directory, just below it. */
    static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("mvnw")) ? here : here.getParent();
    }

    /** The text of the level-2 section titled {@code title}, up to the next level-2 heading. */
    static String section(String markdown, String title) {
        List<String> lines = markdown.lines().toList();
        StringBuilder section = new StringBuilder();
        boolean in = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                in = line.substring(3).strip().equals(title);
                continue;
            }
            if (in) {
                section.append(line).append('\n');
            }
        }
        if (section.length() == 0) {
            throw new AssertionError("the document has no section \"## " + title + "\"");
        }
        return section.toString();
    }

    /** Every table in {@code markdown}, in order. */
    static List<Table> tables(String markdown) {
        List<Table> tables = new ArrayList<>();
        List<String> block = new ArrayList<>();
        for (String line : (markdown + "\n").lines().toList()) {
            if (line.strip().startsWith("|")) {
                block.add(line.strip());
            } else if (!block.isEmpty()) {
                tables.add(table(block));
                block = new ArrayList<>();
            }
        }
        if (!block.isEmpty()) {
            tables.add(table(block));
        }
        return tables;
    }

    private static Table table(List<String> lines) {
        List<String> header = cells(lines.get(0));
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            rows.add(cells(line));
        }
        return new Table(header, rows);
    }

    /** Splits a table row on {@code |}, except inside code spans and where escaped as {@code \|}. */
    static List<String> cells(String row) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean code = false;
        String body = row.strip();
        body = body.substring(1, body.endsWith("|") && body.length() > 1 ? body.length() - 1 : body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length() && body.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (c == '`') {
                code = !code;
                cell.append(c);
            } else if (c == '|' && !code) {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().strip());
        return cells;
    }

    /** The code spans of a cell: {@code `--port`, `-p`} → [--port, -p]. */
    static List<String> codeSpans(String cell) {
        List<String> spans = new ArrayList<>();
        Matcher matcher = CODE.matcher(cell);
        while (matcher.find()) {
            spans.add(matcher.group(1));
        }
        return spans;
    }

    /** The fenced code blocks of {@code markdown} whose info string is {@code language}, in order. */
    static List<String> codeBlocks(String markdown, String language) {
        List<String> blocks = new ArrayList<>();
        boolean inFence = false;
        StringBuilder block = null;
        for (String line : markdown.lines().toList()) {
            if (line.startsWith("```")) {
                if (!inFence) {
                    inFence = true;
                    block = line.substring(3).strip().equals(language) ? new StringBuilder() : null;
                } else {
                    inFence = false;
                    if (block != null) {
                        blocks.add(block.toString());
                    }
                    block = null;
                }
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }
}
