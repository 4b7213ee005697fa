package io.skein.replication.raft;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.metadata.CommandCodec;
import io.skein.replication.metadata.MetadataCorruptionException;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata state machine: compute, then replay.
 *
 * <p>On the leader, {@link #startTransaction} decodes the client's command and lets the
 * {@link ImageLedger} compute records and results against the pending image; the log entry holds
 * the encoded <em>records</em> (never the command) and the image version they were computed
 * against. {@link #applyTransaction} runs on every replica and on restart: it replays the records
 * if the entry is not stale and answers the encoded result (stale flag, log index, items). The
 * leader's result travels in the transaction context; followers answer nobody.
 *
 * <p>Snapshots come later: nothing is snapshotted and Ratis never purges the log, so a restart
 * replays the whole log from index 0. The seam is {@code takeSnapshot}/{@code initialize} here plus
 * an image codec in {@code metadata}.
 *
 * <p>Threading: Ratis calls {@code startTransaction} on request threads, {@code applyTransaction}
 * on its single apply thread, the notifications on its event threads. The only state is the
 * ledger, which locks for itself; {@code localNodeId} is final.
 */
final class MetadataStateMachine extends BaseStateMachine {

    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);

    private final int localNodeId;
    private final ImageLedger ledger;

    MetadataStateMachine(int localNodeId, ImageLedger ledger) {
        this.localNodeId = localNodeId;
        this.ledger = ledger;
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
