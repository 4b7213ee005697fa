package io.skein.replication.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skein.replication.api.Endpoint;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class ImageSnapshotCodecTest {

    private static final Uuid ORDERS = Uuid.randomUuid();
    private static final Uuid PAYMENTS = Uuid.randomUuid();

    /** An image with every kind of fact, built over several entries (version 3). */
    private static ImageState richImage() {
        ImageState image = ImageState.empty().replay(List.of(
                new MetadataRecord.ClusterId("q1Sh-9_ISia_zwGINzRvyQ"),
                new MetadataRecord.RegisterBroker(1, Uuid.randomUuid(),
                        List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT")), "rack-a", false),
                new MetadataRecord.RegisterBroker(2, Uuid.randomUuid(), List.of(), null, true),
                new MetadataRecord.ProducerIds(1, 2000)), 4);
        image = image.replay(List.of(
                new MetadataRecord.Topic("orders", ORDERS),
                new MetadataRecord.Config(ORDERS, "retention.ms", "1000"),
                new MetadataRecord.Partition(ORDERS, 0, List.of(1, 2), List.of(1), 1, 3, 5),
                new MetadataRecord.Partition(ORDERS, 1, List.of(2, 1), List.of(2, 1), 2, 0, 0),
                new MetadataRecord.Topic("payments", PAYMENTS),
                new MetadataRecord.Partition(PAYMENTS, 0, List.of(1), List.of(1), 1, 0, 0)), 9);
        return image.replay(List.of(
                new MetadataRecord.ScramCredential("alice", "SCRAM-SHA-256", new byte[] {1, 2}, new byte[] {3},
                        new byte[] {4}, 4096),
                new MetadataRecord.AccessControlEntry(Uuid.randomUuid(), new AclBinding(
                        new ResourcePattern(ResourceType.TOPIC, "orders", PatternType.LITERAL),
                        new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW)))), 12);
    }

    @Test
    void restoresEveryFactWithTheImagesOffsetAndVersion() {
        ImageState image = richImage();

        ImageState restored = ImageSnapshotCodec.decode(ImageSnapshotCodec.encode(image));

        assertEquals(12, restored.offset());
        assertEquals(image.version(), restored.version());
        assertEquals(image.brokers(), restored.brokers());
        assertEquals(image.topic("orders").orElseThrow(), restored.topic("orders").orElseThrow());
        assertEquals(image.topic(PAYMENTS).orElseThrow(), restored.topic(PAYMENTS).orElseThrow());
        assertEquals(image.acls(), restored.acls());
        assertEquals(2000, restored.nextProducerId());
        assertArrayEquals(new byte[] {1, 2}, restored.scramCredentials().get("alice").get("SCRAM-SHA-256").salt());
        assertArrayEquals(ImageSnapshotCodec.encode(image), ImageSnapshotCodec.encode(restored));
    }

    @Test
    void restoresTheEmptyImage() {
        ImageState restored = ImageSnapshotCodec.decode(ImageSnapshotCodec.encode(ImageState.empty()));

        assertEquals(-1, restored.offset());
        assertEquals(0, restored.version());
        assertEquals(0, restored.topics().size());
    }

    @Test
    void detectsAnyFlippedByte() {
        byte[] bytes = ImageSnapshotCodec.encode(richImage());
        for (int i = 0; i < bytes.length; i += 7) {
            byte[] corrupt = bytes.clone();
            corrupt[i] ^= 0x10;

            assertThrows(MetadataCorruptionException.class, () -> ImageSnapshotCodec.decode(corrupt), "byte " + i);
        }
    }

    @Test
    void detectsATruncatedSnapshot() {
        byte[] bytes = ImageSnapshotCodec.encode(richImage());

        assertThrows(MetadataCorruptionException.class,
                () -> ImageSnapshotCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length - 9)));
    }
}
