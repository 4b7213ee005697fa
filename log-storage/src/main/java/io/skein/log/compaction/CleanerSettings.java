package io.skein.log.compaction;

/**
 * Broker-level settings of the log cleaner (Kafka's names).
 *
 * @param enabled {@code log.cleaner.enable}
 * @param threads {@code log.cleaner.threads}
 * @param backoffMs {@code log.cleaner.backoff.ms}: how long a thread sleeps when no log needs cleaning
 * @param ioMaxBytesPerSecond {@code log.cleaner.io.max.bytes.per.second}: read plus write rate
 *     of all cleaner threads together; {@code Double.MAX_VALUE} for no limit
 * @param mapMemoryBytes {@code log.cleaner.dedupe.buffer.size}, divided among the threads: the
 *     memory each thread builds one partition of its key map in. Unlike Kafka it does not limit
 *     the keys one cleaning can map (the map spills to disk, see {@link OffsetMap})
 */
public record CleanerSettings(boolean enabled, int threads, long backoffMs, double ioMaxBytesPerSecond,
                              long mapMemoryBytes) {

    public static final CleanerSettings DEFAULTS = new CleanerSettings(true, 1, 15_000L, Double.MAX_VALUE,
            128L << 20);

    public CleanerSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("log.cleaner.threads must be at least 1, not " + threads);
        }
    }
}
