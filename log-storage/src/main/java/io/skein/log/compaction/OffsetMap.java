package io.skein.log.compaction;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Key hash → latest offset, for one cleaning; nothing on the Java heap but small buffers, and no
 * fixed limit on the keys (Kafka's {@code log.cleaner.dedupe.buffer.size} caps the keys one
 * pass can map; this map spills to disk instead, so 100 million keys map in one pass).
 *
 * <p>How: the 128-bit hash space is split into {@code P} partitions by its top bits, {@code P}
 * chosen so one partition's table fits {@code memoryBytes}. While the dirty section is read
 * ({@link #put}) each (hash, offset) is appended to its partition's spill file through a small
 * buffer: sequential writes only. {@link #seal} then builds, partition by partition, an
 * open-addressing table (linear probing, load at most 0.7) in that partition's region of the
 * table file, mapped read-write, and forces it to disk: every page is written about once. The
 * lookups of the rewrite pass ({@link #get}) map the table file read-only: the page cache keeps
 * what fits in memory, clean pages are simply dropped and read again under memory pressure. (A
 * single read-write mapping of the whole table, tried first, made the kernel write its randomly
 * dirtied pages back over and over once it outgrew the dirty-page limits: ~50x write
 * amplification.)
 *
 * <p>Files (deleted on {@link #close}; leftovers of a crash are deleted by {@link LogCleaner} at
 * start): {@code <prefix>.spill-<p>} and {@code <prefix>.table}. Table slot layout, 24 bytes:
 * {@code [hash high int64][hash low int64][offset + 1 int64]}, an all-zero offset field marks an
 * empty slot.
 *
 * <p>Threading: owned by one cleaner thread. Lifecycle: {@code put}* → {@code seal} → {@code get}* → {@code close}.
 */
final class OffsetMap implements AutoCloseable {

    static final int SLOT_BYTES = 24;
    private static final double MAX_LOAD = 0.7;
    private static final int SPILL_BUFFER_BYTES = 64 * 1024;

    private final Path dir;
    private final String prefix;
    private final int partitionBits;
    private final ByteBuffer[] spillBuffers;
    private final FileChannel[] spills;
    private final long[] spilled;
    private MappedByteBuffer[] tables;
    private long[] capacities;
    private long size;
    private long lookups;
    private long probes;
    private long tableBytes;

    private OffsetMap(Path dir, String prefix, int partitionBits) {
        this.dir = dir;
        this.prefix = prefix;
        this.partitionBits = partitionBits;
        int partitions = 1 << partitionBits;
        this.spillBuffers = new ByteBuffer[partitions];
        this.spills = new FileChannel[partitions];
        this.spilled = new long[partitions];
    }

    /**
     * A map for up to {@code maxKeys} keys (an upper bound, e.g. the records to map) whose
     * partitions' tables each fit {@code memoryBytes}; files named {@code <dir>/<prefix>.*}.
     */
    static OffsetMap create(Path dir, String prefix, long maxKeys, long memoryBytes) {
        long keysPerPartition = Math.max(1024, (long) (memoryBytes / SLOT_BYTES * MAX_LOAD));
        int bits = 0;
        while ((keysPerPartition << bits) < maxKeys && bits < 16) {
            bits++;
        }
        return new OffsetMap(dir, prefix, bits);
    }

    private int partitionOf(long high) {
        return partitionBits == 0 ? 0 : (int) (high >>> (64 - partitionBits));
    }

    /** Records {@code offset} for the key hash; later puts of a key win (offsets come in increasing order). */
    void put(long high, long low, long offset) throws IOException {
        int p = partitionOf(high);
        ByteBuffer b = spillBuffers[p];
        if (b == null) {
            b = spillBuffers[p] = ByteBuffer.allocate(SPILL_BUFFER_BYTES);
            spills[p] = FileChannel.open(spillFile(p), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        }
        if (b.remaining() < SLOT_BYTES) {
            drain(p);
        }
        b.putLong(high).putLong(low).putLong(offset);
        spilled[p]++;
    }

    private void drain(int p) throws IOException {
        ByteBuffer b = spillBuffers[p].flip();
        while (b.hasRemaining()) {
            spills[p].write(b);
        }
        b.clear();
    }

    /** Ends the puts: builds every partition's table and maps the table file read-only for {@link #get}. */
    void seal() throws IOException {
        int partitions = 1 << partitionBits;
        capacities = new long[partitions];
        long[] regionStart = new long[partitions + 1];
        for (int p = 0; p < partitions; p++) {
            capacities[p] = spilled[p] == 0 ? 0 : (long) Math.ceil(spilled[p] / MAX_LOAD) + 1;
            regionStart[p + 1] = regionStart[p] + capacities[p] * SLOT_BYTES;
        }
        tableBytes = regionStart[partitions];
        tables = new MappedByteBuffer[partitions];
        ByteBuffer read = ByteBuffer.allocate(SPILL_BUFFER_BYTES / SLOT_BYTES * SLOT_BYTES);
        try (FileChannel table = FileChannel.open(tableFile(), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SPARSE)) {
            for (int p = 0; p < partitions; p++) {
                if (capacities[p] == 0) {
                    continue;
                }
                long regionBytes = capacities[p] * SLOT_BYTES;
                if (regionBytes > Integer.MAX_VALUE) {
                    throw new IOException("offset map partition of " + regionBytes + " bytes does not fit one mapping");
                }
                drain(p);
                spills[p].close();
                MappedByteBuffer region = table.map(FileChannel.MapMode.READ_WRITE, regionStart[p], regionBytes);
                try (FileChannel spill = FileChannel.open(spillFile(p), StandardOpenOption.READ)) {
                    read.clear();
                    while (true) {
                        int n = spill.read(read);
                        read.flip();
                        while (read.remaining() >= SLOT_BYTES) {
                            insert(region, capacities[p], read.getLong(), read.getLong(), read.getLong());
                        }
                        read.compact();
                        if (n < 0) {
                            break;
                        }
                    }
                }
                region.force();
                Files.deleteIfExists(spillFile(p));
                spillBuffers[p] = null;
                tables[p] = table.map(FileChannel.MapMode.READ_ONLY, regionStart[p], regionBytes);
            }
        }
    }

    private void insert(MappedByteBuffer table, long capacity, long high, long low, long offset) {
        long slot = firstSlot(high, low, capacity);
        while (true) {
            int pos = (int) (slot * SLOT_BYTES);
            long stored = table.getLong(pos + 16);
            if (stored == 0) {
                table.putLong(pos, high);
                table.putLong(pos + 8, low);
                table.putLong(pos + 16, offset + 1);
                size++;
                return;
            }
            if (table.getLong(pos) == high && table.getLong(pos + 8) == low) {
                table.putLong(pos + 16, offset + 1);
                return;
            }
            slot = slot + 1 == capacity ? 0 : slot + 1;
        }
    }

    /** The latest offset put for the key hash, or -1; only after {@link #seal}. */
    long get(long high, long low) {
        lookups++;
        int p = partitionOf(high);
        MappedByteBuffer table = tables[p];
        if (table == null) {
            return -1;
        }
        long capacity = capacities[p];
        long slot = firstSlot(high, low, capacity);
        while (true) {
            probes++;
            int pos = (int) (slot * SLOT_BYTES);
            long stored = table.getLong(pos + 16);
            if (stored == 0) {
                return -1;
            }
            if (table.getLong(pos) == high && table.getLong(pos + 8) == low) {
                return stored - 1;
            }
            slot = slot + 1 == capacity ? 0 : slot + 1;
        }
    }

    private static long firstSlot(long high, long low, long capacity) {
        return Long.remainderUnsigned(low ^ Long.rotateLeft(high, 29), capacity);
    }

    /** Distinct keys (after {@link #seal}). */
    long size() {
        return size;
    }

    int partitions() {
        return 1 << partitionBits;
    }

    /** Bytes of the table file (after {@link #seal}). */
    long tableBytes() {
        return tableBytes;
    }

    /** Average slots looked at per {@link #get}; for the benchmark. */
    double averageProbes() {
        return lookups == 0 ? 0 : (double) probes / lookups;
    }

    private Path spillFile(int p) {
        return dir.resolve(prefix + ".spill-" + p);
    }

    Path tableFile() {
        return dir.resolve(prefix + ".table");
    }

    /** Deletes every file (the mappings go when the buffers are collected). */
    @Override
    public void close() throws IOException {
        for (int p = 0; p < spills.length; p++) {
            if (spills[p] != null) {
                spills[p].close();
            }
            Files.deleteIfExists(spillFile(p));
        }
        tables = null;
        Files.deleteIfExists(tableFile());
    }
}
