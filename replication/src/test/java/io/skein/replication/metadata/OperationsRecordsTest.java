package io.skein.replication.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.MetadataImage.PartitionId;
import io.skein.replication.api.MetadataImage.Reassignment;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class OperationsRecordsTest {

    private static final Uuid TOPIC = new Uuid(3, 4);

    private static ImageState reassigning() {
        return ImageState.empty().replay(List.of(
                new MetadataRecord.Topic("t", TOPIC),
                new MetadataRecord.Partition(TOPIC, 0, List.of(4, 2, 1), List.of(1, 2), 1, 0, 1),
                new MetadataRecord.Partition(TOPIC, 1, List.of(1), List.of(1), 1, 0, 0),
                new MetadataRecord.Reassignment(TOPIC, 0, List.of(4, 2), List.of(1, 2))), 7);
    }

    @Test
    void snapshotKeepsReassignmentsInProgress() {
        ImageState restored = ImageSnapshotCodec.decode(ImageSnapshotCodec.encode(reassigning()));

        assertEquals(Map.of(new PartitionId(TOPIC, 0), new Reassignment(List.of(4, 2), List.of(1, 2))),
                restored.reassignments());
    }

    @Test
    void reassignmentRecordsRoundTrip() {
        List<MetadataRecord> records = List.of(new MetadataRecord.Reassignment(TOPIC, 3, List.of(1, 2), List.of(3)),
                new MetadataRecord.ReassignmentEnded(TOPIC, 3));

        assertEquals(records, RecordCodec.decode(RecordCodec.encode(9, records)).records());
    }

    @Test
    void endingAReassignmentRemovesItFromTheImage() {
        ImageState ended = reassigning().replay(List.of(new MetadataRecord.ReassignmentEnded(TOPIC, 0)), 8);

        assertEquals(Map.of(), ended.reassignments());
    }

    @Test
    void operationsCommandsRoundTrip() {
        List<ControllerCommand> commands = List.of(
                new ControllerCommand.ElectLeaders(ElectionType.PREFERRED, null),
                new ControllerCommand.ElectLeaders(ElectionType.UNCLEAN, List.of(new TopicPartition("t", 2))),
                new ControllerCommand.AlterPartitionReassignments(List.of(
                        new ControllerCommand.ReassignmentTarget("t", 0, List.of(3, 1)),
                        new ControllerCommand.ReassignmentTarget("t", 1, null)), true));

        for (ControllerCommand command : commands) {
            assertEquals(command, CommandCodec.decode(CommandCodec.encode(command)));
        }
    }
}
