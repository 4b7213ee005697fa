package io.skein.wire.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Handles one API family's requests. Called on a request-handler thread (never an event loop),
 * one request of a connection at a time and in the connection's request order; the returned
 * future may complete later on any thread (long-poll fetches, waits on the controller), and the
 * server still sends the responses of a connection in request order.
 *
 * <p>The request's buffers (e.g. produce records) are valid until the returned future completes.
 * An exception, thrown or in the future, becomes Kafka's error response for the request
 * ({@link AbstractRequest#getErrorResponse}).
 */
@FunctionalInterface
public interface RequestHandler {

    /**
     * @return the response body to send, or a future completing with null to send no response
     *     (Produce with acks=0)
     */
    CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request);
}
