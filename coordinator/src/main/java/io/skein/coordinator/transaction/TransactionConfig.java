package io.skein.coordinator.transaction;

/**
 * The transaction coordinator's settings, with Kafka's names and defaults.
 *
 * @param maxTimeoutMs {@code transaction.max.timeout.ms} (900000)
 * @param idExpirationMs {@code transactional.id.expiration.ms} (604800000)
 * @param abortTimedOutIntervalMs {@code transaction.abort.timed.out.transaction.cleanup.interval.ms} (10000)
 * @param removeExpiredIntervalMs {@code transaction.remove.expired.transaction.cleanup.interval.ms} (3600000)
 * @param loadBufferBytes {@code transaction.state.log.load.buffer.size} (5242880)
 * @param markerRetryBackoffMs how long to wait before writing markers again after a failure
 */
public record TransactionConfig(int maxTimeoutMs, long idExpirationMs, long abortTimedOutIntervalMs,
                                long removeExpiredIntervalMs, int loadBufferBytes, long markerRetryBackoffMs) {

    public static TransactionConfig defaults() {
        return new TransactionConfig(900_000, 604_800_000L, 10_000L, 3_600_000L, 5 * 1024 * 1024, 1_000L);
    }
}
