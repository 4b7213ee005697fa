package io.skein.log.api;

import java.util.Collection;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * All partition logs in this node's log directories ({@code log.dirs}).
 *
 * <p>{@link #open} loads every partition directory found on disk; partitions are then created
 * and deleted as the metadata image says. Thread-safe: any thread may look logs up; creation
 * and deletion are serialised internally.
 */
public interface LogRegistry extends AutoCloseable {

    /** The log of this partition if this node has it. */
    Optional<PartitionLog> get(TopicPartition partition);

    /**
     * Returns the existing log for the partition, or creates an empty one in the log directory
     * with the fewest partitions. A directory left by an earlier topic of the same name but
     * another topic id is deleted first.
     */
    PartitionLog getOrCreate(TopicPartition partition, Uuid topicId, LogConfig config);

    /**
     * Removes the partition's log: renames its directory to {@code <topic>-<partition>.<id>-delete}
     * at once (so a new topic of the same name can be created) and deletes the files in the
     * background.
     */
    void delete(TopicPartition partition);

    Collection<PartitionLog> all();

    /**
     * Opens (creating if needed) the log directories and loads every partition found in them.
     *
     * @param logDirs {@code log.dirs}
     * @param defaultConfig the config for partitions loaded from disk until the metadata image
     *     supplies theirs (then {@link PartitionLog#updateConfig} is called)
     * @throws java.io.IOException when a directory cannot be created, written or locked
     */
    static LogRegistry open(java.util.List<java.nio.file.Path> logDirs, LogConfig defaultConfig) throws java.io.IOException {
        return io.skein.log.internal.DiskLogRegistry.open(logDirs, defaultConfig, 1);
    }

    /**
     * As {@link #open(java.util.List, LogConfig)}, loading (and after an unclean stop, recovering)
     * the partitions of each directory with {@code recoveryThreadsPerDir} threads
     * ({@code num.recovery.threads.per.data.dir}).
     */
    static LogRegistry open(java.util.List<java.nio.file.Path> logDirs, LogConfig defaultConfig,
                            int recoveryThreadsPerDir) throws java.io.IOException {
        return io.skein.log.internal.DiskLogRegistry.open(logDirs, defaultConfig, recoveryThreadsPerDir);
    }

    /**
     * Opens the log directories with all broker-level storage settings; the background tasks
     * (retention, {@code flush.ms}, checkpoints) begin with {@link #start()}.
     */
    static LogRegistry open(StorageSettings settings) throws java.io.IOException {
        return io.skein.log.internal.DiskLogRegistry.open(settings);
    }

    /**
     * A log cleaner for this registry's compacted logs ({@code cleanup.policy=compact}); the
     * caller owns it: {@code start()} it after {@link #start()} and {@code close()} it before
     * {@link #close()}.
     */
    io.skein.log.compaction.LogCleaner newCleaner(io.skein.log.compaction.CleanerSettings settings);

    /**
     * As {@link #open(StorageSettings)} for a node whose partitions have followers: each log starts
     * with the high watermark of {@code replication-offset-checkpoint} (clamped to the log) and does
     * not move it on appends until told ({@link PartitionLog#updateHighWatermark},
     * {@link PartitionLog#setHighWatermarkFollowsLogEnd}).
     */
    static LogRegistry openReplicated(StorageSettings settings) throws java.io.IOException {
        return io.skein.log.internal.DiskLogRegistry.open(settings, false);
    }

    /** Starts the background retention, flush and checkpoint tasks. Idempotent. */
    void start();

    /** Flushes and closes every log, writes the checkpoints and the clean-shutdown marker. */
    @Override
    void close();
}
