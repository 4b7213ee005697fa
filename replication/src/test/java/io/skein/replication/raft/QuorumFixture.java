package io.skein.replication.raft;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.Endpoint;
import io.skein.replication.api.QuorumSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/** Ports, directories and settings for quorums running inside one test JVM. */
final class QuorumFixture {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private QuorumFixture() {
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh directory under target/, deleted by {@link #delete}. */
    static Path newDir(String name) throws IOException {
        return Files.createDirectories(Path.of("target", "quorum-tests", name + "-" + UUID.randomUUID()));
    }

    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static Map<Integer, InetSocketAddress> voters(int count) {
        Map<Integer, InetSocketAddress> voters = new LinkedHashMap<>();
        for (int id = 1; id <= count; id++) {
            voters.put(id, new InetSocketAddress("127.0.0.1", freePort()));
        }
        return voters;
    }

    /** A voter's settings with the broker's defaults (snapshots every 10,000 entries, 9 s sessions, plaintext). */
    static QuorumSettings settings(int nodeId, Map<Integer, InetSocketAddress> voters, Path storage, Duration timeout) {
        return settings(nodeId, voters, voters.get(nodeId), storage, timeout, 10_000);
    }

    /** @param controllerAddress null for a broker-only node */
    static QuorumSettings settings(int nodeId, Map<Integer, InetSocketAddress> voters,
                                   InetSocketAddress controllerAddress, Path storage, Duration timeout,
                                   long snapshotEntries) {
        return new QuorumSettings(nodeId, voters, controllerAddress, storage, timeout,
                new QuorumSettings.ControllerSettings(1, (short) 1, Map.of()), snapshotEntries,
                Duration.ofMillis(9000), null, QuorumSettings.RaftTimeouts.DEFAULTS);
    }

    static ControllerCommand register(int brokerId) {
        return new ControllerCommand.RegisterBroker(brokerId, Uuid.randomUuid(),
                List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092 + brokerId, "PLAINTEXT")), null);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
