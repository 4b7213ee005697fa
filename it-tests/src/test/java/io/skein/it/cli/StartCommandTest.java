package io.skein.it.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.Processes;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code skein start} as an operator sees it: one ready line naming the client listener, a clean
 * exit (code 0) on SIGTERM, and a bad configuration refused at once with a non-zero exit and a
 * message naming what is wrong, without a stack trace.
 */
class StartCommandTest {

    private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void printsOneReadyLineAndExitsWithZeroOnSigterm() {
        SkeinNode node = SkeinNode.start("cli-sigterm", TestBroker.freshDataDir("cli-sigterm"), Map.of());
        try {
            long pid = node.pid();

            int exitCode = node.stop();

            assertEquals(0, exitCode, "exit code after SIGTERM; output:\n" + node.outputTail());
            Clients.await("process " + pid + " to be gone", Duration.ofSeconds(10),
                    () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            List<String> readyLines = node.outputLines().stream().filter(l -> l.startsWith("skein ready:")).toList();
            assertEquals(1, readyLines.size(), "lines starting with 'skein ready:': " + readyLines);
            assertTrue(readyLines.get(0).contains(node.bootstrap()),
                    "the ready line names the client listener " + node.bootstrap() + ": " + readyLines.get(0));
        } finally {
            node.kill(); // no-op once stopped
        }
    }

    @Test
    void refusesAnUnknownListenerProtocol() throws IOException {
        int controller = SkeinNode.freePort();

        Processes.Result r = start(Map.of("listeners", "FOO://127.0.0.1:0,CONTROLLER://127.0.0.1:" + controller,
                "controller.quorum.voters", "1@127.0.0.1:" + controller));

        assertRefused(r, "FOO");
    }

    @Test
    void refusesAClientPortThatIsInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            int controller = SkeinNode.freePort();

            Processes.Result r = start(Map.of("listeners", "PLAINTEXT://127.0.0.1:" + port
                    + ",CONTROLLER://127.0.0.1:" + controller, "controller.quorum.voters", "1@127.0.0.1:" + controller));

            assertRefused(r, Integer.toString(port));
        }
    }

    @Test
    void refusesALogDirThatCannotBeCreated() throws IOException {
        Path dir = TestBroker.freshDataDir("cli-bad-log-dir");
        Path regularFile = Files.writeString(dir.resolve("a-regular-file"), "not a directory");
        String logDir = regularFile.resolve("data").toString();

        Processes.Result r = start(Map.of("log.dirs", logDir));

        assertRefused(r, logDir);
    }

    @Test
    void refusesANumberThatIsNotANumber() throws IOException {
        Processes.Result r = start(Map.of("num.partitions", "abc"));

        assertRefused(r, "num.partitions", "abc");
    }

    /** Runs {@code skein start} with a valid single-node config plus the overrides, to completion. */
    private static Processes.Result start(Map<String, String> overrides) throws IOException {
        int client = SkeinNode.freePort();
        int controller = SkeinNode.freePort();
        Path data = TestBroker.freshDataDir("cli-refused");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node.id", "1");
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + client + ",CONTROLLER://127.0.0.1:" + controller);
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        settings.put("log.dirs", data.toString());
        settings.putAll(overrides);
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        return Processes.run(SkeinNode.javaCommand(args), null, Map.of(), REFUSAL_TIMEOUT);
    }

    private static void assertRefused(Processes.Result r, String... mentioned) {
        assertFalse(r.timedOut(), "the broker kept running with a bad config; " + r.describe());
        assertNotEquals(0, r.exitCode(), r.describe());
        assertFalse(r.output().lines().anyMatch(l -> l.startsWith("skein ready:")), r.describe());
        for (String m : mentioned) {
            assertTrue(r.output().contains(m), "the output should name '" + m + "'; " + r.describe());
        }
        Optional<String> stackFrame = r.output().lines().filter(l -> l.matches("\\s+at [\\w.$]+\\(.*\\)")).findFirst();
        assertTrue(stackFrame.isEmpty(), "a bad config deserves one clear message, not a stack trace; " + r.describe());
    }
}
