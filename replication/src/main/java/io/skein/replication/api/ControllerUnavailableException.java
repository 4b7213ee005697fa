package io.skein.replication.api;

/** No controller quorum answered in time; Kafka clients see REQUEST_TIMED_OUT or NOT_CONTROLLER and retry. */
public final class ControllerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ControllerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
