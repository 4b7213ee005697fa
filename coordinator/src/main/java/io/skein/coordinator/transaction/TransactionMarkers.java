package io.skein.coordinator.transaction;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Writes a transaction's COMMIT or ABORT markers (control batches) to every partition in it, on
 * this node or through WriteTxnMarkers to the partitions' leaders. Completes with NONE once every
 * marker is in its partition's log, or with the first error (the coordinator retries).
 */
public interface TransactionMarkers {

    CompletableFuture<Errors> write(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                                    Collection<TopicPartition> partitions);
}
