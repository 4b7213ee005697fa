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
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Sends commands to the Raft leader through a Ratis client and turns replies into results. A
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

    ControllerClient(RaftClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    CompletableFuture<ControllerResult> submit(ControllerCommand command) {
        ByteString payload = ByteString.copyFrom(CommandCodec.encode(command));
        return send(payload, 0)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(unavailable(e, "commit the command")));
    }

    private CompletableFuture<ControllerResult> send(ByteString payload, int staleRetries) {
        return client.async().send(Message.valueOf(payload)).thenCompose(reply -> {
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
            return send(payload, staleRetries + 1);
        });
    }

    /** A read-only query to the leader's state machine (nothing written to the log). */
    CompletableFuture<byte[]> query(byte[] query) {
        return client.async().sendReadOnly(Message.valueOf(ByteString.copyFrom(query))).thenCompose(reply -> {
            if (!reply.isSuccess()) {
                return CompletableFuture.<byte[]>failedFuture(new ControllerUnavailableException(
                        "The metadata quorum refused the query: " + reply.getException(), reply.getException()));
            }
            return CompletableFuture.completedFuture(reply.getMessage().getContent().toByteArray());
        }).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(unavailable(e, "answer the query")));
    }

    /** {@code e} as a ControllerUnavailableException saying the quorum did not do {@code what}. */
    private Throwable unavailable(Throwable e, String what) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ControllerUnavailableException) {
            return cause;
        }
        String why = cause instanceof TimeoutException
                ? "no answer within " + timeout.toMillis() + " ms"
                : cause.toString();
        return new ControllerUnavailableException("The metadata quorum did not " + what + ": " + why, cause);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
