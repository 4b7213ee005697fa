package io.skein.replication.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerCommand.NewTopic;
import io.skein.replication.api.Endpoint;
import io.skein.replication.api.QuorumSettings.ControllerSettings;
import io.skein.replication.metadata.ImageState;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ControllerTest {

    private final Controller controller = new Controller(new ControllerSettings(2, (short) 1, Map.of()), new Random(1));

    private ImageState apply(ImageState image, ControllerCommand command) {
        Outcome outcome = controller.compute(command, image);
        return image.replay(outcome.records(), image.offset() + 1);
    }

    private ImageState withOneBroker() {
        return apply(ImageState.empty(), new ControllerCommand.RegisterBroker(1, Uuid.randomUuid(),
                List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT")), null));
    }

    private Errors createError(ImageState image, NewTopic topic) {
        return controller.compute(new ControllerCommand.CreateTopics(List.of(topic), false), image).items().get(0).error();
    }

    @Test
    void firstCommandWritesTheClusterId() {
        assertTrue(withOneBroker().clusterId() != null);
    }

    @Test
    void createsTopicWithDefaultPartitionsOnTheRegisteredBroker() {
        ImageState image = apply(withOneBroker(), new ControllerCommand.CreateTopics(
                List.of(new NewTopic("t", -1, (short) -1, Map.of(), Map.of("retention.ms", "10"))), false));

        var topic = image.topic("t").orElseThrow();
        assertEquals(2, topic.partitions().size());
        assertEquals(List.of(1), topic.partitions().get(0).replicas());
        assertEquals(1, topic.partitions().get(1).leader());
        assertEquals("10", topic.configs().get("retention.ms"));
    }

    @Test
    void refusesWhatKafkaRefuses() {
        ImageState image = apply(withOneBroker(), new ControllerCommand.CreateTopics(
                List.of(new NewTopic("exists", 1, (short) 1, Map.of(), Map.of())), false));

        assertEquals(Errors.TOPIC_ALREADY_EXISTS, createError(image, new NewTopic("exists", 1, (short) 1, Map.of(), Map.of())));
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION, createError(image, new NewTopic("bad name", 1, (short) 1, Map.of(), Map.of())));
        assertEquals(Errors.INVALID_PARTITIONS, createError(image, new NewTopic("p0", 0, (short) 1, Map.of(), Map.of())));
        assertEquals(Errors.INVALID_REPLICATION_FACTOR, createError(image, new NewTopic("rf3", 1, (short) 3, Map.of(), Map.of())));
        assertEquals(Errors.INVALID_CONFIG, createError(image, new NewTopic("cfg", 1, (short) 1, Map.of(),
                Map.of("cleanup.policy", "sometimes"))));
        assertEquals(Errors.INVALID_CONFIG, createError(image, new NewTopic("cfg2", 1, (short) 1, Map.of(),
                Map.of("no.such.config", "1"))));
    }

    @Test
    void validateOnlyWritesNoTopic() {
        Outcome outcome = controller.compute(new ControllerCommand.CreateTopics(
                List.of(new NewTopic("dry", 1, (short) 1, Map.of(), Map.of())), true), withOneBroker());

        assertEquals(Errors.NONE, outcome.items().get(0).error());
        assertTrue(outcome.records().isEmpty());
    }

    @Test
    void deletesAndGrowsTopics() {
        ImageState image = apply(withOneBroker(), new ControllerCommand.CreateTopics(
                List.of(new NewTopic("a", 1, (short) 1, Map.of(), Map.of()), new NewTopic("b", 1, (short) 1, Map.of(), Map.of())), false));

        image = apply(image, new ControllerCommand.CreatePartitions(
                List.of(new ControllerCommand.PartitionIncrease("a", 3, List.of())), false));
        image = apply(image, new ControllerCommand.DeleteTopics(List.of(new ControllerCommand.TopicRef("b", null))));

        assertEquals(3, image.topic("a").orElseThrow().partitions().size());
        assertTrue(image.topic("b").isEmpty());
        Outcome shrink = controller.compute(new ControllerCommand.CreatePartitions(
                List.of(new ControllerCommand.PartitionIncrease("a", 2, List.of())), false), image);
        assertEquals(Errors.INVALID_PARTITIONS, shrink.items().get(0).error());
    }

    @Test
    void producerIdBlocksNeverOverlap() {
        ImageState image = withOneBroker();
        Outcome first = controller.compute(new ControllerCommand.AllocateProducerIds(1, 1000), image);
        image = image.replay(first.records(), image.offset() + 1);
        Outcome second = controller.compute(new ControllerCommand.AllocateProducerIds(1, 1000), image);

        assertEquals(0, first.producerIdStart());
        assertEquals(1000, second.producerIdStart());
    }
}
