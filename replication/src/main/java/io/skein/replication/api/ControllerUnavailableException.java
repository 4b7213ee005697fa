package io.skein.replication.api;

/**
 * No controller quorum answered in time. A Kafka {@code TimeoutException}, so a request handler
 * that fails with it answers REQUEST_TIMED_OUT, which clients retry (as while a Kafka cluster
 * elects a new active controller).
 */
public final class ControllerUnavailableException extends org.apache.kafka.common.errors.TimeoutException {
    private static final long serialVersionUID = 1L;

    public ControllerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
