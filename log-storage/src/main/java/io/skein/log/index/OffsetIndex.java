package io.skein.log.index;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A segment's sparse offset index, in Kafka's {@code .index} format. Layout (version-less, as in
 * Kafka), a sequence of 8-byte big-endian entries in increasing order of both fields:
 * <pre>
 *  0 relativeOffset int32   offset of a batch's first record minus the segment's base offset
 *  4 position       int32   byte position of that batch in the segment's .log file
 * </pre>
 * An entry is added when more than {@code index.interval.bytes} were appended since the last one
 * (and always for a segment's first batch).
 *
 * <p>The file is memory-mapped. While its segment is active it is preallocated to
 * {@code segment.index.bytes} (zeros past the entries); it is trimmed to its entries when the
 * segment rolls and on close. Crash behaviour: an untrimmed file ends in zeros, and entries may be
 * missing or stale; the loader rebuilds the active segment's index from the log and sanity-checks
 * (drops a non-increasing or out-of-file tail of) the others, so an index never has to be
 * trusted blindly. It can always be rebuilt from the log.
 *
 * <p>Threading: one writer (the partition's appender) calls {@link #append}, {@link #clear} and
 * {@link #trim}; readers call {@link #lookup} concurrently. {@code entries} is volatile and
 * written after the entry's bytes, so a reader sees only complete entries; {@code mmap} is
 * volatile because {@link #trim} replaces the mapping (readers keep using the old one safely, its
 * entries are unchanged). Lookups use absolute gets and allocate nothing.
 */
public final class OffsetIndex {

    public static final int ENTRY_SIZE = 8;

    private final Path file;
    private final long baseOffset;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    private OffsetIndex(Path file, long baseOffset, MappedByteBuffer mmap, int entries) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.mmap = mmap;
        this.entries = entries;
        this.maxEntries = mmap.capacity() / ENTRY_SIZE;
    }

    /** Creates an empty index preallocated to {@code maxIndexBytes} (replacing any file there), for an active segment. */
    public static OffsetIndex createEmpty(Path file, long baseOffset, int maxIndexBytes) throws IOException {
        int length = Math.max(ENTRY_SIZE, maxIndexBytes / ENTRY_SIZE * ENTRY_SIZE);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, length);
            return new OffsetIndex(file, baseOffset, map, 0);
        }
    }

    /**
     * Opens the index of a rolled segment as it is on disk (no preallocation), keeping only the
     * leading entries that increase and point inside a log of {@code logSize} bytes.
     */
    public static OffsetIndex openExisting(Path file, long baseOffset, long logSize) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long length = ch.size() / ENTRY_SIZE * ENTRY_SIZE;
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, length);
            OffsetIndex index = new OffsetIndex(file, baseOffset, map, 0);
            index.entries = index.countValidEntries(logSize);
            return index;
        }
    }

    private int countValidEntries(long logSize) {
        MappedByteBuffer m = mmap;
        int n = m.capacity() / ENTRY_SIZE;
        int lastRel = -1;
        int lastPos = -1;
        for (int i = 0; i < n; i++) {
            int rel = m.getInt(i * ENTRY_SIZE);
            int pos = m.getInt(i * ENTRY_SIZE + 4);
            if (rel < 0 || pos < 0 || pos >= logSize || (i > 0 && (rel <= lastRel || pos <= lastPos))) {
                return i;
            }
            lastRel = rel;
            lastPos = pos;
        }
        return n;
    }

    /** Whether the file held bytes past the valid entries (for a rolled segment: damage, rebuild it). */
    public boolean hasTrailingBytes() {
        return mmap.capacity() > entries * ENTRY_SIZE;
    }

    /** The offset of the last entry, {@code baseOffset - 1} when empty. */
    public long lastOffset() {
        int n = entries;
        return n == 0 ? baseOffset - 1 : baseOffset + mmap.getInt((n - 1) * ENTRY_SIZE);
    }

    public boolean isFull() {
        return entries >= maxEntries;
    }

    public int entries() {
        return entries;
    }

    /** Adds an entry; offsets and positions must increase and the index must not be full. */
    public void append(long offset, int position) {
        int n = entries;
        if (n >= maxEntries) {
            throw new IllegalStateException("offset index " + file + " is full");
        }
        MappedByteBuffer m = mmap;
        m.putInt(n * ENTRY_SIZE, (int) (offset - baseOffset));
        m.putInt(n * ENTRY_SIZE + 4, position);
        entries = n + 1; // publish after the entry's bytes
    }

    /**
     * The file position of the last indexed batch whose base offset is at or below {@code offset},
     * or 0 when there is none.
     */
    public int lookup(long offset) {
        MappedByteBuffer m = mmap;
        int n = entries;
        long rel = offset - baseOffset;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (m.getInt(mid * ENTRY_SIZE) <= rel) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : m.getInt(found * ENTRY_SIZE + 4);
    }

    /** The position of the last entry, 0 when empty. */
    public int lastPosition() {
        int n = entries;
        return n == 0 ? 0 : mmap.getInt((n - 1) * ENTRY_SIZE + 4);
    }

    /** Drops every entry (before a rebuild). */
    public void clear() {
        entries = 0;
    }

    /** Shrinks the file to its entries and maps just those (on roll and close); no more appends fit. */
    public void trim() throws IOException {
        int n = entries;
        mmap.force();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.truncate((long) n * ENTRY_SIZE);
            mmap = ch.map(FileChannel.MapMode.READ_WRITE, 0, (long) n * ENTRY_SIZE);
        }
        maxEntries = n;
    }

    public void flush() {
        mmap.force();
    }

    public Path file() {
        return file;
    }
}
