package io.skein.replication.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerCommand.ConfigOp;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.Endpoint;
import io.skein.replication.api.QuorumSettings.ControllerSettings;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class TopicConfigAlterationTest {

    private final Controller controller = new Controller(new ControllerSettings(1, (short) 1, Map.of()), new Random(3));

    private ImageState withTopic(Map<String, String> configs) {
        ImageState image = ImageState.empty().replay(List.of(new MetadataRecord.ClusterId("c"),
                new MetadataRecord.RegisterBroker(1, Uuid.randomUuid(),
                        List.of(new Endpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")), null, false)), 0);
        Outcome created = controller.compute(new ControllerCommand.CreateTopics(List.of(
                new ControllerCommand.NewTopic("t", 1, (short) 1, Map.of(), configs)), false), image);
        return image.replay(created.records(), 1);
    }

    private Outcome alter(ImageState image, boolean replaceAll, ConfigOp... ops) {
        return controller.compute(new ControllerCommand.AlterTopicConfigs(List.of(
                new ControllerCommand.TopicConfigChange("t", replaceAll, List.of(ops))), false), image);
    }

    @Test
    void incrementalOpsChangeOnlyTheKeysTheyName() {
        ImageState image = withTopic(Map.of("retention.ms", "1000", "segment.ms", "5000"));
        Outcome outcome = alter(image, false, new ConfigOp("retention.ms", ConfigOp.SET, "2000"),
                new ConfigOp("segment.ms", ConfigOp.DELETE, null),
                new ConfigOp("cleanup.policy", ConfigOp.APPEND, "compact"));
        assertEquals(Errors.NONE, outcome.items().get(0).error());
        ImageState after = image.replay(outcome.records(), 2);
        assertEquals(Map.of("retention.ms", "2000", "cleanup.policy", "delete,compact"),
                after.topic("t").orElseThrow().configs());
    }

    @Test
    void replaceAllDropsUnnamedOverrides() {
        ImageState image = withTopic(Map.of("retention.ms", "1000"));
        Outcome outcome = alter(image, true, new ConfigOp("segment.bytes", ConfigOp.SET, "2000000"));
        assertEquals(Map.of("segment.bytes", "2000000"), image.replay(outcome.records(), 2).topic("t").orElseThrow()
                .configs());
    }

    @Test
    void aBadOpRejectsTheWholeTopicWithKafkasError() {
        ImageState image = withTopic(Map.of());
        ItemResult badValue = alter(image, false, new ConfigOp("retention.ms", ConfigOp.SET, "1"),
                new ConfigOp("segment.bytes", ConfigOp.SET, "lots")).items().get(0);
        assertEquals(Errors.INVALID_CONFIG, badValue.error());
        assertTrue(alter(image, false, new ConfigOp("retention.ms", ConfigOp.SET, "1"),
                new ConfigOp("segment.bytes", ConfigOp.SET, "lots")).records().isEmpty());
        assertEquals(Errors.INVALID_CONFIG, alter(image, false, new ConfigOp("nope", ConfigOp.SET, "1")).items().get(0).error());
        assertEquals(Errors.INVALID_CONFIG, alter(image, false, new ConfigOp("retention.ms", ConfigOp.APPEND, "1"))
                .items().get(0).error());
        assertEquals(Errors.INVALID_REQUEST, alter(image, false, new ConfigOp("retention.ms", ConfigOp.SET, "1"),
                new ConfigOp("retention.ms", ConfigOp.DELETE, null)).items().get(0).error());
        Outcome unknown = controller.compute(new ControllerCommand.AlterTopicConfigs(List.of(
                new ControllerCommand.TopicConfigChange("missing", false, List.of())), false), image);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, unknown.items().get(0).error());
    }
}
