package io.skein.replication.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skein.replication.api.Endpoint;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private static final Uuid TOPIC = Uuid.randomUuid();

    private static final List<MetadataRecord> ALL = List.of(
            new MetadataRecord.ClusterId("abc"),
            new MetadataRecord.RegisterBroker(1, Uuid.randomUuid(),
                    List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT")), null),
            new MetadataRecord.Topic("orders", TOPIC),
            new MetadataRecord.Partition(TOPIC, 0, List.of(1, 2), List.of(1), 1, 3, 4),
            new MetadataRecord.Config(TOPIC, "retention.ms", "1000"),
            new MetadataRecord.Config(TOPIC, "segment.ms", null),
            new MetadataRecord.RemoveTopic(TOPIC),
            new MetadataRecord.ProducerIds(1, 5000));

    @Test
    void roundTripsEveryRecordType() {
        RecordCodec.Entry decoded = RecordCodec.decode(RecordCodec.encode(7, ALL));

        assertEquals(7, decoded.basedOn());
        assertEquals(ALL, decoded.records());
    }

    @Test
    void detectsACorruptByte() {
        byte[] bytes = RecordCodec.encode(1, ALL);
        bytes[bytes.length / 2] ^= 0x10;

        assertThrows(IllegalStateException.class, () -> RecordCodec.decode(bytes));
    }
}
