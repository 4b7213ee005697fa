package io.skein.log.producer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;

/**
 * What a partition knows about each idempotent producer: its epoch and the sequence numbers and
 * offsets of its last five batches, to detect retried duplicates and gaps the way Kafka does.
 *
 * <p>Threading: owned by the partition's writer (used under the append lock). Not thread-safe.
 * Rebuilt from the log's batch headers on load; snapshots come with crash recovery.
 */
public final class ProducerStateTable {

    /** How many recent batches per producer are remembered for duplicate detection (Kafka: 5). */
    public static final int RECENT_BATCHES = 5;

    /** A batch's identity and where it landed. */
    public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset) {
    }

    private static final class Entry {
        short epoch;
        final ArrayDeque<BatchMetadata> recent = new ArrayDeque<>(RECENT_BATCHES);

        Entry(short epoch) {
            this.epoch = epoch;
        }

        int lastSeq() {
            return recent.isEmpty() ? -1 : recent.peekLast().lastSeq();
        }
    }

    /** The verdict on one incoming batch. */
    public record Check(Errors error, String message, BatchMetadata duplicateOf) {
        static final Check OK = new Check(Errors.NONE, null, null);

        public boolean isDuplicate() {
            return duplicateOf != null;
        }
    }

    private final Map<Long, Entry> producers = new HashMap<>();

    /** Checks a batch against the producer's state, without changing it. */
    public Check check(long producerId, short epoch, int firstSeq, int lastSeq) {
        Entry entry = producers.get(producerId);
        if (entry == null) {
            return Check.OK; // unknown producer (new, or its batches are gone): any sequence is accepted
        }
        if (epoch < entry.epoch) {
            return new Check(Errors.INVALID_PRODUCER_EPOCH, "Producer " + producerId + "'s epoch " + epoch
                    + " is older than the current epoch " + entry.epoch, null);
        }
        if (epoch > entry.epoch) {
            return firstSeq == 0 ? Check.OK : new Check(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, "Invalid sequence number "
                    + firstSeq + " for new epoch " + epoch + " of producer " + producerId + ": expected 0", null);
        }
        for (BatchMetadata b : entry.recent) {
            if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                return new Check(Errors.NONE, null, b);
            }
        }
        int last = entry.lastSeq();
        if (last >= 0 && firstSeq != nextSequence(last)) {
            return new Check(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, "Out of order sequence number for producer "
                    + producerId + " at epoch " + epoch + ": " + firstSeq + " (incoming seq. number), " + last
                    + " (current end sequence number)", null);
        }
        return Check.OK;
    }

    private static int nextSequence(int seq) {
        return seq == Integer.MAX_VALUE ? 0 : seq + 1;
    }

    /** Records an appended batch. */
    public void update(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset) {
        Entry entry = producers.computeIfAbsent(producerId, id -> new Entry(epoch));
        if (epoch != entry.epoch) {
            entry.epoch = epoch;
            entry.recent.clear();
        }
        if (entry.recent.size() == RECENT_BATCHES) {
            entry.recent.removeFirst();
        }
        entry.recent.addLast(new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset));
    }

    /** A copy to check a multi-batch request against without touching this table. */
    public ProducerStateTable copy() {
        ProducerStateTable copy = new ProducerStateTable();
        for (Map.Entry<Long, Entry> e : producers.entrySet()) {
            Entry c = new Entry(e.getValue().epoch);
            c.recent.addAll(e.getValue().recent);
            copy.producers.put(e.getKey(), c);
        }
        return copy;
    }

    public int size() {
        return producers.size();
    }

    /** Drops producers for which nothing is left (unused for now; retention will call it). */
    public void removeIf(java.util.function.LongPredicate gone) {
        for (Iterator<Long> it = producers.keySet().iterator(); it.hasNext(); ) {
            if (gone.test(it.next())) {
                it.remove();
            }
        }
    }
}
