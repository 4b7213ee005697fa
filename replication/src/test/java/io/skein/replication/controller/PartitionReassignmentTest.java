package io.skein.replication.controller;

import static io.skein.replication.controller.OperationsFixture.INCARNATIONS;
import static io.skein.replication.controller.OperationsFixture.TOPIC;
import static io.skein.replication.controller.OperationsFixture.apply;
import static io.skein.replication.controller.OperationsFixture.assertState;
import static io.skein.replication.controller.OperationsFixture.cluster;
import static io.skein.replication.controller.OperationsFixture.partition;
import static io.skein.replication.controller.OperationsFixture.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerCommand.ReassignmentTarget;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage.PartitionId;
import io.skein.replication.api.MetadataImage.Reassignment;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class PartitionReassignmentTest {

    private static final PartitionId P0 = new PartitionId(TOPIC, 0);

    private final OperationsFixture fixture = OperationsFixture.create();

    /** p0: replicas [1, 2, 3], all in sync, led by 1. */
    private static ImageState image() {
        return cluster(partition(0, List.of(1, 2, 3), List.of(1, 2, 3), 1));
    }

    private Outcome reassign(ImageState image, Integer... target) {
        return fixture.compute(image, new ControllerCommand.AlterPartitionReassignments(List.of(
                new ReassignmentTarget("t", 0, target == null ? null : Arrays.asList(target))), true));
    }

    private ImageState reassigned(ImageState image, Integer... target) {
        Outcome outcome = reassign(image, target);
        assertEquals(Errors.NONE, outcome.items().get(0).error(), outcome.items().toString());
        return apply(image, outcome);
    }

    /** What an ISR change (AlterPartition, fencing) does: a partition record, then the completion check. */
    private static ImageState isrChange(ImageState image, List<Integer> isr) {
        var p = state(image, 0);
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.Partition(TOPIC, 0, p.replicas(), isr, p.leader(), p.leaderEpoch(),
                p.partitionEpoch() + 1));
        ReassignmentProgress.completeIfCaughtUp(image, TOPIC, 0, records);
        return apply(image, records);
    }

    @Test
    void startingAReassignmentListsTargetThenRemovedReplicasAndKeepsTheIsr() {
        ImageState after = reassigned(image(), 4, 2, 3);

        assertState(state(after, 0), List.of(4, 2, 3, 1), List.of(1, 2, 3), 1, 5, 11);
        Reassignment r = after.reassignments().get(P0);
        assertEquals(List.of(4), r.adding());
        assertEquals(List.of(1), r.removing());
    }

    @Test
    void completesWhenTheAddedReplicaJoinsTheIsrAndHandsLeadershipToATargetReplica() {
        ImageState inProgress = reassigned(image(), 4, 2, 3);

        ImageState after = isrChange(inProgress, List.of(1, 2, 3, 4));

        assertState(state(after, 0), List.of(4, 2, 3), List.of(2, 3, 4), 4, 6, 12);
        assertTrue(after.reassignments().isEmpty());
    }

    @Test
    void staysInProgressWhileAnAddedReplicaIsOutOfTheIsr() {
        ImageState inProgress = reassigned(image(), 4, 2, 3);

        ImageState after = isrChange(inProgress, List.of(1, 2));

        assertEquals(List.of(4, 2, 3, 1), state(after, 0).replicas());
        assertTrue(after.reassignments().containsKey(P0));
    }

    @Test
    void reorderCompletesAtOnceWithoutMovingTheLeader() {
        ImageState after = reassigned(image(), 3, 2, 1);

        assertState(state(after, 0), List.of(3, 2, 1), List.of(1, 2, 3), 1, 5, 11);
        assertTrue(after.reassignments().isEmpty());
    }

    @Test
    void removingTheLeaderCompletesAtOnceWithANewLeaderEpoch() {
        ImageState after = reassigned(image(), 2, 3);

        assertState(state(after, 0), List.of(2, 3), List.of(2, 3), 2, 6, 11);
        assertTrue(after.reassignments().isEmpty());
    }

    @Test
    void cancelRevertsToTheOriginalReplicas() {
        ImageState inProgress = reassigned(image(), 4, 2, 3);

        ImageState after = reassigned(inProgress, (Integer[]) null);

        assertState(state(after, 0), List.of(1, 2, 3), List.of(1, 2, 3), 1, 5, 12);
        assertTrue(after.reassignments().isEmpty());
    }

    @Test
    void cancelDropsAddedReplicasFromTheIsrAndTheirLeadership() {
        ImageState inProgress = apply(reassigned(image(), 4, 2, 3),
                List.of(new MetadataRecord.Partition(TOPIC, 0, List.of(4, 2, 3, 1), List.of(4, 2), 4, 6, 12)));

        ImageState after = reassigned(inProgress, (Integer[]) null);

        assertState(state(after, 0), List.of(1, 2, 3), List.of(2), 2, 7, 13);
    }

    @Test
    void cancellingWithoutAReassignmentFails() {
        Outcome outcome = reassign(image(), (Integer[]) null);

        assertEquals(Errors.NO_REASSIGNMENT_IN_PROGRESS, outcome.items().get(0).error());
        assertTrue(outcome.records().isEmpty());
    }

    @Test
    void refusesEmptyDuplicateAndUnknownReplicas() {
        List<Outcome> outcomes = List.of(reassign(image()), reassign(image(), 1, 1), reassign(image(), 1, 9));

        for (Outcome outcome : outcomes) {
            assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT, outcome.items().get(0).error());
            assertTrue(outcome.records().isEmpty());
        }
    }

    @Test
    void refusesAReplicationFactorChangeWhenNotAllowed() {
        Outcome outcome = fixture.compute(image(), new ControllerCommand.AlterPartitionReassignments(List.of(
                new ReassignmentTarget("t", 0, List.of(1, 2))), false));

        assertEquals(Errors.INVALID_REPLICATION_FACTOR, outcome.items().get(0).error());
        assertEquals("The replication factor is changed from 3 to 2", outcome.items().get(0).message());
    }

    @Test
    void unknownTopicOrPartitionIsReported() {
        Outcome outcome = fixture.compute(image(), new ControllerCommand.AlterPartitionReassignments(List.of(
                new ReassignmentTarget("nope", 0, List.of(1)), new ReassignmentTarget("t", 7, List.of(1))), true));

        assertEquals(List.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION),
                outcome.items().stream().map(ItemResult::error).toList());
    }

    @Test
    void aNewTargetReplacesTheReassignmentFromTheSameOriginalReplicas() {
        ImageState first = reassigned(image(), 4, 2, 3);

        ImageState after = reassigned(first, 1, 2, 4);

        assertEquals(List.of(1, 2, 4, 3), state(after, 0).replicas());
        assertEquals(new Reassignment(List.of(1, 2, 4), List.of(1, 2, 3)), after.reassignments().get(P0));
    }

    @Test
    void completionWaitsForAnUnfencedTargetReplicaToLeadAndUnfencingCompletesIt() {
        ImageState inProgress = reassigned(image(), 4, 2);
        ImageState fenced = apply(inProgress, fixture.compute(inProgress,
                new ControllerCommand.FenceBroker(2, INCARNATIONS[2], false)));
        fenced = apply(fenced, fixture.compute(fenced, new ControllerCommand.FenceBroker(4, INCARNATIONS[4], false)));
        ImageState caughtUp = apply(fenced, List.of(new MetadataRecord.Partition(TOPIC, 0, List.of(4, 2, 1, 3),
                List.of(1, 3, 4), 1, 5, 20)));
        assertNull(ReassignmentProgress.completeIfCaughtUp(caughtUp, TOPIC, 0, new ArrayList<>()));

        ImageState after = apply(caughtUp, fixture.compute(caughtUp,
                new ControllerCommand.UnfenceBroker(4, INCARNATIONS[4])));

        assertState(state(after, 0), List.of(4, 2), List.of(4), 4, 6, 21);
        assertTrue(after.reassignments().isEmpty());
    }

    @Test
    void fencingRunsTheCompletionCheckOnTheIsrItLeaves() {
        ImageState image = cluster(partition(1, List.of(1), List.of(1), 1));
        ImageState inProgress = apply(image, fixture.compute(image, new ControllerCommand.AlterPartitionReassignments(
                List.of(new ReassignmentTarget("t", 1, List.of(4))), true)));
        // the ISR as an AlterPartition written before the completion check existed would leave it
        ImageState caughtUp = apply(inProgress, List.of(new MetadataRecord.Partition(TOPIC, 1, List.of(4, 1),
                List.of(1, 4), 1, 5, 12)));

        ImageState after = apply(caughtUp, fixture.compute(caughtUp,
                new ControllerCommand.FenceBroker(1, INCARNATIONS[1], false)));

        assertState(state(after, 1), List.of(4), List.of(4), 4, 6, 13);
        assertTrue(after.reassignments().isEmpty());
    }

    @Test
    void deletingTheTopicDropsItsReassignment() {
        ImageState inProgress = reassigned(image(), 4, 2, 3);

        ImageState after = apply(inProgress, List.of(new MetadataRecord.RemoveTopic(TOPIC)));

        assertTrue(after.reassignments().isEmpty());
    }
}
