package io.skein.replication.metadata;

/**
 * A metadata log entry that cannot be decoded: a CRC mismatch, an unknown format, type or record
 * version, or a truncated entry. The log is the source of truth for every cluster fact, so this is
 * fatal for the node, never an error returned to a client.
 */
public final class MetadataCorruptionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadataCorruptionException(String message) {
        super(message);
    }

    public MetadataCorruptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
