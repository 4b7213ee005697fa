package io.skein.log.epoch;

import io.skein.log.api.EpochEndOffset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's leader-epoch history: for each epoch in which batches were appended, the offset
 * of its first batch, in increasing order of both (Kafka's {@code LeaderEpochFileCache}).
 *
 * <p>Rules, as in Kafka:
 * <ul>
 *   <li>{@link #assign}: an epoch equal to the latest one is a no-op unless it starts earlier;
 *       a new epoch is appended after dropping (with a WARN line) any entry whose epoch is not
 *       below it or whose start offset is not below its start, so the history stays monotonic;</li>
 *   <li>{@link #truncateFromEnd}: entries starting at or past the new log end go;</li>
 *   <li>{@link #truncateFromStart}: entries wholly below the new log start go, and the last one
 *       that started at or below it now starts there;</li>
 *   <li>{@link #endOffsetFor}: see the method.</li>
 * </ul>
 * Every change is handed to the {@link Persister} (the {@code leader-epoch-checkpoint} file)
 * before it is published.
 *
 * <p>Threading: changed only by the partition's writer (under the log's append lock); any thread
 * may read. The entries are an immutable list replaced whole through a volatile field, so a reader
 * sees one consistent history without locking.
 */
public final class LeaderEpochCache {

    private static final Logger log = LoggerFactory.getLogger(LeaderEpochCache.class);

    /** Stores the whole history durably; called by the writer after each change. */
    @FunctionalInterface
    public interface Persister {
        void write(List<EpochEntry> entries) throws IOException;

        Persister NONE = entries -> { };
    }

    private final String owner;
    private final Persister persister;
    private volatile List<EpochEntry> entries;

    /**
     * @param owner names the partition in log lines
     * @param initial a history (e.g. read from the checkpoint), in increasing order
     */
    public LeaderEpochCache(String owner, List<EpochEntry> initial, Persister persister) {
        this.owner = owner;
        this.persister = persister;
        for (int i = 1; i < initial.size(); i++) {
            EpochEntry prev = initial.get(i - 1);
            EpochEntry next = initial.get(i);
            if (next.epoch() <= prev.epoch() || next.startOffset() < prev.startOffset()) {
                throw new IllegalArgumentException("leader epochs of " + owner + " are not monotonic: " + initial);
            }
        }
        this.entries = List.copyOf(initial);
    }

    /** The whole history, oldest first. */
    public List<EpochEntry> entries() {
        return entries;
    }

    /** The latest epoch, or {@link EpochEndOffset#UNDEFINED} when none is known. */
    public int latestEpoch() {
        List<EpochEntry> e = entries;
        return e.isEmpty() ? EpochEndOffset.UNDEFINED : e.get(e.size() - 1).epoch();
    }

    /** The earliest entry still known, or null. */
    public EpochEntry earliest() {
        List<EpochEntry> e = entries;
        return e.isEmpty() ? null : e.get(0);
    }

    /**
     * Records that batches of {@code epoch} start at {@code startOffset}. A negative epoch (a batch
     * written without one) is ignored.
     *
     * @return whether the history changed
     */
    public boolean assign(int epoch, long startOffset) {
        if (epoch < 0) {
            return false;
        }
        List<EpochEntry> current = entries;
        EpochEntry latest = current.isEmpty() ? null : current.get(current.size() - 1);
        if (latest != null && latest.epoch() == epoch && latest.startOffset() <= startOffset) {
            return false;
        }
        EpochEntry added = new EpochEntry(epoch, startOffset);
        List<EpochEntry> next = new ArrayList<>(current.size() + 1);
        List<EpochEntry> dropped = new ArrayList<>();
        for (EpochEntry e : current) {
            if (e.epoch() >= epoch || e.startOffset() >= startOffset) {
                dropped.add(e);
            } else {
                next.add(e);
            }
        }
        if (!dropped.isEmpty() && !(dropped.size() == 1 && dropped.get(0).epoch() == epoch)) {
            log.warn("Leader epoch {} of {} starting at offset {} replaces the later or conflicting entries {}",
                    epoch, owner, startOffset, dropped);
        }
        next.add(added);
        publish(next);
        return true;
    }

    /**
     * Forgets the epochs that start at or after {@code endOffset} (the log was truncated to it).
     *
     * @return whether the history changed
     */
    public boolean truncateFromEnd(long endOffset) {
        List<EpochEntry> current = entries;
        if (current.isEmpty() || current.get(current.size() - 1).startOffset() < endOffset) {
            return false;
        }
        List<EpochEntry> next = new ArrayList<>(current.size());
        for (EpochEntry e : current) {
            if (e.startOffset() < endOffset) {
                next.add(e);
            }
        }
        publish(next);
        return true;
    }

    /**
     * The log now starts at {@code startOffset}: entries starting at or below it collapse into the
     * last of them, which now starts at {@code startOffset}.
     *
     * @return whether the history changed
     */
    public boolean truncateFromStart(long startOffset) {
        List<EpochEntry> current = entries;
        int lastBelow = -1;
        for (int i = 0; i < current.size() && current.get(i).startOffset() <= startOffset; i++) {
            lastBelow = i;
        }
        if (lastBelow < 0 || (lastBelow == 0 && current.get(0).startOffset() == startOffset)) {
            return false;
        }
        List<EpochEntry> next = new ArrayList<>(current.size() - lastBelow);
        next.add(new EpochEntry(current.get(lastBelow).epoch(), startOffset));
        next.addAll(current.subList(lastBelow + 1, current.size()));
        publish(next);
        return true;
    }

    /** Forgets everything (the log was emptied). */
    public boolean clear() {
        if (entries.isEmpty()) {
            return false;
        }
        publish(List.of());
        return true;
    }

    /**
     * Kafka's {@code endOffsetFor}: for the latest epoch, the log end offset; for an older epoch,
     * the largest known epoch at or below it with the start offset of the next higher epoch; for an
     * epoch below the earliest known, the requested epoch with the earliest entry's start offset
     * (that history is gone; the follower restarts from the leader's start); undefined for
     * {@link EpochEndOffset#UNDEFINED}, for an epoch above the latest and when no epoch is known.
     */
    public EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        List<EpochEntry> e = entries;
        if (requestedEpoch == EpochEndOffset.UNDEFINED || e.isEmpty()) {
            return EpochEndOffset.UNDEFINED_ANSWER;
        }
        EpochEntry latest = e.get(e.size() - 1);
        if (latest.epoch() == requestedEpoch) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        if (requestedEpoch > latest.epoch()) {
            return EpochEndOffset.UNDEFINED_ANSWER;
        }
        EpochEntry floor = null;
        EpochEntry higher = null;
        for (EpochEntry entry : e) {
            if (entry.epoch() <= requestedEpoch) {
                floor = entry;
            } else {
                higher = entry;
                break;
            }
        }
        // higher is never null here: the latest epoch is above the requested one
        return new EpochEndOffset(floor == null ? requestedEpoch : floor.epoch(), higher.startOffset());
    }

    private void publish(List<EpochEntry> next) {
        List<EpochEntry> frozen = List.copyOf(next);
        try {
            persister.write(frozen);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the leader epoch checkpoint of " + owner, e);
        }
        entries = frozen;
    }

    @Override
    public String toString() {
        return "LeaderEpochCache(" + owner + ", " + entries + ")";
    }
}
