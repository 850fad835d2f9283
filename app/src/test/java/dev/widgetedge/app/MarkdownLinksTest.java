package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in every Markdown file of the repository points at a file or directory that
 * exists in it, and a {@code #fragment} into a Markdown file at one of its headings. A link that
 * leaves the repository fails too: the docs must stand on their own in a fresh clone.
 */
class MarkdownLinksTest {

    /** {@code [text](target)} and {@code ![alt](target)}, with an optional title after the target. */
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** {@code [label]: target} reference definitions. */
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", "node_modules", "out");

    @Test
    void everyRelativeLink_inEveryMarkdownFile_resolvesInsideTheRepository() throws IOException {
        Path root = MarkdownDocs.repositoryRoot();
        List<Path> files = markdownFiles(root);

        assertThat(files).as("the README and the docs are found").contains(root.resolve("README.md"),
                root.resolve("docs/architecture.md"));
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            problems.addAll(problems(root, file, Files.readString(file)));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void aMissingFile_aMissingHeading_andAPathOutsideTheRepository_areReported() throws IOException {
        Path root = MarkdownDocs.repositoryRoot();
        Path readme = root.resolve("README.md");
        String broken = """
                [fine](docs/gateway.md#cache-invalidation-staleness) and [fine too](#documentation)
                [gone](docs/no-such-page.md) and [no heading](docs/gateway.md#no-such-heading)
                [outside](../outside/notes.md) and `[in code](nowhere.md)` and [web](https://example.com/x)
                [ref]: docs/missing-too.md
                """;

        assertThat(problems(root, readme, Files.readString(readme) + "\n" + broken)).containsExactly(
                "README.md: docs/no-such-page.md does not exist",
                "README.md: docs/gateway.md#no-such-heading: docs/gateway.md has no heading with that anchor",
                "README.md: ../outside/notes.md points outside the repository",
                "README.md: docs/missing-too.md does not exist");
    }

    @Test
    void anchors_followGitHubsRules() {
        assertThat(anchors("## Cache, invalidation, staleness\n### A request's path through the gateway\n"
                + "## `dev`\n## Details\n## Details\n```sh\n# not a heading\n```\n"))
                .containsExactlyInAnyOrder("cache-invalidation-staleness", "a-requests-path-through-the-gateway",
                        "dev", "details", "details-1");
    }

    static List<Path> markdownFiles(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(path -> path.toString().endsWith(".md"))
                    .filter(path -> {
                        for (Path part : root.relativize(path)) {
                            String name = part.toString();
                            if (name.startsWith(".") || SKIPPED_DIRECTORIES.contains(name)) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted()
                    .toList();
        }
    }

    /** What is wrong with the links of {@code markdown}, the text of {@code file}. */
    static List<String> problems(Path root, Path file, String markdown) throws IOException {
        List<String> problems = new ArrayList<>();
        String name = root.relativize(file).toString();
        for (String target : links(markdown)) {
            if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                continue;
            }
            int hash = target.indexOf('#');
            String path = hash < 0 ? target : target.substring(0, hash);
            String fragment = hash < 0 ? null : target.substring(hash + 1);
            Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
            if (!resolved.startsWith(root)) {
                problems.add(name + ": " + target + " points outside the repository");
            } else if (!Files.exists(resolved)) {
                problems.add(name + ": " + path + " does not exist");
            } else if (fragment != null && resolved.toString().endsWith(".md")) {
                String text = resolved.equals(file) ? markdown : Files.readString(resolved);
                if (!anchors(text).contains(fragment)) {
                    problems.add(name + ": " + target + ": " + (path.isEmpty() ? name : path)
                            + " has no heading with that anchor");
                }
            }
        }
        return problems;
    }

    /** Link targets outside fenced code blocks and code spans, in order. */
    static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.lines().toList()) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            String text = CODE_SPAN.matcher(line).replaceAll("");
            Matcher inline = INLINE_LINK.matcher(text);
            while (inline.find()) {
                targets.add(inline.group(1));
            }
            Matcher reference = REFERENCE.matcher(text);
            if (reference.matches()) {
                targets.add(reference.group(1));
            }
        }
        return targets;
    }

    /** The anchors GitHub gives the headings of {@code markdown}: lower case, punctuation dropped, spaces as hyphens. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : markdown.lines().toList()) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced || !line.matches("^#{1,6} .*")) {
                continue;
            }
            String slug = line.replaceFirst("^#+ ", "").strip().toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int count = seen.merge(slug, 1, Integer::sum);
            anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return anchors;
    }
}
