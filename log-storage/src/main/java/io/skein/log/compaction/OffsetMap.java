package io.skein.log.compaction;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Key digest → latest offset, for one cleaning: an open-addressing hash table (linear probing)
 * in a memory-mapped, sparse temporary file. Nothing is on the Java heap, and the table is sized
 * for the records to be mapped, not by a fixed buffer (Kafka's {@code log.cleaner.dedupe.buffer.size}):
 * the page cache holds what fits in memory and the kernel writes the rest back to the file, so
 * 100 million keys map in one pass with a small heap.
 *
 * <p>Layout: {@code capacity} slots of 24 bytes, {@code [digest high int64][digest low int64][offset + 1 int64]};
 * an all-zero offset field marks an empty slot. The file is split into mappings of at most
 * {@value #SLOTS_PER_MAPPING} slots (a mapping must stay under 2 GiB). Load factor at most 0.7, so
 * probes stay short. The file is deleted on {@link #close}; a file left by a crash is deleted by
 * {@link LogCleaner} at start.
 *
 * <p>Threading: owned by one cleaner thread.
 */
final class OffsetMap implements AutoCloseable {

    static final int SLOT_BYTES = 24;
    static final int SLOTS_PER_MAPPING = (1 << 30) / SLOT_BYTES;
    private static final double MAX_LOAD = 0.7;

    private final Path file;
    private final long capacity;
    private final MappedByteBuffer[] mappings;
    private long size;
    private long lookups;
    private long probes;

    private OffsetMap(Path file, long capacity, MappedByteBuffer[] mappings) {
        this.file = file;
        this.capacity = capacity;
        this.mappings = mappings;
    }

    /** Creates a map for up to {@code maxKeys} keys in a new sparse file (replacing any file there). */
    static OffsetMap create(Path file, long maxKeys) throws IOException {
        long capacity = Math.max(16, (long) Math.ceil(Math.max(1, maxKeys) / MAX_LOAD));
        int count = (int) ((capacity + SLOTS_PER_MAPPING - 1) / SLOTS_PER_MAPPING);
        MappedByteBuffer[] mappings = new MappedByteBuffer[count];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SPARSE)) {
            for (int i = 0; i < count; i++) {
                long slots = Math.min(SLOTS_PER_MAPPING, capacity - (long) i * SLOTS_PER_MAPPING);
                mappings[i] = ch.map(FileChannel.MapMode.READ_WRITE, (long) i * SLOTS_PER_MAPPING * SLOT_BYTES,
                        slots * SLOT_BYTES);
            }
        }
        return new OffsetMap(file, capacity, mappings);
    }

    /** Records {@code offset} for the key digest, replacing an older offset (offsets are put in increasing order). */
    void put(long high, long low, long offset) {
        if (size >= (long) (capacity * MAX_LOAD) + 1) {
            throw new IllegalStateException("offset map of " + capacity + " slots is full");
        }
        long slot = firstSlot(high, low);
        while (true) {
            MappedByteBuffer m = mappings[(int) (slot / SLOTS_PER_MAPPING)];
            int pos = (int) (slot % SLOTS_PER_MAPPING) * SLOT_BYTES;
            long stored = m.getLong(pos + 16);
            if (stored == 0) {
                m.putLong(pos, high);
                m.putLong(pos + 8, low);
                m.putLong(pos + 16, offset + 1);
                size++;
                return;
            }
            if (m.getLong(pos) == high && m.getLong(pos + 8) == low) {
                m.putLong(pos + 16, offset + 1);
                return;
            }
            slot = slot + 1 == capacity ? 0 : slot + 1;
        }
    }

    /** The latest offset recorded for the key digest, or -1. */
    long get(long high, long low) {
        lookups++;
        long slot = firstSlot(high, low);
        while (true) {
            probes++;
            MappedByteBuffer m = mappings[(int) (slot / SLOTS_PER_MAPPING)];
            int pos = (int) (slot % SLOTS_PER_MAPPING) * SLOT_BYTES;
            long stored = m.getLong(pos + 16);
            if (stored == 0) {
                return -1;
            }
            if (m.getLong(pos) == high && m.getLong(pos + 8) == low) {
                return stored - 1;
            }
            slot = slot + 1 == capacity ? 0 : slot + 1;
        }
    }

    private long firstSlot(long high, long low) {
        return Long.remainderUnsigned(high ^ Long.rotateLeft(low, 17), capacity);
    }

    /** Distinct keys recorded. */
    long size() {
        return size;
    }

    long capacity() {
        return capacity;
    }

    /** Bytes of the backing file (sparse: only touched pages use disk or memory). */
    long fileBytes() {
        return capacity * SLOT_BYTES;
    }

    /** Average slots looked at per {@link #get}; for the benchmark. */
    double averageProbes() {
        return lookups == 0 ? 0 : (double) probes / lookups;
    }

    /** Unmaps nothing explicitly (the JVM unmaps when the buffers are collected) and deletes the file. */
    @Override
    public void close() throws IOException {
        java.util.Arrays.fill(mappings, null);
        Files.deleteIfExists(file);
    }
}
