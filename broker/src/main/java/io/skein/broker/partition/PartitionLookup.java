package io.skein.broker.partition;

import org.apache.kafka.common.protocol.Errors;

/**
 * The result of looking a partition up for a client request: the partition when this node leads
 * it, otherwise the error Kafka gives for the situation.
 */
public record PartitionLookup(HostedPartition partition, Errors error) {

    static PartitionLookup found(HostedPartition partition) {
        return new PartitionLookup(partition, Errors.NONE);
    }

    static PartitionLookup failed(Errors error) {
        return new PartitionLookup(null, error);
    }

    public boolean ok() {
        return error == Errors.NONE;
    }
}
