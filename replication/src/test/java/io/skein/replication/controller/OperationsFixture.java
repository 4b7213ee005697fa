package io.skein.replication.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** Brokers 1-4 (4 registered, unfenced) and topic "t" with partitions given by the test; helpers to apply commands. */
final class OperationsFixture {

    static final Uuid TOPIC = new Uuid(1, 2);
    static final Uuid[] INCARNATIONS = {null, new Uuid(0, 1), new Uuid(0, 2), new Uuid(0, 3), new Uuid(0, 4)};

    final Controller controller = new Controller(new ControllerSettings(1, (short) 1, Map.of()), new Random(1));

    static ImageState cluster(MetadataRecord.Partition... partitions) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.ClusterId("c"));
        for (int id = 1; id <= 4; id++) {
            records.add(new MetadataRecord.RegisterBroker(id, INCARNATIONS[id], List.of(), null, false));
        }
        records.add(new MetadataRecord.Topic("t", TOPIC));
        records.addAll(List.of(partitions));
        return ImageState.empty().replay(records, 0);
    }

    static MetadataRecord.Partition partition(int p, List<Integer> replicas, List<Integer> isr, int leader) {
        return new MetadataRecord.Partition(TOPIC, p, replicas, isr, leader, 5, 10);
    }

    Outcome compute(ImageState image, ControllerCommand command) {
        return controller.compute(command, image);
    }

    static ImageState apply(ImageState image, Outcome outcome) {
        return image.replay(outcome.records(), image.offset() + 1);
    }

    static ImageState apply(ImageState image, List<MetadataRecord> records) {
        return image.replay(records, image.offset() + 1);
    }

    static PartitionState state(ImageState image, int p) {
        return image.topic("t").orElseThrow().partitions().get(p);
    }

    static void assertState(PartitionState actual, List<Integer> replicas, List<Integer> isr, int leader,
                            int leaderEpoch, int partitionEpoch) {
        assertEquals(new PartitionState(actual.partition(), replicas, isr, leader, leaderEpoch, partitionEpoch), actual);
    }

    private OperationsFixture() {
    }

    static OperationsFixture create() {
        return new OperationsFixture();
    }
}
