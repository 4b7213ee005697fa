package io.skein.replication.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AppendContext;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.StorageSettings;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.HostedReplica;
import io.skein.replication.api.MetadataImage.PartitionState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broker 1 leads t-0 (replicas 1, 2, 3) at epoch 2 with 10 records in its log. */
class LeaderReplicationTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final Uuid TOPIC_ID = Uuid.randomUuid();
    private static final long LAG_MS = 10_000;

    /** This node's replica of t-0 as the broker hosts it, leading. */
    private record Led(TopicPartition topicPartition, Uuid topicId, PartitionState state, PartitionLog log)
            implements HostedReplica {
        @Override
        public boolean isLeader() {
            return true;
        }
    }

    @TempDir
    Path dir;

    private LogRegistry registry;
    private PartitionLog log;
    private long now = 1_000_000;
    private final List<ControllerCommand> sent = new ArrayList<>();
    private final List<TopicPartition> woken = new ArrayList<>();
    private LeaderReplication leader;

    @BeforeEach
    void leaderWithTenRecords() throws Exception {
        registry = LogRegistry.openReplicated(StorageSettings.defaults(List.of(dir), LogConfig.defaults()));
        log = registry.getOrCreate(TP, TOPIC_ID, LogConfig.defaults());
        log.becomeLeader(2);
        SimpleRecord[] records = new SimpleRecord[10];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(new byte[] {(byte) i});
        }
        log.append(MemoryRecords.withRecords(Compression.NONE, records), new AppendContext(2, 0));
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now);
            }
        };
        IsrChanges isrChanges = new IsrChanges(1, command -> {
            sent.add(command);
            return new CompletableFuture<ControllerResult>(); // never answered: stays pending
        });
        leader = new LeaderReplication(1, clock, LAG_MS, isrChanges, woken::add);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private void lead(List<Integer> isr, int partitionEpoch) {
        HostedReplica p = new Led(TP, TOPIC_ID, new PartitionState(0, List.of(1, 2, 3), isr, 1, 2, partitionEpoch),
                log);
        leader.onLeading(Map.of(TP, p), Set.of(1, 2, 3));
    }

    @Test
    void highWatermarkMovesWhenEveryIsrFollowerHasTheOffsets() {
        lead(List.of(1, 2, 3), 0);

        leader.onFollowerFetch(TP, 2, 10);
        assertEquals(0, log.highWatermark(), "follower 3 has not fetched yet");
        leader.onFollowerFetch(TP, 3, 7);

        assertEquals(7, log.highWatermark());
        assertTrue(woken.contains(TP), "parked fetches and produces are told");
    }

    @Test
    void aFollowerFetchThatLeavesTheHighWatermarkWakesNoOne() {
        lead(List.of(1, 2), 0);
        leader.onFollowerFetch(TP, 2, 10);
        assertEquals(10, log.highWatermark());
        woken.clear();

        leader.onFollowerFetch(TP, 2, 10);

        assertEquals(10, log.highWatermark());
        assertTrue(woken.isEmpty(), "nothing parked can have changed: " + woken);
    }

    @Test
    void aPartitionNoLongerLedIsWokenSoItsParkedRequestsAnswerAtOnce() {
        lead(List.of(1, 2), 0);
        woken.clear();

        leader.onLeading(Map.of(), Set.of(1, 2, 3));

        assertEquals(List.of(TP), woken);
    }

    @Test
    void aFollowerThatStopsFetchingIsProposedOutOfTheIsrAfterTheLagTime() {
        lead(List.of(1, 2, 3), 4);
        leader.onFollowerFetch(TP, 2, 10);
        leader.onFollowerFetch(TP, 3, 10);
        now += 1000;
        leader.onFollowerFetch(TP, 2, 10);

        now += LAG_MS;
        leader.shrinkLaggingIsrs();
        assertTrue(sent.isEmpty(), "both still caught up: the log did not grow");

        log.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(new byte[] {1})),
                new AppendContext(2, now));
        leader.onFollowerFetch(TP, 2, 11);
        now += LAG_MS + 1;
        leader.shrinkLaggingIsrs();

        assertEquals(List.of(new ControllerCommand.AlterPartition(1, TOPIC_ID, 0, 2, 4, List.of(1, 2))), sent);
    }

    @Test
    void aFollowerOutsideTheIsrIsProposedBackOnceItReachesTheHighWatermark() {
        lead(List.of(1, 2), 6);
        leader.onFollowerFetch(TP, 2, 10);
        assertEquals(10, log.highWatermark());

        leader.onFollowerFetch(TP, 3, 4);
        assertTrue(sent.isEmpty(), "behind the high watermark");
        leader.onFollowerFetch(TP, 3, 10);

        assertEquals(List.of(new ControllerCommand.AlterPartition(1, TOPIC_ID, 0, 2, 6, List.of(1, 2, 3))), sent);
        leader.onFollowerFetch(TP, 3, 10);
        assertEquals(1, sent.size(), "one proposal in flight per partition");
    }
}
