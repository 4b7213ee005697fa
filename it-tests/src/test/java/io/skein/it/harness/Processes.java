package io.skein.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external program (kcat, go, a built Go client, a broker that must refuse to start) and captures its output. */
public final class Processes {

    /** Exit code and combined stdout/stderr of a process; {@code timedOut} when it had to be killed. */
    public record Result(int exitCode, String output, boolean timedOut) {

        /** For assertion messages. */
        public String describe() {
            return (timedOut ? "killed after timing out" : "exit code " + exitCode) + "; output:\n" + output;
        }
    }

    private Processes() {
    }

    /**
     * Runs the command to completion or until the timeout (then kills it), feeding it {@code stdin}
     * (may be null) and the extra environment variables.
     */
    public static Result run(List<String> command, String stdin, Map<String, String> env, Duration timeout) {
        Path out = null;
        try {
            out = Files.createTempFile("skein-it-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            try {
                if (stdin != null) {
                    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                }
                p.getOutputStream().close();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    return new Result(-1, Files.readString(out), true);
                }
                return new Result(p.exitValue(), Files.readString(out), false);
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** Fails with a pointer to ./skein test when a required tool is missing from the PATH. */
    public static void require(String tool) {
        Result r = run(List.of("sh", "-c", "command -v " + tool), null, Map.of(), Duration.ofSeconds(10));
        if (r.exitCode() != 0) {
            throw new AssertionError(tool + " is not installed (not on the PATH); run ./skein test, which installs"
                    + " the test prerequisites (kcat golang-go golang-github-confluentinc-confluent-kafka-go-dev"
                    + " librdkafka-dev pkg-config python3-kafka nodejs, and kafkajs from npm)");
        }
    }
}
