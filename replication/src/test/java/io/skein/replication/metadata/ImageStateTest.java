package io.skein.replication.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.Endpoint;
import io.skein.replication.api.MetadataImage;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class ImageStateTest {

    private static final Uuid ID = Uuid.randomUuid();

    private static ImageState withTopic() {
        return ImageState.empty().replay(List.of(
                new MetadataRecord.ClusterId("cluster"),
                new MetadataRecord.Topic("orders", ID),
                new MetadataRecord.Config(ID, "retention.ms", "1000"),
                new MetadataRecord.Partition(ID, 0, List.of(1, 2), List.of(1, 2), 1, 0, 0),
                new MetadataRecord.Partition(ID, 1, List.of(2, 1), List.of(2, 1), 2, 0, 0)), 5);
    }

    @Test
    void replaysTopicPartitionsAndConfigsIntoOneNewVersion() {
        ImageState image = withTopic();

        assertEquals(5, image.offset());
        assertEquals(1, image.version());
        assertEquals("cluster", image.clusterId());
        MetadataImage.TopicImage topic = image.topic("orders").orElseThrow();
        assertSame(topic, image.topic(ID).orElseThrow());
        assertEquals(List.of(0, 1), List.copyOf(topic.partitions().keySet()));
        assertEquals(Map.of("retention.ms", "1000"), topic.configs());
        assertEquals(2, image.partition(new TopicPartition("orders", 1)).orElseThrow().leader());
    }

    @Test
    void leavesThePreviousImageUntouched() {
        ImageState before = withTopic();

        before.replay(List.of(new MetadataRecord.Partition(ID, 2, List.of(1), List.of(1), 1, 0, 0),
                new MetadataRecord.Config(ID, "retention.ms", null)), 6);

        assertEquals(2, before.topic("orders").orElseThrow().partitions().size());
        assertEquals("1000", before.topic("orders").orElseThrow().configs().get("retention.ms"));
    }

    @Test
    void deletesConfigOnNullValue() {
        ImageState image = withTopic().replay(List.of(new MetadataRecord.Config(ID, "retention.ms", null)), 6);

        assertTrue(image.topic(ID).orElseThrow().configs().isEmpty());
    }

    @Test
    void removesTopicFromBothIndexes() {
        ImageState image = withTopic().replay(List.of(new MetadataRecord.RemoveTopic(ID)), 6);

        assertFalse(image.topic("orders").isPresent());
        assertFalse(image.topic(ID).isPresent());
        assertTrue(image.topics().isEmpty());
        assertEquals(2, image.version());
    }

    @Test
    void reRegistrationReplacesTheBroker() {
        Uuid incarnation = Uuid.randomUuid();
        ImageState image = ImageState.empty().replay(List.of(
                new MetadataRecord.RegisterBroker(1, Uuid.randomUuid(), List.of(new Endpoint("A", "h", 1, "PLAINTEXT")),
                        null, false),
                new MetadataRecord.RegisterBroker(1, incarnation, List.of(new Endpoint("B", "h", 2, "PLAINTEXT")),
                        "r", false)), 0);

        MetadataImage.BrokerRegistration broker = image.brokers().get(1);
        assertEquals(incarnation, broker.incarnationId());
        assertEquals(2, broker.endpoints().get(0).port());
        assertEquals(1, image.brokers().size());
    }

    @Test
    void producerIdsOnlyMoveForward() {
        ImageState image = ImageState.empty()
                .replay(List.of(new MetadataRecord.ProducerIds(1, 2000)), 0)
                .replay(List.of(new MetadataRecord.ProducerIds(2, 1000)), 1);

        assertEquals(2000, image.nextProducerId());
    }

    @Test
    void emptyEntryMovesOffsetButNotVersion() {
        ImageState image = withTopic().atOffset(9);

        assertEquals(9, image.offset());
        assertEquals(1, image.version());
        assertNull(ImageState.empty().clusterId());
        assertEquals(-1, ImageState.empty().offset());
    }

    @Test
    void refusesPartitionOfUnknownTopic() {
        assertThrows(MetadataCorruptionException.class, () -> ImageState.empty().replay(
                List.of(new MetadataRecord.Partition(Uuid.randomUuid(), 0, List.of(1), List.of(1), 1, 0, 0)), 0));
    }
}
