package io.skein.log.producer;

import org.apache.kafka.common.protocol.Errors;

/**
 * The verdict on one incoming idempotent batch: accept it, report it as a duplicate of an
 * appended batch (success with the original offsets, nothing appended), or reject it.
 */
public record SequenceCheck(Errors error, String message, BatchMetadata duplicateOf) {

    static final SequenceCheck ACCEPT = new SequenceCheck(Errors.NONE, null, null);

    static SequenceCheck reject(Errors error, String message) {
        return new SequenceCheck(error, message, null);
    }

    static SequenceCheck duplicate(BatchMetadata original) {
        return new SequenceCheck(Errors.NONE, null, original);
    }

    public boolean isDuplicate() {
        return duplicateOf != null;
    }

    public boolean accepted() {
        return error == Errors.NONE && duplicateOf == null;
    }
}
