package io.skein.replication.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.QuorumSettings.ControllerSettings;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class BrokerLifecycleTest {

    private static final Uuid TOPIC = Uuid.randomUuid();
    private static final Uuid[] INCARNATIONS = {null, Uuid.randomUuid(), Uuid.randomUuid(), Uuid.randomUuid()};

    private final Controller controller = new Controller(new ControllerSettings(1, (short) 1, Map.of()), new Random(1));

    /**
     * Brokers 1-3; partition 0 led by 2 with ISR [2, 3, 1]; partition 1 led by 1 with ISR [1, 2];
     * partition 2 led by 2 alone (ISR [2]).
     */
    private static ImageState cluster() {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.ClusterId("c"));
        for (int id = 1; id <= 3; id++) {
            records.add(new MetadataRecord.RegisterBroker(id, INCARNATIONS[id], List.of(), null, false));
        }
        records.add(new MetadataRecord.Topic("t", TOPIC));
        records.add(new MetadataRecord.Partition(TOPIC, 0, List.of(2, 3, 1), List.of(2, 3, 1), 2, 4, 7));
        records.add(new MetadataRecord.Partition(TOPIC, 1, List.of(1, 2), List.of(1, 2), 1, 0, 0));
        records.add(new MetadataRecord.Partition(TOPIC, 2, List.of(2), List.of(2), 2, 0, 0));
        return ImageState.empty().replay(records, 0);
    }

    private ImageState apply(ImageState image, ControllerCommand command) {
        Outcome outcome = controller.compute(command, image);
        assertEquals(Errors.NONE, outcome.items().get(0).error(), outcome.items().toString());
        return image.replay(outcome.records(), image.offset() + 1);
    }

    private static PartitionState partition(ImageState image, int p) {
        return image.topic("t").orElseThrow().partitions().get(p);
    }

    @Test
    void fencingMovesLeadershipToTheNextInSyncReplicaAndShrinksIsrs() {
        ImageState fenced = apply(cluster(), new ControllerCommand.FenceBroker(2, INCARNATIONS[2], false));

        assertTrue(fenced.brokers().get(2).fenced());
        assertEquals(new PartitionState(0, List.of(2, 3, 1), List.of(3, 1), 3, 5, 8), partition(fenced, 0));
        assertEquals(new PartitionState(1, List.of(1, 2), List.of(1), 1, 0, 1), partition(fenced, 1));
        assertEquals(new PartitionState(2, List.of(2), List.of(2), -1, 1, 1), partition(fenced, 2),
                "the last in-sync replica stays in the ISR; the partition has no leader");
    }

    @Test
    void fencingReportsHowManyLeadershipsMoved() {
        Outcome outcome = controller.compute(new ControllerCommand.FenceBroker(2, INCARNATIONS[2], true), cluster());

        assertEquals("leaders moved for 1 partitions, 1 partitions left without a leader (no other in-sync replica)",
                outcome.items().get(0).message());
    }

    @Test
    void unfencingLetsTheBrokerLeadPartitionsLeftWithoutALeader() {
        ImageState fenced = apply(cluster(), new ControllerCommand.FenceBroker(2, INCARNATIONS[2], false));

        ImageState back = apply(fenced, new ControllerCommand.UnfenceBroker(2, INCARNATIONS[2]));

        assertFalse(back.brokers().get(2).fenced());
        assertEquals(new PartitionState(2, List.of(2), List.of(2), 2, 2, 2), partition(back, 2));
        assertEquals(3, partition(back, 0).leader(), "leaders that moved stay where they are");
    }

    @Test
    void aNewRegistrationAlsoLeadsLeaderlessPartitions() {
        ImageState fenced = apply(cluster(), new ControllerCommand.FenceBroker(2, INCARNATIONS[2], false));

        ImageState back = apply(fenced, new ControllerCommand.RegisterBroker(2, Uuid.randomUuid(), List.of(), "r1"));

        assertFalse(back.brokers().get(2).fenced());
        assertEquals("r1", back.brokers().get(2).rack());
        assertEquals(2, partition(back, 2).leader());
    }

    @Test
    void fencingAnOlderIncarnationChangesNothing() {
        Outcome outcome = controller.compute(new ControllerCommand.FenceBroker(2, Uuid.randomUuid(), false), cluster());

        assertEquals(Errors.STALE_BROKER_EPOCH, outcome.items().get(0).error());
        assertTrue(outcome.records().isEmpty());
    }

    @Test
    void fencingAnUnknownBrokerIsRefused() {
        Outcome outcome = controller.compute(new ControllerCommand.FenceBroker(9, Uuid.randomUuid(), false), cluster());

        assertEquals(Errors.BROKER_ID_NOT_REGISTERED, outcome.items().get(0).error());
    }

    @Test
    void replicasOfAPartitionGoToDifferentRacks() {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.ClusterId("c"));
        String[] racks = {null, "a", "a", "b", "b"};
        for (int id = 1; id <= 4; id++) {
            records.add(new MetadataRecord.RegisterBroker(id, Uuid.randomUuid(), List.of(), racks[id], false));
        }
        ImageState image = ImageState.empty().replay(records, 0);

        ImageState after = apply(image, new ControllerCommand.CreateTopics(List.of(new ControllerCommand.NewTopic(
                "racked", 8, (short) 2, Map.of(), Map.of())), false));

        for (PartitionState p : after.topic("racked").orElseThrow().partitions().values()) {
            assertEquals(2, p.replicas().stream().map(id -> racks[id]).distinct().count(), p.toString());
        }
    }
}
