package io.skein.log.producer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;

/**
 * What one partition knows about each idempotent producer: its epoch and the sequence numbers,
 * offsets and timestamps of its last {@value #RECENT_BATCHES} batches, to recognise retried
 * duplicates and reject gaps and zombie epochs the way Kafka does; and for transactional producers
 * the first offset of the open transaction (opened by its first transactional batch, ended by a
 * COMMIT or ABORT marker, {@link #endTransaction}) and the coordinator epoch of the last marker.
 *
 * <p>Rules for a batch of producer {@code pid} at {@code epoch} with sequences
 * {@code firstSeq..lastSeq}:
 * <ul>
 *   <li>unknown producer (new, or its batches are gone): accepted, any sequence;
 *   <li>epoch below the known one: {@code INVALID_PRODUCER_EPOCH};
 *   <li>epoch above the known one: {@code firstSeq} must be 0, else {@code OUT_OF_ORDER_SEQUENCE_NUMBER};
 *   <li>same epoch and the same first and last sequence as one of the recent batches: a duplicate;
 *   <li>same epoch otherwise: {@code firstSeq} must follow the last sequence (wrapping from
 *       {@code Integer.MAX_VALUE} to 0), else {@code OUT_OF_ORDER_SEQUENCE_NUMBER}.
 * </ul>
 *
 * <p>Threading: owned by the partition's writer (used under its append lock); not thread-safe.
 * Restored on load from the newest producer-state snapshot ({@link #producers()} /
 * {@link #restore}) plus the batches after it.
 */
public final class ProducerStateTable {

    /** How many recent batches per producer are remembered for duplicate detection (Kafka: 5). */
    public static final int RECENT_BATCHES = 5;

    private static final class Entry {
        short epoch;
        int coordinatorEpoch = -1;
        /** First offset of the producer's open transaction, -1 when none is open. */
        long txnFirstOffset = -1;
        final ArrayDeque<BatchMetadata> recent = new ArrayDeque<>(RECENT_BATCHES);
        /**
         * A marker moved the producer to a new epoch (transactions v2) and no batch of that epoch is
         * in yet: the next one must start at sequence 0, as in Kafka, so a later batch whose
         * earlier sibling was refused (e.g. by the transaction check) cannot jump the queue.
         */
        boolean bumpedByMarker;

        Entry(short epoch) {
            this.epoch = epoch;
        }
    }

    private final Map<Long, Entry> producers = new HashMap<>();
    /** The open transactions: first offset → producer id, so the earliest is found at once. */
    private final java.util.TreeMap<Long, Long> ongoing = new java.util.TreeMap<>();

