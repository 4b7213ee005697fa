package io.skein.log.index;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * A segment's sparse time index, in Kafka's {@code .timeindex} format. Layout (version-less, as
 * in Kafka), a sequence of 12-byte big-endian entries, both fields strictly increasing:
 * <pre>
 *  0 timestamp      int64   the largest batch timestamp in the segment up to this entry
 *  8 relativeOffset int32   base offset of the first batch carrying that timestamp, minus the
 *                           segment's base offset
 * </pre>
 * An entry is added together with an offset-index entry (every {@code index.interval.bytes}) when
 * the segment's largest timestamp so far has grown since the last entry, and once more when the
 * segment rolls, so the last entry of a rolled segment holds its largest timestamp. Invariant
 * used by lookups: every batch before an entry's offset has a smaller timestamp than the entry.
 *
 * <p>Memory-mapped, preallocated to {@code segment.index.bytes} while the segment is active and
 * trimmed to its entries on roll and close. Crash behaviour: like the offset index it can always
 * be rebuilt from the log; on load the leading valid (increasing) entries are kept and the loader
 * rebuilds the index when they do not agree with the log.
 *
 * <p>Threading: one writer ({@link #maybeAppend}, {@link #clear}, {@link #trim}); readers call
 * {@link #lookup} and {@link #lastTimestamp} concurrently; the mapping and the published entry
 * count are {@link MappedIndexFile}'s. No allocation per lookup.
 */
public final class TimeIndex {

    public static final int ENTRY_SIZE = 12;

    private final MappedIndexFile index;
    private final long baseOffset;

    private TimeIndex(MappedIndexFile index, long baseOffset) {
        this.index = index;
        this.baseOffset = baseOffset;
    }

    /** Creates an empty index preallocated to {@code maxIndexBytes} (replacing any file there). */
    public static TimeIndex createEmpty(Path file, long baseOffset, int maxIndexBytes) throws IOException {
        return new TimeIndex(MappedIndexFile.createEmpty(file, ENTRY_SIZE, maxIndexBytes), baseOffset);
    }

    /** Opens a rolled segment's index as on disk (created empty if missing), keeping the leading valid entries. */
    public static TimeIndex openExisting(Path file, long baseOffset) throws IOException {
        TimeIndex index = new TimeIndex(MappedIndexFile.openExisting(file, ENTRY_SIZE), baseOffset);
        index.index.validEntries(index.countValidEntries(), true);
        return index;
    }

    private int countValidEntries() {
        MappedByteBuffer m = index.buffer();
        int n = index.capacity();
        long lastTs = Long.MIN_VALUE;
        int lastRel = -1;
        for (int i = 0; i < n; i++) {
            long ts = m.getLong(i * ENTRY_SIZE);
            int rel = m.getInt(i * ENTRY_SIZE + 8);
            if (ts < 0 || rel < 0 || ts <= lastTs || rel < lastRel) {
                return i;
            }
            lastTs = ts;
            lastRel = rel;
        }
        return n;
    }

    public int entries() {
        return index.entries();
    }

    /** Whether the file on disk held bytes past the valid entries (a sign of damage for a rolled segment). */
    public boolean hasTrailingBytes() {
        return index.hasTrailingBytes();
    }

    /** Adds an entry when {@code timestamp} is larger than the last one's and there is room. */
    public void maybeAppend(long timestamp, long offset) {
        int n = index.entries();
        if (timestamp < 0 || index.isFull() || (n > 0 && timestamp <= lastTimestamp())) {
            return;
        }
        MappedByteBuffer m = index.buffer();
        m.putLong(n * ENTRY_SIZE, timestamp);
        m.putInt(n * ENTRY_SIZE + 8, (int) (offset - baseOffset));
        index.publish(); // after the entry's bytes
    }

    /** The last entry's timestamp, -1 when empty: a rolled segment's largest timestamp. */
    public long lastTimestamp() {
        int n = index.entries();
        return n == 0 ? -1 : index.buffer().getLong((n - 1) * ENTRY_SIZE);
    }

    /** The last entry's offset, {@code baseOffset - 1} when empty. */
    public long lastOffset() {
        int n = index.entries();
        return n == 0 ? baseOffset - 1 : baseOffset + index.buffer().getInt((n - 1) * ENTRY_SIZE + 8);
    }

    /**
     * The offset from which to scan for the first batch with a timestamp at or after
     * {@code timestamp}: the offset of the last entry whose timestamp is at or below it, or the
     * segment's base offset when there is none.
     */
    public long lookup(long timestamp) {
        MappedByteBuffer m = index.buffer();
        int lo = 0;
        int hi = index.entries() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (m.getLong(mid * ENTRY_SIZE) <= timestamp) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? baseOffset : baseOffset + m.getInt(found * ENTRY_SIZE + 8);
    }

    /** Drops every entry (before a rebuild). */
    public void clear() {
        index.clear();
    }

    /** Shrinks the file to its entries and maps just those; no more appends fit. */
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
