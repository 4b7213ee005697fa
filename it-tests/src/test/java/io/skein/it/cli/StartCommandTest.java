package io.skein.it.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Processes;
import io.skein.it.harness.SkeinNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The `skein start` process: one ready line, clean exit on SIGTERM, clear refusal of bad configs. */
class StartCommandTest {

    @Test
    void printsOneReadyLineAndExitsZeroOnSigterm() throws Exception {
        SkeinNode node = SkeinNode.start("cli", Path.of("target", "it-data", "cli-" + System.nanoTime()));
        String readyLine = node.readyLine();

        int exit = node.stop();

        assertEquals(0, exit, node.outputTail());
        assertTrue(readyLine.startsWith("skein ready: PLAINTEXT://127.0.0.1:" + node.clientPort()),
                readyLine + " (client port " + node.clientPort() + ")");
        long readyLines = node.outputTail().lines().filter(l -> l.startsWith("skein ready:")).count();
        assertEquals(1, readyLines, node.outputTail());
        assertTrue(node.outputTail().contains("stopped cleanly"), "no clean-stop line in:\n" + node.outputTail());
    }

    @Test
    void refusesUnknownListenerProtocol() throws IOException {
        Processes.Result r = start(Map.of("listeners", "FOO://127.0.0.1:0,CONTROLLER://127.0.0.1:" + SkeinNode.freePort()));

        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("FOO"), r.output());
    }

    @Test
    void refusesPortInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            int controller = SkeinNode.freePort();
            Processes.Result r = start(Map.of("listeners", "PLAINTEXT://127.0.0.1:" + port
                    + ",CONTROLLER://127.0.0.1:" + controller, "controller.quorum.voters", "1@127.0.0.1:" + controller));

            assertNotEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains(Integer.toString(port)), r.output());
        }
    }

    @Test
    void refusesUnwritableLogDir() throws IOException {
        Path file = Files.createTempFile("skein-not-a-dir", ".txt");
        Processes.Result r = start(Map.of("log.dirs", file.resolve("data").toString()));

        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("log.dirs") || r.output().contains("log directory"), r.output());
    }

    @Test
    void refusesBadNumber() throws IOException {
        Processes.Result r = start(Map.of("num.partitions", "abc"));

        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("num.partitions") && r.output().contains("abc"), r.output());
    }

    private static Processes.Result start(Map<String, String> overrides) throws IOException {
        int client = SkeinNode.freePort();
        int controller = SkeinNode.freePort();
        Path data = Files.createDirectories(Path.of("target", "it-data", "cli-bad-" + System.nanoTime()));
        java.util.LinkedHashMap<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + client + ",CONTROLLER://127.0.0.1:" + controller);
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        settings.put("log.dirs", data.toString());
        settings.putAll(overrides);
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        return Processes.run(SkeinNode.javaCommand(args), null, Map.of(), 90);
    }
}
