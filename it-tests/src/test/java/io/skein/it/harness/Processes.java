package io.skein.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external program (kcat, go, a built Go client) with a timeout and captures its output. */
public final class Processes {

    /** Exit code and combined output of a finished process. */
    public record Result(int exitCode, String output) {
    }

    private Processes() {
    }

    public static Result run(List<String> command, String stdin, Map<String, String> env, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("skein-it-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(-1, Files.readString(out) + "\n(timed out after " + timeoutSeconds + " s)");
            }
            String output = Files.readString(out);
            Files.deleteIfExists(out);
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fails with a pointer to ./skein test when a required tool is missing. */
    public static void require(String tool) {
        Result r = run(List.of("sh", "-c", "command -v " + tool), null, Map.of(), 10);
        if (r.exitCode() != 0) {
            throw new AssertionError(tool + " is not installed; run ./skein test, which installs the test prerequisites");
        }
    }
}
