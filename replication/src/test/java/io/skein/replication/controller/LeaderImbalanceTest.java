package io.skein.replication.controller;

import static io.skein.replication.controller.OperationsFixture.cluster;
import static io.skein.replication.controller.OperationsFixture.partition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.metadata.ImageState;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LeaderImbalanceTest {

    /** Broker 1 prefers p0..p3 and leads only p0, p1 (50%); broker 2 prefers p4, leads it; p3's preferred is out of the ISR. */
    private static ImageState image() {
        return cluster(
                partition(0, List.of(1, 2), List.of(1, 2), 1),
                partition(1, List.of(1, 2), List.of(1, 2), 1),
                partition(2, List.of(1, 2), List.of(1, 2), 2),
                partition(3, List.of(1, 2), List.of(2), 2),
                partition(4, List.of(2, 1), List.of(1, 2), 2));
    }

    @Test
    void electsPreferredLeadersOfBrokersAboveTheThreshold() {
        LeaderImbalance.Plan plan = LeaderImbalance.check(image(), 10);

        assertEquals(Map.of(1, 0.5), plan.ratios());
        assertEquals(List.of(new TopicPartition("t", 2)), plan.partitions());
    }

    @Test
    void leavesBrokersAtOrBelowTheThresholdAlone() {
        LeaderImbalance.Plan plan = LeaderImbalance.check(image(), 50);

        assertTrue(plan.partitions().isEmpty());
    }
}
