package io.skein.replication.raft;

import io.skein.replication.api.QuorumSettings;
import io.skein.replication.api.QuorumTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;

/**
 * How Skein's settings map onto Ratis: one Raft group whose id every node derives from the same
 * fixed string, peer ids that are node ids as strings, and the server and client properties.
 *
 * <p>Ratis defaults kept on purpose: log segments of 32 MiB, a log entry is acknowledged only
 * after fsync. Changed: the election timeout, from Ratis' 150-300 ms to Kafka's
 * {@code controller.quorum.election.timeout.ms} and twice it (Ratis' own made leaders step down
 * and elections repeat whenever a busy machine delayed a heartbeat by half a second), the client's
 * attempt timeout ({@code controller.quorum.request.timeout.ms}), no shutdown after a long JVM
 * pause, the storage directory, the gRPC bind address,
 * a snapshot every {@code snapshotEntries} applied entries (two snapshot files kept), and purging
 * of the log segments a snapshot covers (Ratis keeps the open segment and purges closed ones in
 * steps of at least {@code snapshotEntries} entries), and TLS when the controller listener uses it.
 *
 * <p>Stateless.
 */
final class RatisConfig {

    /** The same on every node, so voters started independently form one group. */
    static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.nameUUIDFromBytes("skein-metadata-quorum".getBytes(StandardCharsets.UTF_8)));

    private RatisConfig() {
    }

    static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(Integer.toString(nodeId));
    }

    static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    static RaftGroup group(Map<Integer, InetSocketAddress> voters) {
        List<RaftPeer> peers = new ArrayList<>();
        voters.forEach((id, address) -> peers.add(RaftPeer.newBuilder()
                .setId(peerId(id))
                .setAddress(hostPort(address))
                .build()));
        return RaftGroup.valueOf(GROUP_ID, peers);
    }

    static RaftProperties clientProperties(QuorumSettings settings) {
        RaftProperties properties = new RaftProperties();
        // One attempt at one voter; a dead or cut-off voter costs at most this before the client
        // tries the next. The request timeout bounds all attempts together.
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(
                Math.min(settings.raftTimeouts().request().toMillis(), settings.requestTimeout().toMillis()),
                TimeUnit.MILLISECONDS));
        return properties;
    }

    static RaftProperties serverProperties(QuorumSettings settings) {
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(settings.storageDir().toFile()));
        long election = settings.raftTimeouts().election().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2 * election, TimeUnit.MILLISECONDS));
        // Ratis closes its server for good after a JVM pause over a minute (GC, a suspended VM,
        // SIGSTOP), leaving the broker without its quorum member; after any pause it should just
        // step down and rejoin as a follower, which it does below this threshold.
        RaftServerConfigKeys.setCloseThreshold(properties, TimeDuration.valueOf(365, TimeUnit.DAYS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, settings.snapshotEntries());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.min(Integer.MAX_VALUE, settings.snapshotEntries()));
        GrpcConfigKeys.Server.setHost(properties, settings.controllerAddress().getHostString());
        GrpcConfigKeys.Server.setPort(properties, settings.controllerAddress().getPort());
        return properties;
    }

    /**
     * The gRPC transport's parameters: with {@link QuorumSettings#tls} set, every Raft port (peer,
     * client and admin services share the one controller port) serves TLS and requires a client
     * certificate, and every outgoing connection presents this node's certificate.
     */
    static Parameters parameters(QuorumSettings settings) {
        Parameters parameters = new Parameters();
        QuorumTls tls = settings.tls();
        if (tls != null) {
            GrpcTlsConfig conf = new GrpcTlsConfig(tls.keyManager(), tls.trustManager(), true);
            GrpcConfigKeys.TLS.setConf(parameters, conf);
            GrpcConfigKeys.Server.setTlsConf(parameters, conf);
            GrpcConfigKeys.Client.setTlsConf(parameters, conf);
            GrpcConfigKeys.Admin.setTlsConf(parameters, conf);
        }
        return parameters;
    }

    /** RECOVER when this group's directory holds a Raft log, FORMAT for a fresh node. */
    static RaftStorage.StartupOption startupOption(Path storageDir) throws IOException {
        Path groupDir = storageDir.resolve(GROUP_ID.getUuid().toString());
        if (!Files.isDirectory(groupDir)) {
            return RaftStorage.StartupOption.FORMAT;
        }
        try (Stream<Path> children = Files.list(groupDir)) {
            return children.findAny().isPresent() ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT;
        }
    }
}
