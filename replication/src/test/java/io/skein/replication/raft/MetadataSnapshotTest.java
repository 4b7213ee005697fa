package io.skein.replication.raft;

import static io.skein.replication.raft.QuorumFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.metadata.ImageSnapshotCodec;
import io.skein.replication.metadata.ImageState;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetadataSnapshotTest {

    private static final long SNAPSHOT_ENTRIES = 10;

    private Path storage;
    private Map<Integer, InetSocketAddress> voters;
    private RatisMetadataQuorum quorum;

    @BeforeEach
    void setUp() throws Exception {
        storage = QuorumFixture.newDir("snapshot");
        voters = QuorumFixture.voters(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (quorum != null) {
            quorum.close();
        }
        QuorumFixture.delete(storage);
    }

    private RatisMetadataQuorum startQuorum() throws Exception {
        RatisMetadataQuorum q = new RatisMetadataQuorum(QuorumFixture.settings(1, voters, voters.get(1), storage,
                TIMEOUT, SNAPSHOT_ENTRIES));
        q.start();
        q.awaitReady().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return q;
    }

    private static ControllerCommand createTopic(String name) {
        return new ControllerCommand.CreateTopics(List.of(new ControllerCommand.NewTopic(name, 2, (short) 1,
                Map.of(), Map.of("retention.ms", "60000"))), false);
    }

    @Test
    void restartLoadsTheSnapshotAndReplaysOnlyTheTail() throws Exception {
        quorum = startQuorum();
        quorum.submit(QuorumFixture.register(1)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        ControllerResult last = null;
        for (int i = 0; i < 35; i++) {
            last = quorum.submit(createTopic("topic-" + i)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(Errors.NONE, last.items().get(0).error());
        }
        MetadataImage before = quorum.awaitApplied(last.offset()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        QuorumFixture.await(() -> quorum.snapshotIndex() >= 30, "a snapshot covers most entries");
        quorum.close();

        quorum = startQuorum();

        assertTrue(quorum.snapshotIndex() >= 30, "loaded snapshot at " + quorum.snapshotIndex());
        assertTrue(quorum.replayedEntries() <= SNAPSHOT_ENTRIES + 2,
                "replayed " + quorum.replayedEntries() + " entries after the snapshot");
        MetadataImage after = quorum.image();
        assertEquals(35, after.topics().size());
        assertArrayEquals(ImageSnapshotCodec.encode((ImageState) before),
                ImageSnapshotCodec.encode(((ImageState) quorum.awaitApplied(before.offset())
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).atOffset(before.offset())),
                "the image after the restart holds the same facts");
        try (Stream<Path> files = Files.walk(storage)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+")));
        }
    }

    @Test
    void commandsKeepWorkingAfterARestartFromASnapshot() throws Exception {
        quorum = startQuorum();
        quorum.submit(QuorumFixture.register(1)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        for (int i = 0; i < 15; i++) {
            quorum.submit(createTopic("before-" + i)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        QuorumFixture.await(() -> quorum.snapshotIndex() > 0, "a snapshot");
        quorum.close();
        quorum = startQuorum();

        ControllerResult again = quorum.submit(createTopic("before-3")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        ControllerResult fresh = quorum.submit(createTopic("after")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(Errors.TOPIC_ALREADY_EXISTS, again.items().get(0).error());
        assertEquals(Errors.NONE, fresh.items().get(0).error());
        assertEquals(16, quorum.awaitApplied(fresh.offset()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .topics().size());
    }
}
