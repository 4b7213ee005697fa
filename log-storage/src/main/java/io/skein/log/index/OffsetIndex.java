package io.skein.log.index;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A segment's sparse offset index, in Kafka's {@code .index} format: a sequence of 8-byte
 * entries, each a 4-byte offset relative to the segment's base offset and the 4-byte file
 * position of the batch starting at that offset, big-endian, in increasing order of both.
 *
 * <p>The file is memory-mapped and preallocated to the maximum size while the segment is active,
 * then trimmed to its entries when the segment rolls or closes. After a crash the preallocated
 * tail is zeros; the loader rebuilds the active segment's index from the log, so nothing here
 * needs to be trusted beyond a trimmed file.
 *
 * <p>Threading: one writer (the partition's appender) calls {@link #append}; readers call
 * {@link #lookup} concurrently. {@code entries} is volatile and written after the entry's bytes,
 * so a reader sees only complete entries. Lookups read the mapped buffer with absolute gets and
 * allocate nothing.
 */
public final class OffsetIndex implements AutoCloseable {

    public static final int ENTRY_SIZE = 8;

    private final Path file;
    private final long baseOffset;
    private final int maxEntries;
    private MappedByteBuffer mmap;
    private volatile int entries;

    private OffsetIndex(Path file, long baseOffset, MappedByteBuffer mmap, int entries, int maxEntries) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.mmap = mmap;
        this.entries = entries;
        this.maxEntries = maxEntries;
    }

    /**
     * Opens (creating if needed) an index and maps it with room for {@code maxIndexBytes}.
     *
     * @param trusted whether the existing entries can be used; when false the index starts empty
     *     (the caller rebuilds it)
     */
    public static OffsetIndex open(Path file, long baseOffset, int maxIndexBytes, boolean trusted) throws IOException {
        int maxBytes = Math.max(ENTRY_SIZE, maxIndexBytes / ENTRY_SIZE * ENTRY_SIZE);
        int existing = 0;
        if (trusted && Files.exists(file)) {
            existing = (int) (Files.size(file) / ENTRY_SIZE);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            int length = Math.max(maxBytes, existing * ENTRY_SIZE);
            raf.setLength(length);
            MappedByteBuffer mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            OffsetIndex index = new OffsetIndex(file, baseOffset, mmap, existing, length / ENTRY_SIZE);
            index.dropInvalidTail();
            return index;
        }
    }

    /** Entries past a decreasing offset or position (a torn write) are dropped. */
    private void dropInvalidTail() {
        int valid = 0;
        int lastRel = -1;
        int lastPos = -1;
        for (int i = 0; i < entries; i++) {
            int rel = mmap.getInt(i * ENTRY_SIZE);
            int pos = mmap.getInt(i * ENTRY_SIZE + 4);
            if ((i > 0 && (rel <= lastRel || pos <= lastPos)) || rel < 0 || pos < 0) {
                break;
            }
            lastRel = rel;
            lastPos = pos;
            valid++;
        }
        entries = valid;
    }

    public boolean isFull() {
        return entries >= maxEntries;
    }

    public int entries() {
        return entries;
    }

    /** Adds an entry; offsets and positions must increase. */
    public void append(long offset, int position) {
        int n = entries;
        if (n >= maxEntries) {
            throw new IllegalStateException("offset index " + file + " is full");
        }
        mmap.putInt(n * ENTRY_SIZE, (int) (offset - baseOffset));
        mmap.putInt(n * ENTRY_SIZE + 4, position);
        entries = n + 1;
    }

    /**
     * The file position of the last indexed batch whose base offset is at or below {@code offset},
     * or 0 when every entry is above it.
     */
    public int lookup(long offset) {
        int n = entries;
        long rel = offset - baseOffset;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int midRel = mmap.getInt(mid * ENTRY_SIZE);
            if (midRel <= rel) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : mmap.getInt(found * ENTRY_SIZE + 4);
    }

    /** The offset of the last entry, or the base offset when empty. */
    public long lastOffset() {
        int n = entries;
        return n == 0 ? baseOffset : baseOffset + mmap.getInt((n - 1) * ENTRY_SIZE);
    }

    /** Drops every entry (before a rebuild). */
    public void clear() {
        entries = 0;
    }

    /** Shrinks the file to its entries (on roll and close). */
    public void trim() throws IOException {
        mmap.force();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength((long) entries * ENTRY_SIZE);
        }
    }

    public void flush() {
        mmap.force();
    }

    @Override
    public void close() throws IOException {
        trim();
        mmap = null;
    }

    public Path file() {
        return file;
    }
}
