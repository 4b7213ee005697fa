package io.skein.wire.errors;

import io.skein.wire.api.RequestContext;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a handler's failure becomes the response a client sees: Kafka's own error
 * response for the request ({@link AbstractRequest#getErrorResponse}), with the error code
 * kafka-clients maps the exception to ({@code UNKNOWN_SERVER_ERROR} for anything that is not an
 * {@link ApiException}). Kafka errors are expected and logged at DEBUG; anything else is a bug and
 * logged once at ERROR with its stack trace, the API and the client.
 *
 * <p>Stateless.
 */
public final class ErrorResponses {

    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    /** @throws RuntimeException if kafka-clients cannot build an error response for the request */
    public static ApiMessage forFailure(RequestContext context, AbstractRequest request, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ApiException) {
            log.debug("{} v{} (correlation id {}) from client {} at {} failed: {}", context.header().apiKey(),
                    context.apiVersion(), context.header().correlationId(), context.header().clientId(),
                    context.peer(), cause.toString());
        } else {
            log.error("Unexpected error handling {} v{} (correlation id {}) from client {} at {}",
                    context.header().apiKey(), context.apiVersion(), context.header().correlationId(),
                    context.header().clientId(), context.peer(), cause);
        }
        return request.getErrorResponse(0, cause).data();
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
