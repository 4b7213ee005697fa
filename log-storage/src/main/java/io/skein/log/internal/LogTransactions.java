package io.skein.log.internal;

import io.skein.log.api.AbortedTransaction;
import io.skein.log.api.ActiveProducer;
import io.skein.log.producer.BatchMetadata;
import io.skein.log.producer.CompletedTxn;
import io.skein.log.producer.ProducerStateTable;
import io.skein.log.segment.Segments;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The transaction side of one partition log: which offsets are not yet stable, the aborted
 * transactions a read_committed fetch must be told about, and what the producer state says about
 * producers and their open transactions (DescribeProducers, the KIP-890 check).
 *
 * <p>The first unstable offset is the first offset of the earliest transaction that is still open
 * (from the {@link ProducerStateTable}) or whose marker is not yet below the high watermark (a
 * completed transaction whose outcome not every in-sync replica has). The last stable offset
 * (LSO) is the smaller of it and the high watermark: read_committed consumers read below it.
 *
 * <p>Threading: {@link #completed}, {@link #publish} and {@link #reset} run on the partition's
 * writer under the log's lock; so do {@link #activeProducers} and {@link #hasOngoingTransaction},
 * which read the producer state. Readers call {@link #lastStableOffset} and {@link #aborted} from any
 * thread: the writer publishes an immutable {@link Unstable} through a volatile before the log
 * end and high watermark move past the batch that changed it, so a reader that reads the high
 * watermark first and then the published state never sees a high watermark past a transaction
 * it does not know about.
 */
final class LogTransactions {

    /** Immutable state for readers: the earliest open transaction and the completed ones not yet replicated. */
    private record Unstable(long firstOngoing, long[] completedFirst, long[] completedMarker) {
        static final Unstable NONE = new Unstable(-1, new long[0], new long[0]);
    }

    private final ProducerStateTable producers;
    private final Segments segments;
    private final ArrayDeque<CompletedTxn> unreplicated = new ArrayDeque<>();
    private volatile Unstable published = Unstable.NONE;

    LogTransactions(ProducerStateTable producers, Segments segments) {
        this.producers = producers;
        this.segments = segments;
        publish(Long.MAX_VALUE);
    }

    /** A marker in the log completed {@code txn}: it stays unstable until the high watermark passes the marker. */
    void completed(CompletedTxn txn) {
        if (txn != null) {
            unreplicated.addLast(txn);
        }
    }

    /**
     * Publishes the producer state's open transactions and the completed transactions whose
     * markers are at or above {@code highWatermark} (the others are forgotten). Call after any
     * transactional or control batch reached the producer state, before the end is published.
     */
    void publish(long highWatermark) {
        while (!unreplicated.isEmpty() && unreplicated.peekFirst().lastOffset() < highWatermark) {
            unreplicated.removeFirst();
        }
        long[] firsts = new long[unreplicated.size()];
        long[] markers = new long[unreplicated.size()];
        int i = 0;
        for (CompletedTxn txn : unreplicated) {
            firsts[i] = txn.firstOffset();
            markers[i] = txn.lastOffset();
            i++;
        }
        published = new Unstable(producers.firstOngoingOffset(), firsts, markers);
    }

    /** The high watermark moved: forget the completed transactions whose markers are now below it. */
    void highWatermarkMoved(long highWatermark) {
        if (!unreplicated.isEmpty() && unreplicated.peekFirst().lastOffset() < highWatermark) {
            publish(highWatermark);
        }
    }

    /** Truncation or a reload rebuilt the producer state: forget completed transactions and publish it. */
    void reset() {
        unreplicated.clear();
        publish(Long.MAX_VALUE);
    }

    /**
     * The last stable offset given a high watermark read just before (see the class comment).
     * Never below the log start offset: a transaction whose first batches retention deleted
     * holds the offsets from the log start.
     */
    long lastStableOffset(long highWatermark, long logStartOffset) {
        Unstable u = published;
        long lso = highWatermark;
        if (u.firstOngoing() >= 0) {
            lso = Math.min(lso, u.firstOngoing());
        }
        for (int i = 0; i < u.completedMarker().length; i++) {
            if (u.completedMarker()[i] >= highWatermark) {
                lso = Math.min(lso, u.completedFirst()[i]);
            }
        }
        return Math.min(highWatermark, Math.max(lso, logStartOffset));
    }

    /** The producers the partition remembers, with their last batch and open transaction (lock held). */
    List<ActiveProducer> activeProducers() {
        return producers.producers().stream().map(p -> {
            BatchMetadata last = p.recent().isEmpty() ? null : p.recent().get(p.recent().size() - 1);
            return new ActiveProducer(p.producerId(), p.epoch(), last == null ? -1 : last.lastSeq(),
                    last == null ? -1 : last.timestamp(), p.coordinatorEpoch(), p.txnFirstOffset());
        }).toList();
    }

    /** Whether the producer has a transaction open in this partition at this epoch (lock held). */
    boolean hasOngoingTransaction(long producerId, short producerEpoch) {
        return producers.ongoingTxnFirstOffset(producerId) >= 0 && producers.epochOf(producerId) == producerEpoch;
    }

    /** The aborted transactions a read_committed fetch of {@code [fetchOffset, upperBoundOffset)} is told about. */
    List<AbortedTransaction> aborted(long fetchOffset, long upperBoundOffset) {
        return segments.abortedTransactions(fetchOffset, upperBoundOffset).stream()
                .map(t -> new AbortedTransaction(t.producerId(), t.firstOffset())).toList();
    }
}
