package io.skein.replication.raft;

import io.skein.replication.api.BrokerHeartbeatState;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.ControllerUnavailableException;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataListener;
import io.skein.replication.api.MetadataQuorum;
import io.skein.replication.api.QuorumInfo;
import io.skein.replication.api.QuorumSettings;
import io.skein.replication.controller.Controller;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata quorum on Apache Ratis with the gRPC transport. A voter runs a Raft server with
 * the {@link MetadataStateMachine} on its controller address; every node has a client that sends
 * commands to whichever voter leads.
 *
 * <pre>
 *   NEW --start()--> RUNNING --close()--> CLOSED
 *    \___________________close()_________/^
 * </pre>
 *
 * <p>Threading: {@link #start} and {@link #close} are synchronized with each other; {@code state},
 * {@code server} and {@code client} are volatile because any thread may submit or wait. Images are
 * made on Ratis threads (see {@link ImageLedger}) and delivered to listeners on the publisher's
 * thread (see {@link ImagePublisher}).
 */
public final class RatisMetadataQuorum implements MetadataQuorum {

    private static final Logger log = LoggerFactory.getLogger(RatisMetadataQuorum.class);
    private static final long CLIENT_RETRY_SLEEP_MS = 100;

    private enum State {
        NEW, RUNNING, CLOSED;

        Set<State> legalPrevious() {
            return switch (this) {
                case NEW -> Set.of();
                case RUNNING -> Set.of(NEW);
                case CLOSED -> Set.of(NEW, RUNNING);
            };
        }
    }

    private final QuorumSettings settings;
    private final ImagePublisher publisher;
    private final ImageLedger ledger;
    private final BrokerSessions sessions;
    private volatile FencingTimer fencingTimer;
    private volatile LeaderRebalanceTimer rebalanceTimer;
    private volatile ImageFollower follower;
    private volatile State state = State.NEW;
    private volatile RaftServer server;
    private volatile MetadataStateMachine stateMachine;
    private volatile ControllerClient client;

    public RatisMetadataQuorum(QuorumSettings settings) {
        this.settings = settings;
        this.publisher = new ImagePublisher(settings.nodeId());
        this.ledger = new ImageLedger(new Controller(settings.controller(), new SecureRandom()), publisher::publish);
        this.sessions = new BrokerSessions(settings.brokerSessionTimeout().toMillis());
    }

    private boolean isVoter() {
        return settings.controllerAddress() != null;
    }

    @Override
    public synchronized void start() throws IOException {
        transitionTo(State.RUNNING);
        RaftGroup group = RatisConfig.group(settings.voters());
        try {
            if (isVoter()) {
                startServer(group);
            }
            client = newClient(group);
            if (!isVoter()) {
                follower = new ImageFollower(settings.nodeId(), client, ledger);
                follower.start();
            }
            if (isVoter()) {
                fencingTimer = new FencingTimer(settings.nodeId(), sessions, ledger::image, this::submitAsLeader,
                        System::nanoTime);
                fencingTimer.start();
                rebalanceTimer = new LeaderRebalanceTimer(settings.nodeId(),
                        LeaderRebalanceSettings.from(settings.controller().brokerConfig()), ledger::image,
                        this::submitAsLeader);
                rebalanceTimer.start();
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        log.info("Node {} joined the metadata quorum as a {} (voters {}, {})", settings.nodeId(),
                isVoter() ? "voter on " + RatisConfig.hostPort(settings.controllerAddress())
                        : "broker-only node following the leader's image", settings.voters().keySet(),
                settings.tls() == null ? "Raft traffic in plaintext"
                        : "Raft traffic over mutually authenticated TLS with the " + settings.tls().listenerName()
                                + " listener's keystore and truststore");
    }

    private void startServer(RaftGroup group) throws IOException {
        if (!settings.voters().containsKey(settings.nodeId())) {
            throw new IllegalArgumentException("node " + settings.nodeId() + " has a controller address but is not "
                    + "among the voters " + settings.voters().keySet());
        }
        Files.createDirectories(settings.storageDir());
        stateMachine = new MetadataStateMachine(settings.nodeId(), ledger, sessions);
        server = RaftServer.newBuilder()
                .setServerId(RatisConfig.peerId(settings.nodeId()))
                .setGroup(group)
                .setProperties(RatisConfig.serverProperties(settings))
                .setParameters(RatisConfig.parameters(settings))
                .setStateMachine(stateMachine)
                .setOption(RatisConfig.startupOption(settings.storageDir()))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new IOException("Node " + settings.nodeId() + " cannot start its metadata quorum server on "
                    + RatisConfig.hostPort(settings.controllerAddress()) + " with storage " + settings.storageDir() + ": " + rootMessage(e), e);
        }
    }

    private ControllerClient newClient(RaftGroup group) {
        RaftProperties properties = RatisConfig.clientProperties(settings);
        ClientId clientId = ClientId.randomId();
        int attempts = (int) Math.max(1, settings.requestTimeout().toMillis() / CLIENT_RETRY_SLEEP_MS);
        RaftClient raftClient = RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(group)
                .setClientId(clientId)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts,
                        TimeDuration.valueOf(CLIENT_RETRY_SLEEP_MS, TimeUnit.MILLISECONDS)))
                .setClientRpc(new GrpcFactory(RatisConfig.parameters(settings)).newRaftClientRpc(clientId, properties))
                .build();
        return new ControllerClient(raftClient, settings.requestTimeout());
    }

    @Override
    public CompletableFuture<MetadataImage> awaitReady() {
        CompletableFuture<MetadataImage> ready = new CompletableFuture<>();
        barrier(ready, 1);
        return ready;
    }

    /** Writes a barrier through the log and waits for it locally; retries while no quorum answers. */
    private void barrier(CompletableFuture<MetadataImage> ready, int attempt) {
        submit(new ControllerCommand.Barrier())
                .thenCompose(result -> awaitApplied(result.offset()))
                .whenComplete((image, e) -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (e == null) {
                        MetadataStateMachine sm = stateMachine;
                        long snapshot = sm == null ? -1 : sm.snapshotIndex();
                        log.info("Node {} caught up with the metadata log at offset {}: {} entries replayed since start{}",
                                settings.nodeId(), image.offset(), ledger.appliedEntries(),
                                snapshot < 0 ? " (no snapshot)" : " after the snapshot at index " + snapshot);
                        ready.complete(image);
                    } else if (cause instanceof ControllerUnavailableException && state == State.RUNNING
                            && !ready.isDone()) {
                        log.warn("Node {} is still waiting for the metadata quorum (attempt {}): {}", settings.nodeId(),
                                attempt, cause.getMessage());
                        barrier(ready, attempt + 1);
                    } else {
                        ready.completeExceptionally(cause);
                    }
                });
    }

    @Override
    public CompletableFuture<ControllerResult> submit(ControllerCommand command) {
        return withClient(c -> c.submit(command));
    }

    /** A command only the active controller makes, to this voter's own Raft server (see {@link ControllerClient#submitLocally}). */
    private CompletableFuture<ControllerResult> submitAsLeader(ControllerCommand command) {
        RaftServer s = server;
        return withClient(c -> s == null
                ? CompletableFuture.failedFuture(new ControllerUnavailableException("node " + settings.nodeId()
                        + " is not a voter", null))
                : c.submitLocally(command, s));
    }

    @Override
    public CompletableFuture<BrokerHeartbeatState> heartbeat(int brokerId, Uuid incarnationId) {
        RaftPeerId leader = localLeader();
        return withClient(c -> c.query(QueryCodec.heartbeat(brokerId, incarnationId), leader,
                        settings.raftTimeouts().request())
                .thenApply(QueryCodec::decodeHeartbeatState));
    }

    /**
     * The leader this voter's own Raft server follows, or null (a broker-only node, or no leader
     * known). Heartbeats go there directly: when the old leader falls silent, the Raft client
     * would keep trying it for several seconds, while the server learns the new leader within an
     * election, and the new leader counts every session from its election on.
     */
    private RaftPeerId localLeader() {
        RaftServer s = server;
        if (s == null) {
            return null;
        }
        try {
            return s.getDivision(RatisConfig.GROUP_ID).getInfo().getLeaderId();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public CompletableFuture<QuorumInfo> describeQuorum() {
        return withClient(c -> c.query(QueryCodec.describeQuorum()).thenApply(QueryCodec::decodeQuorumInfo));
    }

    /** {@code call} with the client while RUNNING; before start or after close, fails as unavailable. */
    private <T> CompletableFuture<T> withClient(Function<ControllerClient, CompletableFuture<T>> call) {
        ControllerClient c = client;
        if (state != State.RUNNING || c == null) {
            return CompletableFuture.failedFuture(new ControllerUnavailableException(
                    "The metadata quorum of node " + settings.nodeId() + " is " + state, null));
        }
        return call.apply(c);
    }

    @Override
    public CompletableFuture<MetadataImage> awaitApplied(long offset) {
        return publisher.awaitApplied(offset);
    }

    @Override
    public MetadataImage image() {
        return ledger.image();
    }

    @Override
    public void addListener(MetadataListener listener) {
        publisher.addListener(listener);
    }

    /** The log index of the snapshot loaded at start or taken last; -1 when none (tests, log lines). */
    long snapshotIndex() {
        MetadataStateMachine sm = stateMachine;
        return sm == null ? -1 : sm.snapshotIndex();
    }

    /** Metadata log entries applied since this quorum started (after the loaded snapshot, if any). */
    long replayedEntries() {
        return ledger.appliedEntries();
    }

    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        transitionTo(State.CLOSED);
        FencingTimer timer = fencingTimer;
        if (timer != null) {
            timer.close();
        }
        LeaderRebalanceTimer rebalance = rebalanceTimer;
        if (rebalance != null) {
            rebalance.close();
        }
        ImageFollower f = follower;
        if (f != null) {
            f.close();
        }
        ControllerClient c = client;
        RaftServer s = server;
        client = null;
        server = null;
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Node {}: closing the metadata quorum client failed: {}", settings.nodeId(), e.toString());
        }
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Node {}: closing the metadata quorum server failed: {}", settings.nodeId(), e.toString());
        }
        publisher.close();
    }

    private void transitionTo(State next) {
        State previous = state;
        if (!next.legalPrevious().contains(previous)) {
            throw new IllegalStateException("metadata quorum of node " + settings.nodeId() + " cannot go from "
                    + previous + " to " + next);
        }
        state = next;
        log.debug("Node {} metadata quorum {} -> {}", settings.nodeId(), previous, next);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
