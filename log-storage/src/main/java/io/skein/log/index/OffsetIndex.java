package io.skein.log.index;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

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
 * {@link #trim}; readers call {@link #lookup} concurrently. The entry count is published after the
 * entry's bytes, so a reader sees only complete entries, and {@link #trim} replaces the mapping
 * (readers keep using the old one safely, its entries are unchanged); both are
 * {@link MappedIndexFile}'s. Lookups use absolute gets and allocate nothing.
 */
public final class OffsetIndex {

    public static final int ENTRY_SIZE = 8;

    private final MappedIndexFile index;
    private final long baseOffset;

    private OffsetIndex(MappedIndexFile index, long baseOffset) {
        this.index = index;
        this.baseOffset = baseOffset;
    }

    /** Creates an empty index preallocated to {@code maxIndexBytes} (replacing any file there), for an active segment. */
    public static OffsetIndex createEmpty(Path file, long baseOffset, int maxIndexBytes) throws IOException {
        return new OffsetIndex(MappedIndexFile.createEmpty(file, ENTRY_SIZE, maxIndexBytes), baseOffset);
    }

    /**
     * Opens the index of a rolled segment as it is on disk (no preallocation), keeping only the
     * leading entries that increase and point inside a log of {@code logSize} bytes.
     */
    public static OffsetIndex openExisting(Path file, long baseOffset, long logSize) throws IOException {
        OffsetIndex index = new OffsetIndex(MappedIndexFile.openExisting(file, ENTRY_SIZE), baseOffset);
        index.index.validEntries(index.countValidEntries(logSize), false);
        return index;
    }

    private int countValidEntries(long logSize) {
        MappedByteBuffer m = index.buffer();
        int n = index.capacity();
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
        return index.hasTrailingBytes();
    }

    /** The offset of the last entry, {@code baseOffset - 1} when empty. */
    public long lastOffset() {
        int n = index.entries();
        return n == 0 ? baseOffset - 1 : baseOffset + index.buffer().getInt((n - 1) * ENTRY_SIZE);
    }

    public boolean isFull() {
        return index.isFull();
    }

    public int entries() {
        return index.entries();
    }

    /** Adds an entry; offsets and positions must increase and the index must not be full. */
    public void append(long offset, int position) {
        if (index.isFull()) {
            throw new IllegalStateException("offset index " + index.file() + " is full");
        }
        int n = index.entries();
        MappedByteBuffer m = index.buffer();
        m.putInt(n * ENTRY_SIZE, (int) (offset - baseOffset));
        m.putInt(n * ENTRY_SIZE + 4, position);
        index.publish(); // after the entry's bytes
    }

    /**
     * The file position of the last indexed batch whose base offset is at or below {@code offset},
     * or 0 when there is none.
     */
    public int lookup(long offset) {
        MappedByteBuffer m = index.buffer();
        int n = index.entries();
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
        int n = index.entries();
        return n == 0 ? 0 : index.buffer().getInt((n - 1) * ENTRY_SIZE + 4);
    }

    /** Drops every entry (before a rebuild). */
    public void clear() {
        index.clear();
    }

    /** Shrinks the file to its entries and maps just those (on roll and close); no more appends fit. */
    public void trim() throws IOException {
        index.trim();
    }

    public void flush() {
        index.flush();
    }

    public Path file() {
        return index.file();
    }
}
