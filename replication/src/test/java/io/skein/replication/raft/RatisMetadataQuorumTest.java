package io.skein.replication.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerCommand.NewTopic;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.Endpoint;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.replication.api.QuorumSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** A real one-voter Ratis quorum on loopback. */
class RatisMetadataQuorumTest {

    private static QuorumSettings settings(Path dir, int port) {
        return new QuorumSettings(1, Map.of(1, new InetSocketAddress("127.0.0.1", port)),
                new InetSocketAddress("127.0.0.1", port), dir, Duration.ofSeconds(20),
                new QuorumSettings.ControllerSettings(1, (short) 1, Map.of()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static MetadataQuorum started(Path dir, int port) throws Exception {
        MetadataQuorum quorum = MetadataQuorum.create(settings(dir, port));
        quorum.start();
        quorum.awaitReady().get(30, TimeUnit.SECONDS);
        ControllerResult r = quorum.submit(new ControllerCommand.RegisterBroker(1, Uuid.randomUuid(),
                List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT")), null)).get(30, TimeUnit.SECONDS);
        quorum.awaitApplied(r.offset()).get(30, TimeUnit.SECONDS);
        return quorum;
    }

    @Test
    void topicsSurviveARestart() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "quorum");
        int port = freePort();
        Uuid topicId;
        String clusterId;
        try (MetadataQuorum quorum = started(dir, port)) {
            ControllerResult r = quorum.submit(new ControllerCommand.CreateTopics(
                    List.of(new NewTopic("kept", 3, (short) 1, Map.of(), Map.of("retention.ms", "5"))), false))
                    .get(30, TimeUnit.SECONDS);
            MetadataImage image = quorum.awaitApplied(r.offset()).get(30, TimeUnit.SECONDS);
            topicId = image.topic("kept").orElseThrow().id();
            clusterId = image.clusterId();
        }

        try (MetadataQuorum quorum = started(dir, port)) {
            MetadataImage image = quorum.image();
            assertEquals(topicId, image.topic("kept").orElseThrow().id());
            assertEquals(3, image.topic("kept").orElseThrow().partitions().size());
            assertEquals("5", image.topic("kept").orElseThrow().configs().get("retention.ms"));
            assertEquals(clusterId, image.clusterId());
        }
    }

    @Test
    void concurrentCreatesOfOneNameLetExactlyOneWin() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "quorum");
        try (MetadataQuorum quorum = started(dir, freePort())) {
            List<CompletableFuture<ControllerResult>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(CompletableFuture.supplyAsync(() -> quorum.submit(new ControllerCommand.CreateTopics(
                        List.of(new NewTopic("race", 1, (short) 1, Map.of(), Map.of())), false)).join()));
            }
            int won = 0;
            for (CompletableFuture<ControllerResult> f : futures) {
                Errors e = f.get(30, TimeUnit.SECONDS).items().get(0).error();
                assertTrue(e == Errors.NONE || e == Errors.TOPIC_ALREADY_EXISTS, e.toString());
                won += e == Errors.NONE ? 1 : 0;
            }
            assertEquals(1, won);
        }
    }
}
