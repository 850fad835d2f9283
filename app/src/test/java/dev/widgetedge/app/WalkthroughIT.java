package dev.widgetedge.app;

import static dev.widgetedge.app.PackagedJar.portAfter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.app.PackagedJar.Running;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's walkthrough and the calls the {@code dev} banner prints, pasted into a shell in
 * order against the packaged jar (on free ports, not the 8080/8081/9090 they show), with every
 * answer checked: the README's against the {@code # →} lines it shows under each command, the
 * banner's against what each call must answer. Every call's output ends with a newline.
 */
class WalkthroughIT {

    private static final String WALKTHROUGH = "Five-minute walkthrough";
    private static final String ANSWER = "# → ";
    private static final Pattern MARKER = Pattern.compile("(?m)^@@@(\\d+)@@@$");

    private final PackagedJar jar = new PackagedJar();

    @AfterEach
    void stopDev() {
        jar.close();
    }

    /** One command of a walkthrough and the lines it must print ({@code …} stands for any text). */
    record Step(String command, List<String> answer) {
    }

    @Test
    void theReadmesWalkthrough_runsAsWritten_andAnswersAsShown() throws Exception {
        List<Step> steps = new ArrayList<>();
        List<String> devArguments = null;
        for (String block : MarkdownDocs.codeBlocks(MarkdownDocs.section(MarkdownDocs.read("README.md"), WALKTHROUGH),
                "sh")) {
            for (Step step : steps(block)) {
                if (step.command().startsWith("java -jar app/target/widget-edge.jar dev")) {
                    devArguments = List.of(step.command().split(" ")).subList(3, step.command().split(" ").length);
                } else if (!step.command().startsWith("./mvnw ") && !step.command().contains("-m http.server")) {
                    // The build ran before this test; the example page is BrowserEmbedIT's (its port is fixed).
                    steps.add(step);
                }
            }
        }
        assertThat(devArguments).as("the walkthrough starts dev").isNotNull();
        assertThat(steps).hasSizeGreaterThan(10);

        List<String> arguments = new ArrayList<>(devArguments);
        arguments.addAll(List.of("--port", "0", "--admin-port", "0", "--ops-port", "0"));
        Running dev = jar.start(arguments.toArray(String[]::new));
        String gateway = "127.0.0.1:" + portAfter(dev.lineContaining("  gateway      http://127.0.0.1:"), "127.0.0.1:");
        String admin = "127.0.0.1:" + portAfter(dev.lineContaining("  admin API    http://127.0.0.1:"), "127.0.0.1:");
        String ops = "127.0.0.1:" + portAfter(dev.lineContaining("  ops          http://127.0.0.1:"), "127.0.0.1:");

        List<String> commands = new ArrayList<>();
        for (Step step : steps) {
            commands.add(step.command().replace("127.0.0.1:8080", gateway).replace("127.0.0.1:8081", admin)
                    .replace("127.0.0.1:9090", ops));
        }
        List<String> outputs = runInOneShell(commands);
        for (int i = 0; i < steps.size(); i++) {
            assertAnswers(steps.get(i), outputs.get(i));
        }
    }

    @Test
    void theDevBannersCalls_runInOrder_leaveTheDemoKeyAlone_andAnswerAsTheySay() throws Exception {
        Running dev = jar.start("dev", "--port", "0", "--admin-port", "0", "--ops-port", "0");
        dev.lineContaining("Stop with Ctrl-C.");
        List<String> banner = dev.stdoutLines();
        String demoLine = dev.lineContaining("  demo key     pk_live_");
        String demoKey = demoLine.replaceAll(".*demo key +(pk_live_[0-9A-Za-z]+) .*", "$1");
        String demoId = demoLine.replaceAll(".*\\(id ([0-9a-f-]{36}),.*", "$1");
        List<String> tryCalls = sectionLines(banner, DevBanner.TRY_HEADING);
        List<String> adminCalls = sectionLines(banner, DevBanner.ADMIN_HEADING);
        List<String> commands = new ArrayList<>(tryCalls);
        commands.addAll(adminCalls);
        commands.addAll(tryCalls);

        List<String> out = runInOneShell(commands);

        assertThat(tryCalls).hasSize(2);
        assertThat(out.get(0)).startsWith("HTTP/1.1 200 OK").contains("access-control-allow-origin: http://localhost:8000")
                .endsWith("{\"key_id\":\"" + demoId + "\",\"account_id\":\"acct_dev\",\"agent_id\":null}\n");
        assertThat(out.get(1)).startsWith("{\"error\":\"origin_not_allowed\"").endsWith("}\n");
        List<String> admin = out.subList(2, 2 + adminCalls.size());
        assertThat(admin).hasSize(9);
        assertThat(admin.get(0)).as("TOKEN=").isEmpty();
        assertThat(admin.get(1)).as("KEYS=").isEmpty();
        assertThat(admin.get(2)).as("list").startsWith("[{\"id\":\"" + demoId + "\"").endsWith("]\n");
        assertThat(admin.get(3)).as("create").startsWith("{\"id\":\"").contains("\"name\":\"my site\"", "\"key\":\"pk_live_")
                .endsWith("}\n");
        String id = admin.get(3).replaceAll("^\\{\"id\":\"([^\"]+)\".*\\s*", "$1");
        assertThat(admin.get(4)).as("ID= KEY=").isEmpty();
        assertThat(admin.get(5)).as("bootstrap").isEqualTo("{\"key_id\":\"" + id + "\",\"account_id\":\"acct_dev\","
                + "\"agent_id\":null}\n");
        assertThat(admin.get(6)).as("disable").isEqualTo("204\n");
        assertThat(admin.get(7)).as("bootstrap after").startsWith("{\"error\":\"key_disabled\"").endsWith("}\n");
        assertThat(admin.get(8)).as("delete").isEqualTo("204\n");
        assertThat(out.get(2 + adminCalls.size())).as("the demo key still works afterwards")
                .startsWith("HTTP/1.1 200 OK").contains(demoId);
        assertThat(String.join("", admin)).doesNotContain(demoKey);
    }

