package io.skein.log.segment;

import io.skein.log.index.AbortedTxn;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of one partition log, keyed by base offset, the last one active, and the
 * published {@link LogEnd}.
 *
 * <p>Threading: the partition's writer adds segments ({@link #roll}) and publishes the end;
 * readers on any thread look segments up without locks. The map is a concurrent skip list so
 * lookups never block an append; {@code end} is volatile and is the only thing readers trust for
 * how far the log goes (a segment may be visible in the map before the end reaches it, and
 * {@link LogEnd#readableBytesOf} then reports it empty).
 */
public final class Segments {

    private final ConcurrentSkipListMap<Long, LogSegment> byBaseOffset = new ConcurrentSkipListMap<>();
    private volatile LogEnd end;

    /** Takes ownership of loaded segments (at least one); the last becomes active. */
    public Segments(Collection<LogSegment> loaded) {
        if (loaded.isEmpty()) {
            throw new IllegalArgumentException("a log has at least one segment");
        }
        for (LogSegment s : loaded) {
            byBaseOffset.put(s.baseOffset(), s);
        }
        LogSegment active = byBaseOffset.lastEntry().getValue();
        end = new LogEnd(active.lastOffset() + 1, active, active.size());
    }

    public LogEnd end() {
        return end;
    }

    /** Publishes a new end; writer only, after the bytes are written. */
    public void publish(LogEnd newEnd) {
        end = newEnd;
    }

    public LogSegment active() {
        return end.segment();
    }

    /** Makes {@code next} the active segment; the end moves to it with no bytes yet. Writer only. */
    public void roll(LogSegment next) throws IOException {
        LogEnd e = end;
        e.segment().onRoll();
        byBaseOffset.put(next.baseOffset(), next);
        end = new LogEnd(e.offset(), next, 0);
    }

    /** The segment that may hold {@code offset}: the one with the greatest base offset at or below it. */
    public LogSegment floor(long offset) {
        Map.Entry<Long, LogSegment> e = byBaseOffset.floorEntry(offset);
        return e == null ? null : e.getValue();
    }

    /** The segment after {@code segment}, or null. */
    public LogSegment next(LogSegment segment) {
        Map.Entry<Long, LogSegment> e = byBaseOffset.higherEntry(segment.baseOffset());
        return e == null ? null : e.getValue();
    }

    /**
     * Removes a rolled segment (retention); the caller then drops the owner's reference. Readers
     * that already found it keep their reference; new lookups no longer see it. Writer only.
     */
    public void remove(LogSegment segment) {
        if (segment == end.segment()) {
            throw new IllegalArgumentException("the active segment cannot be removed");
        }
        byBaseOffset.remove(segment.baseOffset(), segment);
    }

    /**
     * Puts a cleaned segment in place of the rolled segments it was made from (the first of which
     * has its base offset): the new one is visible before the others leave, so a lock-free reader
     * always finds every offset in one of them. Writer only (under the log's lock).
     */
    public void replace(java.util.List<LogSegment> old, LogSegment cleaned) {
        if (old.isEmpty() || old.get(0).baseOffset() != cleaned.baseOffset() || old.contains(end.segment())) {
            throw new IllegalArgumentException("a cleaned segment replaces rolled segments starting at its base offset");
        }
        byBaseOffset.put(cleaned.baseOffset(), cleaned);
        for (int i = 1; i < old.size(); i++) {
            byBaseOffset.remove(old.get(i).baseOffset(), old.get(i));
        }
    }

    /**
     * Truncation: {@code fresh} (a reopened copy of the segment at its base offset, already cut)
     * replaces that segment and becomes active, every later segment leaves the map, and the end
     * moves back to {@code fresh}'s end. Returns the later segments, for the caller to retire.
     * Writer only.
     */
    public java.util.List<LogSegment> truncateTo(LogSegment fresh) {
        java.util.List<LogSegment> removed = new java.util.ArrayList<>(
                byBaseOffset.tailMap(fresh.baseOffset(), false).values());
        byBaseOffset.put(fresh.baseOffset(), fresh);
        for (LogSegment s : removed) {
            byBaseOffset.remove(s.baseOffset(), s);
        }
        end = new LogEnd(fresh.lastOffset() + 1, fresh, fresh.size());
        return removed;
    }

    /**
     * Full truncation: {@code fresh} (a new empty segment) becomes the only one. Returns the
     * segments it replaced, for the caller to retire. Writer only.
     */
    public java.util.List<LogSegment> replaceAll(LogSegment fresh) {
        java.util.List<LogSegment> removed = new java.util.ArrayList<>(byBaseOffset.values());
        byBaseOffset.put(fresh.baseOffset(), fresh);
        for (LogSegment s : removed) {
            byBaseOffset.remove(s.baseOffset(), s); // one with fresh's base offset was replaced by the put
        }
        end = new LogEnd(fresh.lastOffset() + 1, fresh, fresh.size());
        return removed;
    }

    /**
     * The aborted transactions overlapping {@code [fromOffset, upperBoundOffset)} (ABORT marker at
     * or after {@code fromOffset}, first offset below the bound), in marker order: from the indexes
     * of the segment holding {@code fromOffset} (the first segment when none does) and the later
     * ones, until an entry's last stable offset shows that no later segment holds another (a
     * transaction's entry lives with its marker, at or after everything it overlaps). In memory, no
     * I/O; any thread.
     */
    public java.util.List<AbortedTxn> abortedTransactions(long fromOffset, long upperBoundOffset) {
        java.util.List<AbortedTxn> out = new java.util.ArrayList<>();
        Map.Entry<Long, LogSegment> floor = byBaseOffset.floorEntry(fromOffset);
        LogSegment segment = floor != null ? floor.getValue() : byBaseOffset.firstEntry().getValue();
        while (segment != null && !segment.txnIndex().collect(fromOffset, upperBoundOffset, out)) {
            segment = next(segment);
        }
        return out;
    }

    /** Bytes of complete batches in all segments. */
    public long sizeInBytes() {
        long total = 0;
        for (LogSegment s : byBaseOffset.values()) {
            total += s.size();
        }
        return total;
    }

    public long firstBaseOffset() {
        return byBaseOffset.firstKey();
    }

    /** A live, read-only view in base-offset order, for iteration by readers. */
    public Collection<LogSegment> all() {
        return Collections.unmodifiableCollection(byBaseOffset.values());
    }

    /** Forces every segment with unflushed appends. Writer only. */
    public void flush() throws IOException {
        for (LogSegment s : byBaseOffset.values()) {
            s.flush();
        }
    }

    /** Drops the owner's reference on every segment (trimming indexes); readers may finish sends. */
    public void closeAll() throws IOException {
        IOException first = null;
        for (LogSegment s : byBaseOffset.values()) {
            try {
                s.closeWhenUnused();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
