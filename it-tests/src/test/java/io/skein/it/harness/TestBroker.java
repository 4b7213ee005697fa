package io.skein.it.harness;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The broker a test talks to: normally a fresh {@link SkeinNode} with its data under
 * {@code target/it-data/<name>}; or, when the system property {@value #BOOTSTRAP_PROPERTY} is set
 * (e.g. {@code -Dskein.it.bootstrap=127.0.0.1:19092}), an already running Kafka-compatible broker
 * at that address, so the tests themselves can be checked against the reference Apache Kafka.
 *
 * <p>Against an external broker, steps only a Skein node can do (restart, reading its output)
 * are skipped with a JUnit assumption, and topic names get a per-run suffix so that repeated runs
 * against the same broker do not collide. Not thread-safe: one test thread drives it.
 */
public final class TestBroker implements AutoCloseable {

    public static final String BOOTSTRAP_PROPERTY = "skein.it.bootstrap";

    private final SkeinNode node;
    private final String externalBootstrap;
    private final String topicSuffix;

    private TestBroker(SkeinNode node, String externalBootstrap) {
        this.node = node;
        this.externalBootstrap = externalBootstrap;
        this.topicSuffix = node == null ? "-" + UUID.randomUUID().toString().substring(0, 8) : "";
    }

    public static TestBroker start(String name) {
        return start(name, Map.of());
    }

    /** A fresh single-node Skein broker with the given settings, or the external broker if one is configured. */
    public static TestBroker start(String name, Map<String, String> overrides) {
        String external = externalBootstrap();
        if (external != null) {
            return new TestBroker(null, external);
        }
        return new TestBroker(SkeinNode.start(name, freshDataDir(name), overrides), null);
    }

    /** The external bootstrap address, or null when tests start their own Skein nodes. */
    public static String externalBootstrap() {
        String value = System.getProperty(BOOTSTRAP_PROPERTY, "").trim();
        return value.isEmpty() ? null : value;
    }

    /** {@code target/it-data/<name>}, emptied: every run starts from a clean directory. */
    public static Path freshDataDir(String name) {
        Path dir = Path.of("target", "it-data", name).toAbsolutePath();
        deleteRecursively(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isExternal() {
        return node == null;
    }

    public String bootstrap() {
        return node != null ? node.bootstrap() : externalBootstrap;
    }

    public String host() {
        String b = bootstrap().split(",")[0];
        return b.substring(0, b.lastIndexOf(':'));
    }

    public int port() {
        String b = bootstrap().split(",")[0];
        return Integer.parseInt(b.substring(b.lastIndexOf(':') + 1));
    }

    /** A topic name for this run: the name itself on a fresh Skein node, with a unique suffix elsewhere. */
    public String topic(String base) {
        return base + topicSuffix;
    }

    /** Stops the node with SIGTERM, starts it again on the same ports and data; returns the stop's exit code. */
    public int restart() {
        assumeFalse(isExternal(), "restart needs a Skein node started by the test");
        return node.restart();
    }

    /** kill -9 (no clean shutdown), then starts the node again on the same ports and data. */
    public void killAndRestart() {
        assumeFalse(isExternal(), "kill -9 needs a Skein node started by the test");
        node.kill();
        node.restartAfterKill();
    }

    /**
     * kill -9, then {@code whileDown} on the node's data directory (its {@code log.dirs}: to lose or
     * damage files as a failed disk or an operator would), then starts the node again on the same
     * ports and data.
     */
    public void killAndRestart(Consumer<Path> whileDown) {
        assumeFalse(isExternal(), "kill -9 needs a Skein node started by the test");
        node.kill();
        whileDown.accept(node.dataDir());
        node.restartAfterKill();
    }

    /** Everything the Skein node printed. */
    public List<String> outputLines() {
        assumeFalse(isExternal(), "the broker's output is only available for a Skein node started by the test");
        return node.outputLines();
    }

    /** {@link SkeinNode#logged}: whether the Skein node printed such a line, waiting a little for it. */
    public boolean logged(Predicate<String> line) {
        assumeFalse(isExternal(), "the broker's output is only available for a Skein node started by the test");
        return node.logged(line);
    }

    public String outputTail() {
        return node == null ? "(external broker at " + externalBootstrap + ")" : node.outputTail();
    }

    /**
     * Stops the Skein node and fails if the clean stop did not exit with 0 or if Netty's leak
     * detector (paranoid in every node) reported a leaked buffer during the node's life.
     */
    @Override
    public void close() {
        if (node == null) {
            return;
        }
        int exitCode;
        try {
            exitCode = node.stop();
        } catch (RuntimeException e) {
            node.kill();
            throw e;
        }
        if (exitCode != 0) {
            throw new AssertionError("the node exited with " + exitCode + " on SIGTERM; output:\n" + node.outputTail());
        }
        List<String> leaks = node.outputLines().stream().filter(l -> l.contains("LEAK:")).toList();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported leaked buffers: " + leaks);
        }
    }
}
