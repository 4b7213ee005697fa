package io.skein.replication.raft;

import static io.skein.replication.raft.QuorumFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.ControllerUnavailableException;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SingleVoterQuorumTest {

    private Path storage;
    private Map<Integer, InetSocketAddress> voters;
    private MetadataQuorum quorum;

    @BeforeEach
    void setUp() throws Exception {
        storage = QuorumFixture.newDir("single");
        voters = QuorumFixture.voters(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (quorum != null) {
            quorum.close();
        }
        QuorumFixture.delete(storage);
    }

    private MetadataQuorum startQuorum() throws Exception {
        MetadataQuorum q = MetadataQuorum.create(QuorumFixture.settings(1, voters, storage, TIMEOUT));
        q.start();
        q.awaitReady().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return q;
    }

    private static ControllerCommand createOrders() {
        return new ControllerCommand.CreateTopics(List.of(new ControllerCommand.NewTopic("orders", 3, (short) 1,
                Map.of(), Map.of("cleanup.policy", "compact"))), false);
    }

    private ControllerResult submit(ControllerCommand command) throws Exception {
        return quorum.submit(command).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void becomesReadyAsItsOwnLeaderWithAClusterId() throws Exception {
        quorum = startQuorum();

        MetadataImage image = quorum.image();

        assertEquals(1, image.controllerId());
        assertNotNull(image.clusterId());
    }

    @Test
    void createdTopicAppearsInTheImageWithPartitionsAndConfigs() throws Exception {
        quorum = startQuorum();
        submit(QuorumFixture.register(1));

        ControllerResult result = submit(createOrders());

        assertEquals(List.of(ControllerResult.ItemResult.ok("orders")), result.items());
        MetadataImage image = quorum.awaitApplied(result.offset()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        MetadataImage.TopicImage topic = image.topic("orders").orElseThrow();
        assertEquals(3, topic.partitions().size());
        assertEquals(Map.of("cleanup.policy", "compact"), topic.configs());
        assertEquals(List.of(1), topic.partitions().get(2).replicas());
    }

    @Test
    void listenersSeeEveryImageInOrderBeforeAwaitAppliedCompletes() throws Exception {
        List<Long> offsets = new CopyOnWriteArrayList<>();
        quorum = MetadataQuorum.create(QuorumFixture.settings(1, voters, storage, TIMEOUT));
        quorum.addListener((previous, current) -> offsets.add(current.offset()));
        quorum.start();
        quorum.awaitReady().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        submit(QuorumFixture.register(1));

        ControllerResult result = submit(createOrders());
        quorum.awaitApplied(result.offset()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertTrue(offsets.contains(result.offset()), offsets.toString());
        for (int i = 1; i < offsets.size(); i++) {
            assertTrue(offsets.get(i - 1) <= offsets.get(i), offsets.toString());
        }
    }

    @Test
    void topicSurvivesARestartOnTheSameStorage() throws Exception {
        quorum = startQuorum();
        submit(QuorumFixture.register(1));
        ControllerResult created = submit(createOrders());
        String clusterId = quorum.image().clusterId();
        quorum.close();

        quorum = startQuorum();

        MetadataImage image = quorum.awaitApplied(created.offset()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(3, image.topic("orders").orElseThrow().partitions().size());
        assertEquals(clusterId, image.clusterId());
        assertEquals(1, image.brokers().size());
    }

    @Test
    void concurrentCreatesOfOneNameLetExactlyOneSucceed() throws Exception {
        quorum = startQuorum();
        submit(QuorumFixture.register(1));
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ControllerResult>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return submit(createOrders());
                }));
            }

            go.countDown();

            List<Errors> errors = new ArrayList<>();
            for (Future<ControllerResult> f : futures) {
                errors.add(f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).items().get(0).error());
            }
            assertEquals(1, errors.stream().filter(e -> e == Errors.NONE).count(), errors.toString());
            assertEquals(threads - 1, errors.stream().filter(e -> e == Errors.TOPIC_ALREADY_EXISTS).count(),
                    errors.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCreatesOfDifferentNamesAllSucceed() throws Exception {
        quorum = startQuorum();
        submit(QuorumFixture.register(1));
        List<CompletableFuture<ControllerResult>> futures = new ArrayList<>();

        for (int i = 0; i < 20; i++) {
            futures.add(quorum.submit(new ControllerCommand.CreateTopics(List.of(new ControllerCommand.NewTopic(
                    "t" + i, 1, (short) 1, Map.of(), Map.of())), false)));
        }

        for (CompletableFuture<ControllerResult> f : futures) {
            assertEquals(Errors.NONE, f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).items().get(0).error());
        }
        QuorumFixture.await(() -> quorum.image().topics().size() == 20, "all 20 topics are in the image");
    }

    @Test
    void submitFailsWithControllerUnavailableWhenNoQuorumAnswers() throws Exception {
        // Two voters, only one started: no majority, no leader.
        Map<Integer, InetSocketAddress> two = QuorumFixture.voters(2);
        quorum = MetadataQuorum.create(QuorumFixture.settings(1, two, storage, Duration.ofMillis(1500)));
        quorum.start();

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> quorum.submit(new ControllerCommand.Barrier()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));

        assertInstanceOf(ControllerUnavailableException.class, e.getCause());
    }
}
