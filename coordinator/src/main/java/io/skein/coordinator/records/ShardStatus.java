package io.skein.coordinator.records;

import org.apache.kafka.common.protocol.Errors;

/** Where a coordinator shard (one internal-topic partition this node leads) is in its life. */
public enum ShardStatus {
    /** Replaying its partition; requests are told to retry. */
    LOADING,
    /** Serving requests. */
    ACTIVE,
    /** Leadership moved away; requests are told to find the new coordinator. */
    CLOSED;

    /** NONE when the shard serves requests, otherwise the error a client should retry on. */
    public Errors availability() {
        return switch (this) {
            case ACTIVE -> Errors.NONE;
            case LOADING -> Errors.COORDINATOR_LOAD_IN_PROGRESS;
            case CLOSED -> Errors.NOT_COORDINATOR;
        };
    }
}
