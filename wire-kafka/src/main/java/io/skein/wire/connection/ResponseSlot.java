package io.skein.wire.connection;

import io.netty.util.AbstractReferenceCounted;
import io.skein.wire.codec.DecodedRequest;
import io.skein.wire.codec.RecordsReleaser;
import java.util.Set;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * One request's place in its connection's response order, and then its outcome. The
 * {@link InOrderResponseWriter} creates a slot per request in request order and passes it to the
 * dispatcher; the dispatcher fills in the outcome once and writes the slot back down the pipeline
 * on the event loop, where the writer sends it when every earlier slot has gone.
 *
 * <p>A slot owns the request frame (produce records point into it) and, until encoded, the file
 * records of its response. Its single reference is released exactly once by whoever drops it —
 * the writer after sending, or Netty when the channel is gone — which releases the frame and any
 * file records not yet handed to the encoder.
 *
 * <p>Threading: created on the event loop. The outcome is set once by a handler or completion
 * thread before the slot is handed to the event loop (the event loop's task queue publishes it);
 * {@code arrived} and {@code bodyTaken} are event-loop only.
 */
public final class ResponseSlot extends AbstractReferenceCounted {

    /** What to do when the slot's turn comes. */
    public enum Outcome {
        /** No outcome yet: the handler is still running. */
        PENDING,
        /** Send {@code body}. */
        RESPONSE,
        /** Send nothing (Produce with acks=0). */
        NO_RESPONSE,
        /** Send nothing and close the connection after the earlier responses. */
        CLOSE,
        /** Send {@code body}, then close the connection once it is flushed. */
        RESPONSE_THEN_CLOSE
    }

    private final DecodedRequest request;
    private Outcome outcome = Outcome.PENDING;
    private ApiMessage body;
    private short version;
    private short headerVersion;
    private boolean arrived;
    private boolean bodyTaken;

    ResponseSlot(DecodedRequest request) {
        this.request = request;
    }

    public DecodedRequest request() {
        return request;
    }

    public void respond(ApiMessage body, short version, short headerVersion) {
        decide(Outcome.RESPONSE);
        this.body = body;
        this.version = version;
        this.headerVersion = headerVersion;
    }

    public void respondThenClose(ApiMessage body, short version, short headerVersion) {
        decide(Outcome.RESPONSE_THEN_CLOSE);
        this.body = body;
        this.version = version;
        this.headerVersion = headerVersion;
    }

    public void respondWithNothing() {
        decide(Outcome.NO_RESPONSE);
    }

    public void closeConnection() {
        decide(Outcome.CLOSE);
    }

    private void decide(Outcome next) {
        if (outcome != Outcome.PENDING) {
            throw new IllegalStateException("response already decided: " + outcome + ", then " + next);
        }
        outcome = next;
    }

    Outcome outcome() {
        return outcome;
    }

    short version() {
        return version;
    }

    short headerVersion() {
        return headerVersion;
    }

    /** Hands the body, and with it its file records, to the encoder. */
    ApiMessage takeBody() {
        bodyTaken = true;
        return body;
    }

    void markArrived() {
        arrived = true;
    }

    boolean hasArrived() {
        return arrived;
    }

    @Override
    protected void deallocate() {
        request.frame().release();
        if ((outcome == Outcome.RESPONSE || outcome == Outcome.RESPONSE_THEN_CLOSE) && !bodyTaken) {
            RecordsReleaser.release(body, version, Set.of());
        }
    }

    @Override
    public ResponseSlot touch(Object hint) {
        return this;
    }

    @Override
    public String toString() {
        return request.header().apiKey() + " v" + request.header().apiVersion() + " correlation id "
                + request.header().correlationId() + " (" + outcome + ")";
    }
}