    /** Checks a batch against the appended state, without changing it. */
    public SequenceCheck check(long producerId, short epoch, int firstSeq, int lastSeq) {
        Entry entry = producers.get(producerId);
        if (entry == null) {
            return SequenceCheck.ACCEPT;
        }
        if (epoch == entry.epoch) {
            for (BatchMetadata b : entry.recent) {
                if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                    return SequenceCheck.duplicate(b);
                }
            }
            if (entry.bumpedByMarker && firstSeq != 0) {
                return SequenceCheck.reject(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, "Out of order sequence number for"
                        + " producer " + producerId + " at epoch " + epoch + ": " + firstSeq
                        + " (incoming seq. number), the epoch's first batch must start at 0");
            }
        }
        return checkFollowing(producerId, entry.epoch, lastSequenceOf(entry), epoch, firstSeq);
    }

    /**
     * Checks a batch against the producer's previous batch: the last appended one, or one earlier
     * in the same request (not yet appended).
     */
    public static SequenceCheck checkFollowing(long producerId, short previousEpoch, int previousLastSeq,
                                               short epoch, int firstSeq) {
        if (epoch < previousEpoch) {
            return SequenceCheck.reject(Errors.INVALID_PRODUCER_EPOCH, "Epoch of producer " + producerId + " is "
                    + epoch + ", which is smaller than the last seen epoch " + previousEpoch);
        }
        if (epoch > previousEpoch) {
            return firstSeq == 0 ? SequenceCheck.ACCEPT : SequenceCheck.reject(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    "Invalid sequence number for new epoch of producer " + producerId + ": " + epoch
                            + " (request epoch), " + firstSeq + " (seq. number), " + previousEpoch
                            + " (current producer epoch)");
        }
        return checkNext(producerId, epoch, previousLastSeq, firstSeq);
    }

    private static SequenceCheck checkNext(long producerId, short epoch, int lastSeq, int firstSeq) {
        if (lastSeq >= 0 && firstSeq != nextSequence(lastSeq)) {
            return SequenceCheck.reject(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, "Out of order sequence number for producer "
                    + producerId + " at epoch " + epoch + ": " + firstSeq + " (incoming seq. number), " + lastSeq
                    + " (current end sequence number)");
        }
        return SequenceCheck.ACCEPT;
    }

    private static int lastSequenceOf(Entry entry) {
        return entry.recent.isEmpty() ? -1 : entry.recent.peekLast().lastSeq();
    }

    static int nextSequence(int seq) {
        return seq == Integer.MAX_VALUE ? 0 : seq + 1;
    }

    /** The last sequence of a batch of {@code recordCount} records starting at {@code firstSeq}, wrapping like Kafka. */
    public static int lastSequence(int firstSeq, int lastOffsetDelta) {
        long last = (long) firstSeq + lastOffsetDelta;
        return last > Integer.MAX_VALUE ? (int) (last - Integer.MAX_VALUE - 1) : (int) last;
    }

    /** Records an appended non-transactional batch (or one found in the log while loading). */
    public void update(long producerId, short epoch, BatchMetadata batch) {
        update(producerId, epoch, batch, false);
    }

    /**
     * Records an appended data batch (or one found in the log while loading). A new epoch forgets
     * older batches. A transactional batch opens the producer's transaction at its first offset
     * unless one is open already.
     */
    public void update(long producerId, short epoch, BatchMetadata batch, boolean transactional) {
        Entry entry = producers.computeIfAbsent(producerId, id -> new Entry(epoch));
        if (transactional && entry.txnFirstOffset < 0) {
            entry.txnFirstOffset = batch.firstOffset();
            ongoing.put(batch.firstOffset(), producerId);
        }
        if (epoch != entry.epoch) {
            entry.epoch = epoch;
            entry.recent.clear();
        }
        entry.bumpedByMarker = false;
        if (entry.recent.size() == RECENT_BATCHES) {
            entry.recent.removeFirst();
        }
        entry.recent.addLast(batch);
    }

    /**
     * Checks a COMMIT or ABORT marker the leader is asked to write, without changing state (Kafka's
     * rules for markers): an epoch below the producer's is INVALID_PRODUCER_EPOCH, a coordinator
     * epoch below the last one seen is TRANSACTION_COORDINATOR_FENCED. A marker for an unknown
     * producer, or one without an open transaction, is accepted (it ends nothing).
     */
    public SequenceCheck checkMarker(long producerId, short epoch, int coordinatorEpoch) {
        Entry entry = producers.get(producerId);
        if (entry == null) {
            return SequenceCheck.ACCEPT;
        }
        if (epoch < entry.epoch) {
            return SequenceCheck.reject(Errors.INVALID_PRODUCER_EPOCH, "Transaction marker of producer " + producerId
                    + " has epoch " + epoch + ", which is smaller than the last seen epoch " + entry.epoch);
        }
        if (coordinatorEpoch < entry.coordinatorEpoch) {
            return SequenceCheck.reject(Errors.TRANSACTION_COORDINATOR_FENCED, "Transaction marker of producer "
                    + producerId + " has coordinator epoch " + coordinatorEpoch + ", which is smaller than the last "
                    + "seen coordinator epoch " + entry.coordinatorEpoch);
        }
        return SequenceCheck.ACCEPT;
    }

    /**
     * Records an appended marker (leader, follower or load: no checks): the producer's open
     * transaction ends. A newer epoch (transactions v2 bump it with every marker) becomes the
     * producer's and forgets its batches, so the next batch starts at sequence 0.
     *
     * @return the transaction the marker completed, or null when none was open
     */
    public CompletedTxn endTransaction(long producerId, short epoch, int coordinatorEpoch, long markerOffset,
                                       boolean aborted) {
        Entry entry = producers.computeIfAbsent(producerId, id -> new Entry(epoch));
        if (epoch > entry.epoch) {
            entry.epoch = epoch;
            entry.recent.clear();
            entry.bumpedByMarker = true;
        }
        entry.coordinatorEpoch = Math.max(entry.coordinatorEpoch, coordinatorEpoch);
        long first = entry.txnFirstOffset;
        if (first < 0) {
            return null;
        }
        entry.txnFirstOffset = -1;
        ongoing.remove(first);
        return new CompletedTxn(producerId, first, markerOffset, aborted);
    }

    /** The first offset of the earliest open transaction, -1 when none is open. */
    public long firstOngoingOffset() {
        return ongoing.isEmpty() ? -1 : ongoing.firstKey();
    }

    /** The first offset of a producer's open transaction, -1 when none is open or the producer is unknown. */
    public long ongoingTxnFirstOffset(long producerId) {
        Entry entry = producers.get(producerId);
        return entry == null ? -1 : entry.txnFirstOffset;
    }

    /** The known epoch of a producer, or -1 when unknown. */
    public short epochOf(long producerId) {
        Entry entry = producers.get(producerId);
        return entry == null ? -1 : entry.epoch;
    }

    /** The last sequence appended by a producer, or -1 when unknown. */
    public int lastSequenceOf(long producerId) {
        Entry entry = producers.get(producerId);
        return entry == null ? -1 : lastSequenceOf(entry);
    }

    /**
     * One producer's state, as a snapshot stores it.
     *
     * @param coordinatorEpoch the coordinator epoch of its last marker, -1 if none
     * @param txnFirstOffset the first offset of its open transaction, -1 if none (Kafka's {@code current_txn_first_offset})
     */
    public record Producer(long producerId, short epoch, java.util.List<BatchMetadata> recent, int coordinatorEpoch,
                           long txnFirstOffset) {

        /** A producer with no transaction state. */
        public Producer(long producerId, short epoch, java.util.List<BatchMetadata> recent) {
            this(producerId, epoch, recent, -1, -1);
        }
    }

    /** Every producer's state, for a snapshot. */
    public java.util.List<Producer> producers() {
        java.util.List<Producer> out = new java.util.ArrayList<>(producers.size());
        producers.forEach((id, e) -> out.add(new Producer(id, e.epoch, java.util.List.copyOf(e.recent),
                e.coordinatorEpoch, e.txnFirstOffset)));
        return out;
    }

    /** Replaces the table's contents with a snapshot's. */
    public void restore(java.util.List<Producer> snapshot) {
        clear();
        for (Producer p : snapshot) {
            Entry entry = new Entry(p.epoch());
            entry.coordinatorEpoch = p.coordinatorEpoch();
            entry.txnFirstOffset = p.txnFirstOffset();
            if (p.txnFirstOffset() >= 0) {
                ongoing.put(p.txnFirstOffset(), p.producerId());
            }
            p.recent().stream().skip(Math.max(0, p.recent().size() - RECENT_BATCHES)).forEach(entry.recent::addLast);
            producers.put(p.producerId(), entry);
        }
    }

    /** Forgets every producer (before a rebuild from the log after truncation). */
    public void clear() {
        producers.clear();
        ongoing.clear();
    }

    public int size() {
        return producers.size();
    }
}
