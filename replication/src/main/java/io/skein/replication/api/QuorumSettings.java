package io.skein.replication.api;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How this node takes part in the metadata quorum.
 *
 * @param nodeId {@code node.id}
 * @param voters {@code controller.quorum.voters}: voter id → controller address
 * @param controllerAddress the address this node's Raft server binds (its CONTROLLER listener), or
 *     null when this node is not a voter
 * @param storageDir where the Raft log and snapshots live ({@code metadata.log.dir}, default the
 *     first of {@code log.dirs} plus {@code __cluster_metadata-0})
 * @param requestTimeout how long a submitted command may wait for the quorum
 * @param controller the controller's defaults
 * @param snapshotEntries the state machine snapshots its image every this many applied log entries
 *     ({@code metadata.snapshot.trigger.entries}); the log before a snapshot may then be purged
 * @param brokerSessionTimeout the active controller fences a broker that has not heartbeated for
 *     this long ({@code broker.session.timeout.ms})
 * @param tls TLS for the Raft traffic, or null for plaintext (a PLAINTEXT or SASL_PLAINTEXT
 *     controller listener)
 * @param raftTimeouts how quickly the quorum gives up on a silent peer
 */
public record QuorumSettings(
        int nodeId,
        Map<Integer, InetSocketAddress> voters,
        InetSocketAddress controllerAddress,
        Path storageDir,
        Duration requestTimeout,
        ControllerSettings controller,
        long snapshotEntries,
        Duration brokerSessionTimeout,
        QuorumTls tls,
        RaftTimeouts raftTimeouts) {

    /**
     * @param election {@code controller.quorum.election.timeout.ms}: a voter that hears nothing from
     *     a leader for a random time between this and twice this starts an election, and a leader
     *     that hears from no majority for twice this steps down
     * @param request {@code controller.quorum.request.timeout.ms}: one attempt of one request at one
     *     voter (a broker heartbeat gets one such attempt, a command as many as fit in
     *     {@code requestTimeout})
     */
    public record RaftTimeouts(Duration election, Duration request) {

        /** Apache Kafka's defaults. */
        public static final RaftTimeouts DEFAULTS = new RaftTimeouts(Duration.ofMillis(1000), Duration.ofMillis(2000));
    }

    /**
     * Defaults the controller applies to commands.
     *
     * @param defaultPartitions {@code num.partitions}
     * @param defaultReplicationFactor {@code default.replication.factor}
     * @param brokerConfig the broker's {@code server.properties} (used to resolve topic config defaults)
     */
    public record ControllerSettings(int defaultPartitions, short defaultReplicationFactor,
                                     Map<String, String> brokerConfig) {
    }
}
