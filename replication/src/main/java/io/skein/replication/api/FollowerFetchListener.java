package io.skein.replication.api;

import org.apache.kafka.common.TopicPartition;

/** Told by the broker's fetch handler about each partition a follower fetched from this leader without error. */
@FunctionalInterface
public interface FollowerFetchListener {

    /** Follower {@code replicaId} fetched {@code tp} from {@code fetchOffset}, its log end offset. */
    void onFollowerFetch(TopicPartition tp, int replicaId, long fetchOffset);
}
