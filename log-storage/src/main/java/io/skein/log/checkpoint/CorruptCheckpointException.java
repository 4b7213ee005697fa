package io.skein.log.checkpoint;

import java.io.IOException;

/** A checkpoint file that exists but does not parse; stack-less, as it is an expected condition after disk damage. */
public final class CorruptCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptCheckpointException(String message) {
        super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
