package io.skein.replication.raft;

import io.skein.replication.api.BrokerHeartbeatState;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.metadata.CommandCodec;
import io.skein.replication.metadata.ImageSnapshotCodec;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataCorruptionException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata state machine: compute, then replay.
 *
 * <p>On the leader, {@link #startTransaction} decodes the client's command and lets the
 * {@link ImageLedger} compute records and results against the pending image; the log entry holds
 * the encoded <em>records</em> (never the command) and the image version they were computed
 * against. A fence for a missed session is refused unless this leader saw the session expire
 * itself ({@link BrokerSessions#confirmsExpired}). {@link #applyTransaction} runs on every replica and on restart: it replays the records
 * if the entry is not stale and answers the encoded result (stale flag, log index, items). The
 * leader's result travels in the transaction context; followers answer nobody.
 *
 * <p>Snapshots: {@link #takeSnapshot} (Ratis calls it every {@code metadata.snapshot.trigger.entries}
 * applied entries) writes the committed image as a {@link SnapshotFile} named by the term and index
 * of the last applied entry; Ratis may then purge the log up to it. {@link #initialize} loads the
 * latest snapshot, so a restart replays only the entries after it; {@link #reinitialize} does the
 * same when a follower that fell behind the purged log installed the leader's snapshot.
 *
 * <p>Threading: Ratis calls {@code startTransaction} on request threads, and {@code applyTransaction},
 * {@code takeSnapshot} and {@code reinitialize} on its single state machine updater thread (so a
 * snapshot sees the image exactly at the last applied index), the notifications on its event
 * threads. The ledger locks for itself; {@code storage} is Ratis' and thread-safe;
 * {@code snapshotIndex} is volatile because the quorum reads it for a log line.
 */
final class MetadataStateMachine extends BaseStateMachine {

    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);

    private final int localNodeId;
    private final ImageLedger ledger;
    private final BrokerSessions sessions;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private volatile long snapshotIndex = -1;

    MetadataStateMachine(int localNodeId, ImageLedger ledger, BrokerSessions sessions) {
        this.localNodeId = localNodeId;
        this.ledger = ledger;
        this.sessions = sessions;
    }

    /**
     * Read-only queries, answered by the leader (Ratis sends them there) without touching the log:
     * a broker heartbeat (remembered in {@link BrokerSessions}, answered with the broker's state in
     * the committed image), DescribeQuorum, and the image for broker-only nodes.
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        byte[] query = request.getContent().toByteArray();
        try {
            byte[] answer = switch (QueryCodec.type(query)) {
                case QueryCodec.HEARTBEAT -> heartbeat(QueryCodec.decodeHeartbeat(query));
                case QueryCodec.DESCRIBE_QUORUM -> QueryCodec.encodeQuorumInfo(QuorumDescriber.describe(
                        getServer().get().getDivision(getGroupId()), System.currentTimeMillis()));
                case QueryCodec.IMAGE_AFTER -> imageAfter(QueryCodec.decodeImageAfter(query));
                default -> throw new IllegalArgumentException("unknown query type " + QueryCodec.type(query));
            };
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(answer)));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.failedFuture(e);
        }
    }

    /** For a broker-only node ({@link ImageFollower}): the committed image if it is past {@code offset}. */
    private byte[] imageAfter(long offset) {
        ImageState committed = ledger.committed();
        byte[] snapshot = committed.offset() > offset ? ImageSnapshotCodec.encode(committed) : null;
        return QueryCodec.encodeImageAnswer(new QueryCodec.ImageAnswer(localNodeId, snapshot));
    }

    private byte[] heartbeat(QueryCodec.Heartbeat hb) {
        sessions.heartbeat(hb.brokerId(), hb.incarnationId(), System.nanoTime());
        MetadataImage.BrokerRegistration broker = ledger.image().brokers().get(hb.brokerId());
        BrokerHeartbeatState state;
        if (broker == null || !broker.incarnationId().equals(hb.incarnationId())) {
            state = BrokerHeartbeatState.UNKNOWN;
        } else {
            state = broker.fenced() ? BrokerHeartbeatState.FENCED : BrokerHeartbeatState.ACTIVE;
        }
        return QueryCodec.encodeHeartbeatState(state);
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        loadLatestSnapshot();
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /**
     * Ratis pauses the state machine before a follower installs the leader's snapshot (the leader
     * purged the entries the follower needs) and then calls {@link #reinitialize}; Ratis checks
     * that the life cycle went RUNNING → PAUSED → RUNNING.
     */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        loadLatestSnapshot();
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /** The log index of the snapshot loaded at start or taken last; -1 when there is none. */
    long snapshotIndex() {
        return snapshotIndex;
    }

    private void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            log.info("Node {}: no metadata snapshot; replaying the metadata log from its start", localNodeId);
            return;
        }
        Path file = snapshot.getFile().getPath();
        long started = System.nanoTime();
        ImageState image;
        try {
            image = ImageSnapshotCodec.decode(SnapshotFile.read(file));
        } catch (MetadataCorruptionException e) {
            // Replaying from an older point would need the purged log; refusing to start is safer.
            throw new IOException("Node " + localNodeId + " cannot load the metadata snapshot " + file + ": "
                    + e.getMessage(), e);
        }
        ledger.restore(image);
        setLastAppliedTermIndex(snapshot.getTermIndex());
        snapshotIndex = snapshot.getIndex();
        log.info("Node {} loaded the metadata snapshot at log index {} ({} brokers, {} topics, image version {}) "
                + "in {} ms; replaying the log after it", localNodeId, snapshot.getIndex(), image.brokers().size(),
                image.topics().size(), image.version(), (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        ImageState image = ledger.committed();
        Path file = storage.getSnapshotFile(last.getTerm(), last.getIndex()).toPath();
        SnapshotFile.write(file, ImageSnapshotCodec.encode(image));
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(
                new FileInfo(file, MD5FileUtil.readStoredMd5ForFile(file.toFile())), last));
        snapshotIndex = last.getIndex();
        log.info("Node {} took a metadata snapshot at log index {} ({} brokers, {} topics)", localNodeId,
                last.getIndex(), image.brokers().size(), image.topics().size());
        return last.getIndex();
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) {
        TransactionContext.Builder builder = TransactionContext.newBuilder()
                .setServerRole(RaftPeerRole.LEADER)
                .setStateMachine(this)
                .setClientRequest(request);
        ControllerCommand command;
        try {
            command = CommandCodec.decode(request.getMessage().getContent().toByteArray());
        } catch (RuntimeException e) {
            log.warn("Node {} refused a malformed controller command from client {}: {}", localNodeId,
                    request.getClientId(), e.toString());
            return builder.build().setException(new IOException("malformed controller command", e));
        }
        if (command instanceof ControllerCommand.FenceBroker fence && !fence.controlledShutdown()
                && !sessions.confirmsExpired(fence.brokerId(), fence.incarnationId(), System.nanoTime())) {
            log.info("Node {} refused to fence broker {}: its session has not expired on this node, the active "
                    + "controller (the fence was decided by a controller that has since lost its leadership)",
                    localNodeId, fence.brokerId());
            return builder.build().setException(new IOException("broker " + fence.brokerId()
                    + "'s session has not expired on the active controller, node " + localNodeId));
        }
        ImageLedger.Proposal proposal = ledger.propose(command);
        return builder.setLogData(ByteString.copyFrom(proposal.entry()))
                .setStateMachineContext(proposal.result())
                .build();
    }

    @Override
    public TransactionContext cancelTransaction(TransactionContext trx) {
        ledger.discardPending();
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        ImageLedger.Applied applied;
        try {
            applied = ledger.apply(entry.getStateMachineLogEntry().getLogData().toByteArray(), index);
        } catch (MetadataCorruptionException e) {
            // Skipping the entry would let this replica diverge; stop applying instead.
            log.error("Node {} cannot apply metadata log entry {}: {}", localNodeId, index, e.getMessage());
            throw e;
        }
        updateLastAppliedTermIndex(entry.getTerm(), index);
        if (applied.stale()) {
            log.debug("Node {}: metadata log entry {} was computed against an outdated image; answered stale",
                    localNodeId, index);
        }
        ControllerResult result = trx.getStateMachineContext() instanceof ControllerResult r
                ? new ControllerResult(index, r.items(), r.producerIdStart())
                : new ControllerResult(index, List.of(), -1);
        return CompletableFuture.completedFuture(
                Message.valueOf(ByteString.copyFrom(CommandCodec.encodeReply(applied.stale(), result))));
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        int leader = nodeIdOf(newLeaderId);
        sessions.leaderChanged(leader == localNodeId, System.nanoTime());
        if (ledger.leaderChanged(leader)) {
            if (leader == -1) {
                log.info("Node {}: metadata quorum has no leader", localNodeId);
            } else {
                log.info("Node {}: metadata quorum leader is now node {}{}", localNodeId, leader,
                        leader == localNodeId ? " (this node)" : "");
            }
        }
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        // Ratis names no new leader when a leader steps down for want of a majority (a cut-off
        // leader); without this its fencing timer would go on finding every session expired.
        sessions.leaderChanged(false, System.nanoTime());
        ledger.discardPending();
    }

    private static int nodeIdOf(RaftPeerId peer) {
        if (peer == null || peer.toString().isEmpty()) {
            return -1;
        }
        try {
            return Integer.parseInt(peer.toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
