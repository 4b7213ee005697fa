package io.skein.broker.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.log.api.AppendContext;
import io.skein.log.api.EpochEndOffset;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.StorageSettings;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a metadata image tells a hosted log: its leader epoch and whether its high watermark follows appends. */
class PartitionsLeadershipTest {

    private static final int NODE = 1;
    private static final Uuid TOPIC_ID = Uuid.randomUuid();
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    private LogRegistry logs;
    private Partitions partitions;
    private ImageState image = ImageState.empty();

    @BeforeEach
    void open() throws Exception {
        logs = LogRegistry.openReplicated(StorageSettings.defaults(List.of(dir), LogConfig.defaults()));
        partitions = new Partitions(NODE, logs, overrides -> LogConfig.defaults());
    }

    @AfterEach
    void close() {
        logs.close();
    }

    private void publish(List<Integer> isr, int leader, int leaderEpoch) {
        ImageState previous = image;
        image = image.replay(List.of(new MetadataRecord.Topic(TP.topic(), TOPIC_ID),
                new MetadataRecord.Partition(TOPIC_ID, 0, List.of(1, 2, 3), isr, leader, leaderEpoch, leaderEpoch)),
                image.offset() + 1);
        partitions.onImage(previous, image);
    }

    private PartitionLog log() {
        return logs.get(TP).orElseThrow();
    }

    private void append(int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), null, new byte[] {(byte) i});
        }
        log().append(MemoryRecords.withRecords(Compression.NONE, records),
                new AppendContext(partitions.lookup(TP).partition().leaderEpoch(), System.currentTimeMillis()));
    }

    @Test
    void aSoleInSyncLeaderStampsItsEpochAndItsHighWatermarkFollowsAppends() {
        publish(List.of(NODE), NODE, 4);

        append(3);

        assertEquals(4, log().leaderEpoch());
        assertEquals(3, log().highWatermark());
        assertEquals(new EpochEndOffset(4, 3), log().endOffsetForEpoch(4));
    }

    @Test
    void aLeaderWithFollowersInItsIsrKeepsItsHighWatermarkForTheReplicaManager() {
        publish(List.of(NODE, 2), NODE, 2);

        append(3);

        assertEquals(0, log().highWatermark());
        assertEquals(3, log().logEndOffset());
    }

    @Test
    void aNewLeaderEpochStartsAtTheLogEnd() {
        publish(List.of(NODE), NODE, 1);
        append(2);

        publish(List.of(NODE), NODE, 3);

        assertEquals(new EpochEndOffset(1, 2), log().endOffsetForEpoch(2));
        assertEquals(3, log().leaderEpoch());
    }
}
