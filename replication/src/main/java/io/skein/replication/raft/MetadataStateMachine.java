package io.skein.replication.raft;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.controller.Controller;
import io.skein.replication.controller.Outcome;
import io.skein.replication.metadata.CommandCodec;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.RecordCodec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
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
 * <p>On the leader, {@link #startTransaction} decodes a command, lets the {@link Controller}
 * compute records and results against the <em>pending</em> image (the committed image plus the
 * records of entries started but not yet applied), and writes the records — not the command —
 * into the log entry together with the image version they were computed against.
 * {@link #applyTransaction} replays an entry's records only if that version still equals the
 * committed image's version (Ratis does not promise that concurrently started transactions are
 * appended in the order they were computed); otherwise it applies nothing and answers "stale", and
 * the client retries. Replay is therefore the only mutator, identical on leader, followers and
 * restart.
 *
 * <p>Threading: startTransaction runs on Ratis request threads, applyTransaction on Ratis's
 * single state-machine updater thread, leader notifications on Ratis threads; all image fields are
 * guarded by this object's monitor, and {@code published} is volatile for lock-free readers.
 */
final class MetadataStateMachine extends BaseStateMachine {

    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);

    private final Controller controller;
    private final int localNodeId;
    private final BiConsumer<ImageState, ImageState> publisher;
    private ImageState committed = ImageState.empty();
    private ImageState pending;
    private int leaderId = -1;
    private volatile ImageState published = ImageState.empty();

    /**
     * @param publisher told (previous, current) after every image change, on the apply thread
     */
    MetadataStateMachine(Controller controller, int localNodeId, BiConsumer<ImageState, ImageState> publisher) {
        this.controller = controller;
        this.localNodeId = localNodeId;
        this.publisher = publisher;
    }

    ImageState image() {
        return published;
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) {
        ControllerCommand command = CommandCodec.decode(request.getMessage().getContent().toByteArray());
        byte[] entry;
        ControllerResult result;
        synchronized (this) {
            ImageState base = pending != null ? pending : committed;
            Outcome outcome = controller.compute(command, base);
            entry = RecordCodec.encode(base.version(), outcome.records());
            if (!outcome.records().isEmpty()) {
                pending = base.replay(outcome.records(), base.offset());
            }
            result = new ControllerResult(-1, outcome.items(), outcome.producerIdStart());
        }
        return TransactionContext.newBuilder()
                .setStateMachine(this)
                .setClientRequest(request)
                .setLogData(ByteString.copyFrom(entry))
                .setStateMachineContext(result)
                .build();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        RecordCodec.Entry decoded = RecordCodec.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
        boolean stale;
        ImageState previous;
        ImageState current;
        synchronized (this) {
            previous = committed;
            stale = !decoded.records().isEmpty() && decoded.basedOn() != committed.version();
            if (stale || decoded.records().isEmpty()) {
                committed = committed.atOffset(index);
            } else {
                committed = committed.replay(decoded.records(), index);
            }
            if (stale || (pending != null && pending.version() <= committed.version())) {
                pending = null;
            }
            current = committed.withController(leaderId);
            published = current;
            updateLastAppliedTermIndex(entry.getTerm(), index);
        }
        if (stale) {
            log.debug("Metadata entry {} was computed against image version {} but the image is at {}; answering stale",
                    index, decoded.basedOn(), previous.version());
        }
        publisher.accept(previous, current);
        Object context = trx.getStateMachineContext();
        ControllerResult result = context instanceof ControllerResult r
                ? new ControllerResult(index, r.items(), r.producerIdStart())
                : new ControllerResult(index, List.of(), -1);
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(
                CommandCodec.encodeReply(stale, result))));
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        ImageState previous;
        ImageState current;
        synchronized (this) {
            int newLeader = newLeaderId == null ? -1 : Integer.parseInt(newLeaderId.toString());
            if (newLeader == leaderId) {
                return;
            }
            leaderId = newLeader;
            pending = null;
            previous = published;
            current = committed.withController(leaderId);
            published = current;
        }
        log.info("Metadata quorum leader is now node {}{}", leaderId, leaderId == localNodeId ? " (this node)" : "");
        publisher.accept(previous, current);
    }
}
