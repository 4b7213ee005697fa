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
 * @param addWaitMaxMs how long an implicit add (transactions version 2) that arrives while the
 *     producer's previous transaction is still completing waits for that completion before it is
 *     answered CONCURRENT_TRANSACTIONS (Kafka's {@code add.partitions.to.txn.retry.backoff.max.ms}, 100)
 */
public record TransactionConfig(int maxTimeoutMs, long idExpirationMs, long abortTimedOutIntervalMs,
                                long removeExpiredIntervalMs, int loadBufferBytes, long markerRetryBackoffMs,
                                long addWaitMaxMs) {

    /** Kafka's {@code add.partitions.to.txn.retry.backoff.max.ms} default. */
    public static final long DEFAULT_ADD_WAIT_MAX_MS = 100L;

    /** With the default {@code addWaitMaxMs}. */
    public TransactionConfig(int maxTimeoutMs, long idExpirationMs, long abortTimedOutIntervalMs,
                             long removeExpiredIntervalMs, int loadBufferBytes, long markerRetryBackoffMs) {
        this(maxTimeoutMs, idExpirationMs, abortTimedOutIntervalMs, removeExpiredIntervalMs, loadBufferBytes,
                markerRetryBackoffMs, DEFAULT_ADD_WAIT_MAX_MS);
    }

    public static TransactionConfig defaults() {
        return new TransactionConfig(900_000, 604_800_000L, 10_000L, 3_600_000L, 5 * 1024 * 1024, 1_000L);
    }
}
