package io.skein.wire.api;

/**
 * Completing a handler's future with this closes the connection once every earlier response has
 * been written, instead of answering. Kafka does this for an acks=0 produce that failed: the
 * client gets no response, so a closed connection is how it learns something went wrong.
 */
public final class CloseConnectionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CloseConnectionException(String reason) {
        super(reason, null, false, false);
    }
}
