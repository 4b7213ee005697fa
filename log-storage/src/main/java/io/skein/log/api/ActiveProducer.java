package io.skein.log.api;

/**
 * One producer a partition remembers, as DescribeProducers reports it.
 *
 * @param lastSequence the last sequence it appended, -1 if none is remembered
 * @param lastTimestamp the max timestamp of its last batch, -1 if none
 * @param coordinatorEpoch the coordinator epoch of its last transaction marker, -1 if none
 * @param currentTxnStartOffset the first offset of its open transaction, -1 if none is open
 */
public record ActiveProducer(long producerId, short producerEpoch, int lastSequence, long lastTimestamp,
                             int coordinatorEpoch, long currentTxnStartOffset) {
}
