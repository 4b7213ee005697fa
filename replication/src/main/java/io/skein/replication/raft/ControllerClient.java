package io.skein.replication.raft;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.ControllerUnavailableException;
import io.skein.replication.metadata.CommandCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Sends commands to the Raft leader through a Ratis client (or, for the active controller's own
 * decisions, straight to its local Raft server) and turns replies into results. A
 * stale reply (the leader computed the command against an image that a concurrent entry changed
 * first) is resent transparently, at most {@value #MAX_STALE_RETRIES} times. Everything is
 * bounded by the request timeout; past it, or on any refusal, the future fails with
 * {@link ControllerUnavailableException}. A timed-out command may still be applied later, like a
 * Kafka request that timed out.
 *
 * <p>Threading: thread-safe; the Ratis client is. Futures complete on Ratis client threads or
 * the JDK's timeout thread.
 */
final class ControllerClient implements AutoCloseable {

    static final int MAX_STALE_RETRIES = 20;

    private final RaftClient client;
    private final Duration timeout;
    private final ClientId localClientId = ClientId.randomId();
    private final AtomicLong localCallIds = new AtomicLong();

    ControllerClient(RaftClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    CompletableFuture<ControllerResult> submit(ControllerCommand command) {
        return submit(command, message -> client.async().send(message));
    }

    /**
     * As {@link #submit}, but straight to {@code server}, this node's own Raft server, for what only
     * the active controller decides (its timers' fences and elections). No detour through the
     * leader the client last talked to, which after a controller change may be a silent former
     * one that costs seconds to give up on; refused (not leader) once this node no longer leads.
     */
    CompletableFuture<ControllerResult> submitLocally(ControllerCommand command, RaftServer server) {
        return submit(command, message -> {
            RaftClientRequest request = RaftClientRequest.newBuilder()
                    .setClientId(localClientId)
                    .setServerId(server.getId())
                    .setGroupId(RatisConfig.GROUP_ID)
                    .setCallId(localCallIds.incrementAndGet())
                    .setMessage(message)
                    .setType(RaftClientRequest.writeRequestType())
                    .build();
            try {
                return server.submitClientRequestAsync(request);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        });
    }

    private CompletableFuture<ControllerResult> submit(ControllerCommand command,
                                                       Function<Message, CompletableFuture<RaftClientReply>> transport) {
        Message message = Message.valueOf(ByteString.copyFrom(CommandCodec.encode(command)));
        return send(message, transport, 0)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(unavailable(e, "commit the command", timeout)));
    }

    private CompletableFuture<ControllerResult> send(Message message,
                                                     Function<Message, CompletableFuture<RaftClientReply>> transport,
                                                     int staleRetries) {
        return transport.apply(message).thenCompose(reply -> {
            if (!reply.isSuccess()) {
                return CompletableFuture.failedFuture(new ControllerUnavailableException(
                        "The metadata quorum refused the command: " + reply.getException(), reply.getException()));
            }
            CommandCodec.Reply decoded = CommandCodec.decodeReply(reply.getMessage().getContent().toByteArray());
            if (!decoded.stale()) {
                return CompletableFuture.completedFuture(decoded.result());
            }
            if (staleRetries >= MAX_STALE_RETRIES) {
                return CompletableFuture.failedFuture(new ControllerUnavailableException("The command conflicted with "
                        + "concurrent metadata changes " + (MAX_STALE_RETRIES + 1) + " times", null));
            }
            return send(message, transport, staleRetries + 1);
        });
    }

    /** A read-only query to the leader's state machine (nothing written to the log). */
    CompletableFuture<byte[]> query(byte[] query) {
        return query(query, null, timeout);
    }

    /**
     * A read-only query sent first to {@code leaderHint} (the leader this node's own Raft server
     * follows) rather than the leader the client last talked to, or as {@link #query(byte[])} when null.
     * Unordered: an ordered request aimed at one server holds back the client's later ordered
     * requests (its sliding window), and a heartbeat needs no order. Bounded by {@code within}.
     */
    CompletableFuture<byte[]> query(byte[] query, RaftPeerId leaderHint, Duration within) {
        Message message = Message.valueOf(ByteString.copyFrom(query));
        CompletableFuture<RaftClientReply> sent = leaderHint == null
                ? client.async().sendReadOnly(message)
                : client.async().sendReadOnlyUnordered(message, leaderHint);
        return sent.thenCompose(reply -> {
            if (!reply.isSuccess()) {
                return CompletableFuture.<byte[]>failedFuture(new ControllerUnavailableException(
                        "The metadata quorum refused the query: " + reply.getException(), reply.getException()));
            }
            return CompletableFuture.completedFuture(reply.getMessage().getContent().toByteArray());
        }).orTimeout(within.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(unavailable(e, "answer the query", within)));
    }

    /** {@code e} as a ControllerUnavailableException saying the quorum did not do {@code what} within {@code limit}. */
    private static Throwable unavailable(Throwable e, String what, Duration limit) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ControllerUnavailableException) {
            return cause;
        }
        String why = cause instanceof TimeoutException
                ? "no answer within " + limit.toMillis() + " ms"
                : cause.toString();
        return new ControllerUnavailableException("The metadata quorum did not " + what + ": " + why, cause);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
