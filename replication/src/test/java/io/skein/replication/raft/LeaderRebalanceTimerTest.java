package io.skein.replication.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class LeaderRebalanceTimerTest {

    private static final Uuid TOPIC = new Uuid(5, 6);

    /** Broker 1 prefers the only partition, which broker 2 leads. */
    private static ImageState imbalanced(int controllerId) {
        return ImageState.empty().replay(List.of(
                new MetadataRecord.RegisterBroker(1, Uuid.randomUuid(), List.of(), null, false),
                new MetadataRecord.RegisterBroker(2, Uuid.randomUuid(), List.of(), null, false),
                new MetadataRecord.Topic("t", TOPIC),
                new MetadataRecord.Partition(TOPIC, 0, List.of(1, 2), List.of(1, 2), 2, 3, 3)), 0)
                .withController(controllerId);
    }

    private final List<ControllerCommand> submitted = new ArrayList<>();

    private LeaderRebalanceTimer timer(ImageState image) {
        return new LeaderRebalanceTimer(1, LeaderRebalanceSettings.from(Map.of()), () -> image, command -> {
            submitted.add(command);
            return CompletableFuture.completedFuture(new ControllerResult(1, List.of(), -1));
        });
    }

    @Test
    void activeControllerElectsPreferredLeadersOfImbalancedBrokers() {
        try (LeaderRebalanceTimer timer = timer(imbalanced(1))) {
            timer.check();
        }

        assertEquals(List.of(new ControllerCommand.ElectLeaders(ElectionType.PREFERRED,
                List.of(new TopicPartition("t", 0)))), submitted);
    }

    @Test
    void otherNodesLeaveRebalancingToTheActiveController() {
        try (LeaderRebalanceTimer timer = timer(imbalanced(2))) {
            timer.check();
        }

        assertTrue(submitted.isEmpty());
    }

    @Test
    void readsKafkasSettingNamesWithKafkasDefaults() {
        assertEquals(new LeaderRebalanceSettings(true, 300_000, 10), LeaderRebalanceSettings.from(Map.of()));
        assertEquals(new LeaderRebalanceSettings(false, 5_000, 20), LeaderRebalanceSettings.from(Map.of(
                "auto.leader.rebalance.enable", "false", "leader.imbalance.check.interval.seconds", "5",
                "leader.imbalance.per.broker.percentage", "20")));
    }
}
