package io.skein.it.produce;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Records generated deterministically from a seed and their index — so they can be regenerated
 * for comparison instead of being held in memory — plus where each one was acknowledged.
 *
 * <p>Keys are random bytes (1-40, so the default partitioner spreads them); values are random
 * bytes of 0-2,000 bytes, with an empty value every 97th, a null value every 101st and a 300 KB
 * value every 1,000th; headers carry a sequence number, random bytes, a repeated key every 5th
 * record and a null value every 7th.
 */
final class SentRecords {

    private final String topic;
    private final long seed;
    private final long baseTimestamp;
    private final int[] partition;
    private final long[] offset;

    SentRecords(String topic, long seed, long baseTimestamp, int count) {
        this.topic = topic;
        this.seed = seed;
        this.baseTimestamp = baseTimestamp;
        this.partition = new int[count];
        this.offset = new long[count];
        Arrays.fill(partition, -1);
    }

    String topic() {
        return topic;
    }

    ProducerRecord<byte[], byte[]> record(int i) {
        return new ProducerRecord<>(topic, null, timestamp(i), key(i), value(i), headers(i));
    }

    private SplittableRandom random(int i, int purpose) {
        return new SplittableRandom(seed * 1_000_003L + i * 31L + purpose);
    }

    byte[] key(int i) {
        SplittableRandom r = random(i, 1);
        byte[] key = new byte[1 + r.nextInt(40)];
        r.nextBytes(key);
        return key;
    }

    byte[] value(int i) {
        if (i % 101 == 0) {
            return null;
        }
        SplittableRandom r = random(i, 2);
        int size = i % 1000 == 999 ? 300_000 : i % 97 == 0 ? 0 : r.nextInt(2001);
        byte[] value = new byte[size];
        r.nextBytes(value);
        return value;
    }

    long timestamp(int i) {
        return baseTimestamp + i;
    }

    List<Header> headers(int i) {
        SplittableRandom r = random(i, 3);
        List<Header> headers = new ArrayList<>();
        headers.add(new RecordHeader("seq", ByteBuffer.allocate(4).putInt(i).array()));
        byte[] trace = new byte[r.nextInt(33)];
        r.nextBytes(trace);
        headers.add(new RecordHeader("trace-ünïcødé", trace));
        if (i % 5 == 0) {
            headers.add(new RecordHeader("dup", new byte[] {'a'}));
            headers.add(new RecordHeader("dup", new byte[] {'b'}));
        }
        if (i % 7 == 0) {
            headers.add(new RecordHeader("no-value", null));
        }
        return headers;
    }

    void acknowledged(int i, int partition, long offset) {
        this.partition[i] = partition;
        this.offset[i] = offset;
    }

    long offset(int i) {
        return offset[i];
    }

    /** Per partition, the indices of the records acknowledged there, in send order. */
    List<List<Integer>> indicesByPartition(int partitions) {
        List<List<Integer>> out = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            out.add(new ArrayList<>());
        }
        for (int i = 0; i < partition.length; i++) {
            out.get(partition[i]).add(i);
        }
        return out;
    }
}
