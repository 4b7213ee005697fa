package io.skein.coordinator.api;

import io.skein.log.api.PartitionLog;

/**
 * A coordinator whose state is sharded over the partitions of one internal topic
 * ({@code __consumer_offsets} for groups, {@code __transaction_state} for transactions): it serves
 * the keys of a partition while this node leads that partition.
 *
 * <p>Threading: all three methods are called by one thread (the metadata publisher), in image
 * order; implementations hand loading off to their own threads.
 */
public interface ShardedCoordinator {

    /** The number of partitions of the internal topic, or -1 while the topic does not exist. */
    void partitionCount(int count);

    /** This node now leads {@code partition} at {@code leaderEpoch}: load it and serve its keys. */
    void onElected(int partition, PartitionLog log, int leaderEpoch);

    /** This node no longer leads {@code partition}: stop serving its keys. */
    void onResigned(int partition);
}
