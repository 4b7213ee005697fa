package io.skein.replication.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerCommand.AlterPartition;
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

class IsrAlterationTest {

    private static final Uuid TOPIC = Uuid.randomUuid();

    private final Controller controller = new Controller(new ControllerSettings(1, (short) 1, Map.of()), new Random(1));

    /** Brokers 1-3 registered (3 fenced), broker 4 not; partition 0 replicas [1, 2, 3, 4], ISR [1, 2], led by 1 at epoch 5, partition epoch 9. */
    private static ImageState cluster() {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.ClusterId("c"));
        for (int id = 1; id <= 3; id++) {
            records.add(new MetadataRecord.RegisterBroker(id, Uuid.randomUuid(), List.of(), null, id == 3));
        }
        records.add(new MetadataRecord.Topic("t", TOPIC));
        records.add(new MetadataRecord.Partition(TOPIC, 0, List.of(1, 2, 3, 4), List.of(1, 2), 1, 5, 9));
        return ImageState.empty().replay(records, 0);
    }

    private Outcome alter(int leader, int leaderEpoch, int partitionEpoch, List<Integer> isr) {
        return controller.compute(new AlterPartition(leader, TOPIC, 0, leaderEpoch, partitionEpoch, isr), cluster());
    }

    private static Errors error(Outcome outcome) {
        return outcome.items().get(0).error();
    }

    @Test
    void shrinkBumpsThePartitionEpochButNotTheLeaderEpoch() {
        Outcome outcome = alter(1, 5, 9, List.of(1));

        assertEquals(Errors.NONE, error(outcome));
        ImageState after = cluster().replay(outcome.records(), 1);
        assertEquals(new PartitionState(0, List.of(1, 2, 3, 4), List.of(1), 1, 5, 10),
                after.topic("t").orElseThrow().partitions().get(0));
    }

    @Test
    void rejectsAChangeFromABrokerThatIsNotTheLeader() {
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, error(alter(2, 5, 9, List.of(1, 2))));
    }

    @Test
    void rejectsAStaleOrFutureLeaderEpoch() {
        assertEquals(Errors.FENCED_LEADER_EPOCH, error(alter(1, 4, 9, List.of(1))));
        assertEquals(Errors.FENCED_LEADER_EPOCH, error(alter(1, 6, 9, List.of(1))));
    }

    @Test
    void rejectsAStalePartitionEpoch() {
        assertEquals(Errors.INVALID_UPDATE_VERSION, error(alter(1, 5, 8, List.of(1))));
    }

    @Test
    void rejectsAnIsrWithoutTheLeaderOrWithNonReplicas() {
        assertEquals(Errors.INVALID_REQUEST, error(alter(1, 5, 9, List.of(2))));
        assertEquals(Errors.INVALID_REQUEST, error(alter(1, 5, 9, List.of(1, 7))));
        assertEquals(Errors.INVALID_REQUEST, error(alter(1, 5, 9, List.of(1, 1))));
        assertEquals(Errors.INVALID_REQUEST, error(alter(1, 5, 9, List.of())));
    }

    @Test
    void rejectsAddingAFencedOrUnregisteredBroker() {
        assertEquals(Errors.INELIGIBLE_REPLICA, error(alter(1, 5, 9, List.of(1, 2, 3))));
        assertEquals(Errors.INELIGIBLE_REPLICA, error(alter(1, 5, 9, List.of(1, 2, 4))));
    }

    @Test
    void anUnchangedIsrWritesNothing() {
        Outcome outcome = alter(1, 5, 9, List.of(1, 2));

        assertEquals(Errors.NONE, error(outcome));
        assertTrue(outcome.records().stream().noneMatch(r -> r instanceof MetadataRecord.Partition));
    }

    @Test
    void unknownTopicIdIsRefused() {
        Outcome outcome = controller.compute(new ControllerCommand.AlterPartition(1, Uuid.randomUuid(), 0, 5, 9,
                List.of(1)), cluster());

        assertEquals(Errors.UNKNOWN_TOPIC_ID, error(outcome));
    }
}
