package io.skein.log.api;

/** A read asked for an offset outside [log start offset, log end offset]. */
public final class OffsetOutOfRangeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OffsetOutOfRangeException(String message) {
        super(message, null, false, false);
    }
}
