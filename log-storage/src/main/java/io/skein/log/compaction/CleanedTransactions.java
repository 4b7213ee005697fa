package io.skein.log.compaction;

import io.skein.log.index.AbortedTxn;
import io.skein.log.segment.Segments;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What a cleaning pass knows about transactions while it walks batches in offset order:
 * <ul>
 * <li>a transactional data batch of a producer whose aborted transaction (from the segments'
 *     aborted-transaction indexes) has begun at or before it belongs to that aborted transaction:
 *     its records are dropped and never enter the offset map;</li>
 * <li>an ABORT marker is kept, with its index entry (for the cleaned segment), while this pass saw
 *     data of its transaction (dropped now: the next pass sees none); otherwise it may go;</li>
 * <li>a COMMIT marker may go when this pass saw no data batch of its transaction (everything of it
 *     was compacted away before).</li>
 * </ul>
 * A marker that "may go" is still kept until {@code delete.retention.ms} after a cleaning first
 * found it so (the batch's delete horizon, KIP-534), so that consumers part-way through the
 * transaction still see it.
 *
 * <p>Threading: one instance per pass, owned by the cleaner thread.
 */
final class CleanedTransactions {

    private final ArrayDeque<AbortedTxn> upcoming;
    private final Map<Long, AbortedTxn> ongoingAborted = new HashMap<>();
    private final Set<Long> abortedWithData = new HashSet<>();
    private final Set<Long> ongoingCommitted = new HashSet<>();
    private final List<AbortedTxn> retainedAborts = new ArrayList<>();

    private CleanedTransactions(List<AbortedTxn> aborted) {
        List<AbortedTxn> sorted = new ArrayList<>(aborted);
        sorted.sort(Comparator.comparingLong(AbortedTxn::firstOffset));
        this.upcoming = new ArrayDeque<>(sorted);
    }

    /** The aborted transactions overlapping {@code [fromOffset, upperBoundOffset)} (see {@link Segments#abortedTransactions}). */
    static CleanedTransactions of(Segments segments, long fromOffset, long upperBoundOffset) {
        return new CleanedTransactions(segments.abortedTransactions(fromOffset, upperBoundOffset));
    }

    /** A data batch read in offset order; true when it belongs to an aborted transaction (drop its records). */
    boolean onDataBatch(RecordBatch batch) {
        beginAbortedUpTo(batch.lastOffset());
        if (!batch.isTransactional()) {
            return false;
        }
        if (ongoingAborted.containsKey(batch.producerId())) {
            abortedWithData.add(batch.producerId());
            return true;
        }
        ongoingCommitted.add(batch.producerId());
        return false;
    }

    /** A control batch read in offset order; true when its transaction has no data left (the marker may go). */
    boolean onControlBatch(RecordBatch batch) {
        beginAbortedUpTo(batch.lastOffset());
        long producerId = batch.producerId();
        java.util.Iterator<Record> records = batch.iterator();
        ControlRecordType type = records.hasNext() ? ControlRecordType.parse(records.next().key())
                : ControlRecordType.UNKNOWN;
        if (type == ControlRecordType.ABORT) {
            AbortedTxn txn = ongoingAborted.remove(producerId);
            boolean hadData = abortedWithData.remove(producerId);
            if (txn != null && hadData) {
                retainedAborts.add(txn);
                return false;
            }
            return true;
        }
        if (type == ControlRecordType.COMMIT) {
            return !ongoingCommitted.remove(producerId);
        }
        return false;
    }

    /** The aborted-transaction entries of the markers kept since the last call, for a cleaned segment's index. */
    List<AbortedTxn> drainRetainedAborts() {
        List<AbortedTxn> out = List.copyOf(retainedAborts);
        retainedAborts.clear();
        return out;
    }

    private void beginAbortedUpTo(long offset) {
        while (!upcoming.isEmpty() && upcoming.peekFirst().firstOffset() <= offset) {
            AbortedTxn txn = upcoming.removeFirst();
            ongoingAborted.putIfAbsent(txn.producerId(), txn);
        }
    }
}
