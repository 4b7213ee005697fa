package io.skein.replication.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.Endpoint;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class CommandCodecTest {

    @Test
    void roundTripsEveryCommand() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("retention.ms", "1000");
        configs.put("cleanup.policy", null);
        List<ControllerCommand> commands = List.of(
                new ControllerCommand.RegisterBroker(1, Uuid.randomUuid(),
                        List.of(new Endpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")), null),
                new ControllerCommand.CreateTopics(List.of(
                        new ControllerCommand.NewTopic("a", 3, (short) 1, Map.of(), configs),
                        new ControllerCommand.NewTopic("b", -1, (short) -1, Map.of(0, List.of(1, 2)), Map.of())), true),
                new ControllerCommand.DeleteTopics(List.of(new ControllerCommand.TopicRef("a", null),
                        new ControllerCommand.TopicRef(null, Uuid.randomUuid()))),
                new ControllerCommand.CreatePartitions(List.of(
                        new ControllerCommand.PartitionIncrease("a", 5, List.of(List.of(1), List.of(2)))), false),
                new ControllerCommand.AllocateProducerIds(2, 1000),
                new ControllerCommand.Barrier(),
                new ControllerCommand.AlterTopicConfigs(List.of(new ControllerCommand.TopicConfigChange("a", false,
                        List.of(new ControllerCommand.ConfigOp("retention.ms", ControllerCommand.ConfigOp.SET, "1"),
                                new ControllerCommand.ConfigOp("segment.ms", ControllerCommand.ConfigOp.DELETE, null)))),
                        true),
                new ControllerCommand.AlterScramCredentials(List.of(), List.of(
                        new ControllerCommand.ScramDeletion("alice", "SCRAM-SHA-256"))),
                new ControllerCommand.AlterPartition(1, Uuid.randomUuid(), 3, 7, 12, List.of(1, 3)));

        for (ControllerCommand command : commands) {
            assertEquals(command, CommandCodec.decode(CommandCodec.encode(command)));
        }
    }

    @Test
    void roundTripsRepliesWithTheirStaleFlag() {
        ControllerResult result = new ControllerResult(17, List.of(ControllerResult.ItemResult.ok("a"),
                new ControllerResult.ItemResult("b", Errors.TOPIC_ALREADY_EXISTS, "Topic 'b' already exists.")), 4000);

        CommandCodec.Reply fresh = CommandCodec.decodeReply(CommandCodec.encodeReply(false, result));
        CommandCodec.Reply stale = CommandCodec.decodeReply(CommandCodec.encodeReply(true, result));

        assertFalse(fresh.stale());
        assertEquals(result, fresh.result());
        assertTrue(stale.stale());
    }

    @Test
    void rejectsUnknownCommandType() {
        byte[] bytes = CommandCodec.encode(new ControllerCommand.Barrier());
        bytes[0] = 99;

        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.decode(Arrays.copyOf(bytes, bytes.length)));

        assertTrue(e.getMessage().contains("99"));
    }
}
