package io.skein.replication.controller;

import static io.skein.replication.controller.OperationsFixture.INCARNATIONS;
import static io.skein.replication.controller.OperationsFixture.apply;
import static io.skein.replication.controller.OperationsFixture.assertState;
import static io.skein.replication.controller.OperationsFixture.cluster;
import static io.skein.replication.controller.OperationsFixture.partition;
import static io.skein.replication.controller.OperationsFixture.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.metadata.ImageState;
import java.util.List;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ManualElectionTest {

    private final OperationsFixture fixture = OperationsFixture.create();

    /** p0: preferred 1 in ISR, led by 2; p1: preferred 1 leads; p2: preferred 3 not in ISR; p3: leaderless. */
    private static ImageState image() {
        return cluster(
                partition(0, List.of(1, 2, 3), List.of(2, 3, 1), 2),
                partition(1, List.of(1, 2), List.of(1, 2), 1),
                partition(2, List.of(3, 1), List.of(1), 1),
                partition(3, List.of(2, 4), List.of(2), -1));
    }

    private Outcome preferred(ImageState image, TopicPartition... partitions) {
        return fixture.compute(image, new ControllerCommand.ElectLeaders(ElectionType.PREFERRED, List.of(partitions)));
    }

    @Test
    void preferredElectionMakesTheFirstReplicaLeaderWithANewLeaderEpoch() {
        Outcome outcome = preferred(image(), new TopicPartition("t", 0));

        assertEquals(List.of(ItemResult.ok("t-0")), outcome.items());
        assertState(state(apply(image(), outcome), 0), List.of(1, 2, 3), List.of(2, 3, 1), 1, 6, 11);
    }

    @Test
    void preferredElectionIsNotNeededWhenThePreferredReplicaLeads() {
        Outcome outcome = preferred(image(), new TopicPartition("t", 1));

        assertEquals(Errors.ELECTION_NOT_NEEDED, outcome.items().get(0).error());
        assertTrue(outcome.records().isEmpty());
    }

    @Test
    void preferredLeaderOutsideTheIsrIsNotAvailable() {
        Outcome outcome = preferred(image(), new TopicPartition("t", 2));

        assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE, outcome.items().get(0).error());
        assertTrue(outcome.records().isEmpty());
    }

    @Test
    void fencedPreferredLeaderIsNotAvailable() {
        ImageState fenced = apply(image(), fixture.compute(image(),
                new ControllerCommand.FenceBroker(4, INCARNATIONS[4], false)));
        ImageState swapped = apply(fenced, List.of(partition(3, List.of(4, 2), List.of(2, 4), 2)));

        Outcome outcome = preferred(swapped, new TopicPartition("t", 3));

        assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE, outcome.items().get(0).error());
    }

    @Test
    void unknownTopicsAndPartitionsAreReportedPerPartition() {
        Outcome outcome = preferred(image(), new TopicPartition("nope", 0), new TopicPartition("t", 9));

        assertEquals(List.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION),
                outcome.items().stream().map(ItemResult::error).toList());
        assertEquals("t-9", outcome.items().get(1).key());
    }

    @Test
    void allPartitionsElectionReportsOnlyPartitionsThatNeededOne() {
        Outcome outcome = fixture.compute(image(), new ControllerCommand.ElectLeaders(ElectionType.PREFERRED, null));

        assertEquals(List.of("t-0", "t-2", "t-3"), outcome.items().stream().map(ItemResult::key).toList());
        assertEquals(List.of(Errors.NONE, Errors.PREFERRED_LEADER_NOT_AVAILABLE, Errors.NONE),
                outcome.items().stream().map(ItemResult::error).toList());
        ImageState after = apply(image(), outcome);
        assertEquals(1, state(after, 0).leader());
        assertEquals(2, state(after, 3).leader());
    }

    @Test
    void uncleanElectionGivesALeaderlessPartitionAnUnfencedReplica() {
        ImageState image = cluster(partition(0, List.of(1, 2), List.of(3), -1), partition(1, List.of(1, 2),
                List.of(1, 2), 1));

        Outcome outcome = fixture.compute(image, new ControllerCommand.ElectLeaders(ElectionType.UNCLEAN,
                List.of(new TopicPartition("t", 0), new TopicPartition("t", 1))));

        assertEquals(List.of(Errors.NONE, Errors.ELECTION_NOT_NEEDED),
                outcome.items().stream().map(ItemResult::error).toList());
        assertState(state(apply(image, outcome), 0), List.of(1, 2), List.of(1), 1, 6, 11);
    }
}
