package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged executable ({@code app/target/widget-edge.jar}) started as child processes of an
 * integration test. {@link #close} kills whatever is still running.
 */
final class PackagedJar implements AutoCloseable {

    static final Path JAR = Path.of(System.getProperty("widget-edge.jar", "target/widget-edge.jar"));

    private final List<Process> processes = new ArrayList<>();

    /**
     * A started process. Its output goes to files rather than pipes: when a process exits, the
     * JDK closes its pipes under a concurrent reader and the last lines can be lost.
     */
    record Running(Process process, Path stdout, Path stderr) {

        /** Waits (up to 30 s) for a line of stdout or stderr containing {@code text}. */
        String lineContaining(String text) {
            return await().atMost(Duration.ofSeconds(30))
                    .alias("a line containing '" + text + "' in the output so far")
                    .until(() -> output().stream().filter(line -> line.contains(text)).findFirst().orElse(null),
                            line -> line != null);
        }

        /** The port that follows {@code marker} on the first line containing {@code lineText}. */
        int portOnLine(String lineText, String marker) {
            return portAfter(lineContaining(lineText), marker);
        }

        List<String> stdoutLines() throws IOException {
            return Files.readAllLines(stdout, StandardCharsets.UTF_8);
        }

        List<String> output() throws IOException {
            List<String> all = new ArrayList<>(stdoutLines());
            all.addAll(Files.readAllLines(stderr, StandardCharsets.UTF_8));
            return all;
        }
    }

    /** Starts {@code java -jar widget-edge.jar args…} with the JVM running the test. */
    Running start(String... args) throws IOException {
        assertThat(Files.isRegularFile(JAR)).as("the packaged jar at " + JAR.toAbsolutePath()).isTrue();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile("widget-edge-out-", ".log");
        Path stderr = Files.createTempFile("widget-edge-err-", ".log");
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        processes.add(process);
        return new Running(process, stdout, stderr);
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
        processes.clear();
    }

    /** The decimal number right after {@code marker} in {@code line}. */
    static int portAfter(String line, String marker) {
        String rest = line.substring(line.indexOf(marker) + marker.length());
        int end = 0;
        while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
            end++;
        }
        return Integer.parseInt(rest.substring(0, end));
    }
}
