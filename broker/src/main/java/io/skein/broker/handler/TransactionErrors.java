package io.skein.broker.handler;

import org.apache.kafka.common.protocol.Errors;

/**
 * The one place transaction APIs adapt an error to the request version: PRODUCER_FENCED exists
 * only from a given version of each API (InitProducerId 4, AddPartitionsToTxn, AddOffsetsToTxn and
 * EndTxn 2); older clients get INVALID_PRODUCER_EPOCH instead, as Kafka answers them.
 */
final class TransactionErrors {

    private TransactionErrors() {
    }

    static Errors forVersion(Errors error, short version, int firstVersionWithProducerFenced) {
        return error == Errors.PRODUCER_FENCED && version < firstVersionWithProducerFenced
                ? Errors.INVALID_PRODUCER_EPOCH : error;
    }
}