    /** The commands of a shell block (a trailing {@code \} continues a line) and the answer shown under each. */
    static List<Step> steps(String block) {
        List<Step> steps = new ArrayList<>();
        StringBuilder command = null;
        List<String> answer = null;
        for (String line : block.lines().toList()) {
            if (line.startsWith(ANSWER) && answer != null) {
                answer.add(line.substring(ANSWER.length()));
            } else if (command != null && command.toString().endsWith("\\")) {
                command.setLength(command.length() - 1);
                command.append(line.strip().isEmpty() ? "" : " " + line.strip());
            } else if (!line.isBlank() && !line.startsWith("#")) {
                if (command != null) {
                    steps.add(new Step(command.toString().strip(), answer));
                }
                command = new StringBuilder(line.replaceAll("\\s+#.*$", ""));
                answer = new ArrayList<>();
            }
        }
        if (command != null) {
            steps.add(new Step(command.toString().strip(), answer));
        }
        return steps;
    }

    /** The indented lines under the banner heading that starts with {@code heading}, up to the next blank line. */
    private static List<String> sectionLines(List<String> banner, String heading) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String line : banner) {
            if (line.startsWith(heading)) {
                in = true;
            } else if (in && line.startsWith("  ")) {
                lines.add(line.substring(2));
            } else if (in) {
                break;
            }
        }
        assertThat(lines).as("calls under \"" + heading + "\"").isNotEmpty();
        return lines;
    }

    /**
     * Runs {@code commands} in one bash process, as pasted one after the other, and returns what
     * each printed (stdout and stderr). A marker line after each command splits the output; a
     * command whose output does not end with a newline would push its marker off the start of a
     * line, and is reported.
     */
    private static List<String> runInOneShell(List<String> commands) throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder("set -u\n");
        for (int i = 0; i < commands.size(); i++) {
            script.append(commands.get(i)).append('\n').append("printf '@@@%d@@@\\n' ").append(i).append('\n');
        }
        Path file = Files.createTempFile("walkthrough-", ".sh");
        Files.writeString(file, script);
        Process bash = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true)
                .directory(MarkdownDocs.repositoryRoot().toFile()).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<String> outputs = new ArrayList<>();
        Matcher marker = MARKER.matcher(output);
        int start = 0;
        while (marker.find()) {
            assertThat(Integer.parseInt(marker.group(1))).as("the answer of command " + outputs.size()
                    + " ends with a newline (else it hides the next marker); the whole output:\n" + output)
                    .isEqualTo(outputs.size());
            outputs.add(output.substring(start, marker.start()));
            start = marker.end() + 1;
        }
        assertThat(outputs).as("one answer per command, each ending with a newline; the whole output:\n" + output)
                .hasSize(commands.size());
        return outputs;
    }

    private static void assertAnswers(Step step, String output) {
        List<String> printed = output.lines().toList();
        assertThat(printed).as("what `" + step.command() + "` printed, against the README").hasSize(step.answer().size());
        for (int i = 0; i < printed.size(); i++) {
            assertThat(printed.get(i)).as("`" + step.command() + "`").matches(pattern(step.answer().get(i)));
        }
    }

    /** An answer line as a pattern: literal text, with {@code …} for any text. */
    static Pattern pattern(String answer) {
        StringBuilder regex = new StringBuilder();
        for (String literal : answer.split("…", -1)) {
            if (regex.length() > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(literal));
        }
        return Pattern.compile(regex.toString());
    }
}
