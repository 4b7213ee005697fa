package io.skein.replication.api;

import java.util.concurrent.CompletableFuture;

/**
 * This node's view of the Raft metadata quorum: it submits controller commands to the active
 * controller (the Raft leader) and keeps the {@link MetadataImage} built by replaying the
 * committed metadata log.
 *
 * <p>A single node is a one-voter quorum: the same code path as three voters.
 *
 * <p>Threading: any thread may submit commands and read {@link #image()}. Listeners run on the
 * quorum's apply thread, one image at a time, in log order; they must not block for long.
 */
public interface MetadataQuorum extends AutoCloseable {

    /**
     * Starts this node's Raft server (when it is a voter) and its client. Returns once the server
     * is running; leadership and catch-up happen asynchronously (see {@link #awaitReady}).
     */
    void start() throws java.io.IOException;

    /**
     * Completes once a leader is known and this node's image has replayed everything committed
     * before the call (a barrier write through the log).
     */
    CompletableFuture<MetadataImage> awaitReady();

    /**
     * Sends a command to the active controller. The controller validates it against the latest
     * metadata, writes the resulting records to the Raft log and answers once they are committed
     * and applied on the controller. The future completes exceptionally with
     * {@link ControllerUnavailableException} when no quorum answers within the request timeout.
     */
    CompletableFuture<ControllerResult> submit(ControllerCommand command);

    /** Completes when this node's image has applied the log up to {@code offset} (inclusive). */
    CompletableFuture<MetadataImage> awaitApplied(long offset);

    /** The latest image this node applied. Never null (empty before anything was applied). */
    MetadataImage image();

    /**
     * Tells the active controller this broker is alive (it remembers the time; nothing is written
     * to the log) and answers whether the broker is registered and unfenced. Sent to the leader this
     * node's Raft server follows if it is a voter, and given up after
     * {@code controller.quorum.request.timeout.ms} (one attempt's timeout): a heartbeat lost to a
     * silent old leader is better replaced by the next one than retried.
     */
    CompletableFuture<BrokerHeartbeatState> heartbeat(int brokerId, org.apache.kafka.common.Uuid incarnationId);

    /** The quorum's state as its leader sees it (DescribeQuorum). */
    CompletableFuture<QuorumInfo> describeQuorum();

    /** Registers a listener called with every new image after it is published. */
    void addListener(MetadataListener listener);

    /** Creates the Apache Ratis implementation (not started). */
    static MetadataQuorum create(QuorumSettings settings) {
        return new io.skein.replication.raft.RatisMetadataQuorum(settings);
    }

    /** Stops the Raft server and client. */
    @Override
    void close();
}
