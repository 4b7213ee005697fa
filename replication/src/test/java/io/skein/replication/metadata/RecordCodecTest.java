package io.skein.replication.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.Endpoint;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private static final Uuid TOPIC = Uuid.randomUuid();

    static List<MetadataRecord> oneOfEach() {
        return List.of(
                new MetadataRecord.ClusterId("q1Sh-9_ISia_zwGINzRvyQ"),
                new MetadataRecord.RegisterBroker(3, Uuid.randomUuid(),
                        List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT"),
                                new Endpoint("SASL_SSL", "broker-3.example", 9093, "SASL_SSL")), "rack-a", false),
                new MetadataRecord.RegisterBroker(4, Uuid.randomUuid(), List.of(), null, true),
                new MetadataRecord.Topic("orders", TOPIC),
                new MetadataRecord.Partition(TOPIC, 7, List.of(1, 2, 3), List.of(1, 3), 1, 4, 9),
                new MetadataRecord.Config(TOPIC, "retention.ms", "1000"),
                new MetadataRecord.Config(TOPIC, "cleanup.policy", null),
                new MetadataRecord.RemoveTopic(TOPIC),
                new MetadataRecord.ProducerIds(2, 5000L));
    }

    @Test
    void roundTripsEveryRecordType() {
        List<MetadataRecord> records = oneOfEach();

        RecordCodec.Entry decoded = RecordCodec.decode(RecordCodec.encode(42, records));

        assertEquals(42, decoded.basedOn());
        assertEquals(records, decoded.records());
    }

    @Test
    void roundTripsAnEntryWithoutRecords() {
        RecordCodec.Entry decoded = RecordCodec.decode(RecordCodec.encode(0, List.of()));

        assertEquals(new RecordCodec.Entry(0, List.of()), decoded);
    }

    @Test
    void detectsAnyFlippedByteWithItsCrc() {
        byte[] entry = RecordCodec.encode(7, oneOfEach());
        for (int i = 0; i < entry.length; i++) {
            byte[] corrupt = entry.clone();
            corrupt[i] ^= 0x10;

            assertThrows(MetadataCorruptionException.class, () -> RecordCodec.decode(corrupt), "byte " + i);
        }
    }

    @Test
    void rejectsTruncatedEntry() {
        byte[] entry = RecordCodec.encode(7, oneOfEach());

        MetadataCorruptionException e = assertThrows(MetadataCorruptionException.class,
                () -> RecordCodec.decode(Arrays.copyOf(entry, entry.length - 5)));

        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void rejectsUnknownRecordVersionEvenWithValidCrc() {
        byte[] entry = RecordCodec.encode(7, List.of(new MetadataRecord.RemoveTopic(TOPIC)));
        // format(1) + based-on(8) + count(4), then the record's type byte and version byte
        entry[14] = 9;
        byte[] resealed = reseal(entry);

        MetadataCorruptionException e = assertThrows(MetadataCorruptionException.class,
                () -> RecordCodec.decode(resealed));

        assertTrue(e.getMessage().contains("unknown version 9"), e.getMessage());
    }

    @Test
    void rejectsUnknownRecordTypeEvenWithValidCrc() {
        byte[] entry = RecordCodec.encode(7, List.of(new MetadataRecord.RemoveTopic(TOPIC)));
        // format(1) + based-on(8) + count(4), then the record's type byte
        entry[13] = 99;
        byte[] resealed = reseal(entry);

        MetadataCorruptionException e = assertThrows(MetadataCorruptionException.class,
                () -> RecordCodec.decode(resealed));

        assertTrue(e.getMessage().contains("unknown metadata record type 99"), e.getMessage());
    }

    private static byte[] reseal(byte[] entry) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(entry, 0, entry.length - 4);
        java.nio.ByteBuffer.wrap(entry, entry.length - 4, 4).putInt((int) crc.getValue());
        return entry;
    }
}
