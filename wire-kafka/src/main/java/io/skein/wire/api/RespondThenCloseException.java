package io.skein.wire.api;

import org.apache.kafka.common.protocol.ApiMessage;

/**
 * A handler's way to answer and then close the connection (a failed SASL authentication): the
 * response is sent in its turn, then the connection is closed once it is flushed.
 */
public final class RespondThenCloseException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient ApiMessage response;

    public RespondThenCloseException(ApiMessage response, String reason) {
        super(reason, null, false, false);
        this.response = response;
    }

    public ApiMessage response() {
        return response;
    }
}
