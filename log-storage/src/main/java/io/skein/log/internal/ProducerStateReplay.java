package io.skein.log.internal;

import io.skein.log.index.AbortedTxn;
import io.skein.log.producer.BatchMetadata;
import io.skein.log.producer.CompletedTxn;
import io.skein.log.producer.ProducerStateTable;
import io.skein.log.segment.BatchHeader;
import io.skein.log.segment.LogSegment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Applies one batch of the log to the producer state, the same way for the leader's appends, the
 * follower's appends, recovery and truncation: a data batch of an idempotent or transactional
 * producer is recorded (a transactional one opens the producer's transaction); a COMMIT or ABORT
 * marker ends it, and an ABORT that ended a transaction gets an entry in the aborted-transaction
 * index of the segment holding the marker, when one is given (appends, and the replay of a segment
 * whose index is being rebuilt; not the replay of a trusted segment whose index is already whole).
 *
 * <p>Stateless; runs on the partition's writer (under the log's lock) or the loading thread.
 */
final class ProducerStateReplay {

    private static final short CONTROL_FLAG = 0x20;
    private static final short TRANSACTIONAL_FLAG = 0x10;

    private ProducerStateReplay() {
    }

    /** A batch being appended (leader or follower), already carrying its final offsets, written to {@code segment}. */
    static CompletedTxn appended(ProducerStateTable producers, RecordBatch batch, LogSegment segment)
            throws IOException {
        if (!batch.hasProducerId()) {
            return null;
        }
        if (batch.isControlBatch()) {
            EndTransactionMarker marker = markerOf(batch);
            return marker == null ? null : endTransaction(producers, batch.producerId(), batch.producerEpoch(),
                    marker, batch.baseOffset(), segment);
        }
        producers.update(batch.producerId(), batch.producerEpoch(), new BatchMetadata(batch.baseSequence(),
                batch.lastSequence(), batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp()),
                batch.isTransactional());
        return null;
    }

    /**
     * A batch walked while loading or after truncation, from its header ({@link BatchHeader#SIZE}
     * bytes at position 0), whose segment is being rebuilt: an ABORT gets an index entry in
     * {@code indexTo}. See {@link #replay(ProducerStateTable, ByteBuffer, LogSegment, int, boolean)}.
     */
    static CompletedTxn replay(ProducerStateTable producers, ByteBuffer header, LogSegment indexTo, int position) {
        return replay(producers, header, indexTo, position, true);
    }

    /**
     * A batch walked while loading or after truncation, from its header. A marker's record (its
     * type and coordinator epoch) is read from {@code segment} when one is given, and its ABORT
     * indexed there when {@code rebuildIndex}; without a segment the marker just ends the
     * transaction.
     *
     * @return the transaction a marker completed, else null
     */
    static CompletedTxn replay(ProducerStateTable producers, ByteBuffer header, LogSegment segment, int position,
                               boolean rebuildIndex) {
        long producerId = header.getLong(BatchHeader.PRODUCER_ID);
        if (producerId < 0) {
            return null;
        }
        short epoch = header.getShort(BatchHeader.PRODUCER_EPOCH);
        long firstOffset = BatchHeader.baseOffset(header, 0);
        short attributes = header.getShort(BatchHeader.ATTRIBUTES);
        if ((attributes & CONTROL_FLAG) != 0) {
            if (segment == null) {
                return producers.endTransaction(producerId, epoch, -1, firstOffset, false);
            }
            try {
                EndTransactionMarker marker = markerOf(readBatch(segment, position, BatchHeader.totalSize(header, 0)));
                return marker == null ? null : endTransaction(producers, producerId, epoch, marker, firstOffset,
                        rebuildIndex ? segment : null);
            } catch (IOException e) {
                throw new UncheckedIOException("Reading the transaction marker at offset " + firstOffset + " of "
                        + segment.logFile() + " failed", e);
            }
        }
        int delta = header.getInt(BatchHeader.LAST_OFFSET_DELTA);
        int baseSeq = header.getInt(BatchHeader.BASE_SEQUENCE);
        producers.update(producerId, epoch, new BatchMetadata(baseSeq, ProducerStateTable.lastSequence(baseSeq, delta),
                firstOffset, firstOffset + delta, BatchHeader.maxTimestamp(header, 0)),
                (attributes & TRANSACTIONAL_FLAG) != 0);
        return null;
    }

    private static CompletedTxn endTransaction(ProducerStateTable producers, long producerId, short epoch,
                                               EndTransactionMarker marker, long markerOffset, LogSegment segment)
            throws IOException {
        boolean aborted = marker.controlType() == ControlRecordType.ABORT;
        CompletedTxn completed = producers.endTransaction(producerId, epoch, marker.coordinatorEpoch(), markerOffset,
                aborted);
        if (completed != null && aborted && segment != null) {
            long firstOpen = producers.firstOngoingOffset();
            segment.txnIndex().append(new AbortedTxn(producerId, completed.firstOffset(), markerOffset,
                    firstOpen >= 0 ? firstOpen : markerOffset + 1));
        }
        return completed;
    }

    /** The COMMIT or ABORT marker of a control batch; null for other control records (or none). */
    private static EndTransactionMarker markerOf(RecordBatch batch) {
        Iterator<Record> records = batch.iterator();
        if (!records.hasNext()) {
            return null;
        }
        Record record = records.next();
        ControlRecordType type = ControlRecordType.parse(record.key());
        if (type != ControlRecordType.COMMIT && type != ControlRecordType.ABORT) {
            return null;
        }
        return EndTransactionMarker.deserialize(record);
    }

    private static MutableRecordBatch readBatch(LogSegment segment, int position, int size) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(size);
        segment.readFully(bytes, position);
        return MemoryRecords.readableRecords(bytes).batches().iterator().next();
    }
}
