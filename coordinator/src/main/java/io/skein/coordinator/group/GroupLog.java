package io.skein.coordinator.group;

import io.skein.coordinator.records.CoordinatorLog;
import io.skein.coordinator.records.CoordinatorReplication;
import io.skein.log.api.PartitionLog;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;


/**
 * One {@code __consumer_offsets} partition seen by its group coordinator: group and offset records
 * written through the shared {@link CoordinatorLog}, decoded with {@link GroupRecords}, and the
 * mapping of storage errors to what each group API answers.
 *
 * <p>A client is answered once its write is committed: {@link #write} and
 * {@link #writeOffsets} return the commit's future (see {@link CoordinatorLog} for why memory may
 * take the change at the append).
 *
 * <p>Threading: {@link #append} and the writes are called with the owning shard's lock held (they
 * never wait); {@link #replay} by
 * the loading thread before the shard serves requests.
 */
final class GroupLog {

    private final CoordinatorLog log;
    private final CoordinatorReplication replication;

    GroupLog(PartitionLog partitionLog, int leaderEpoch, CoordinatorReplication replication) {
        this.log = new CoordinatorLog(partitionLog, leaderEpoch, "group coordinator", replication.await());
        this.replication = replication;
    }

    /** Writes group records (metadata, deletions): the commit waits up to {@code request.timeout.ms}. */
    CoordinatorLog.Written write(List<CoordinatorLog.Entry> entries, long nowMs) {
        return log.write(entries, nowMs, replication.requestTimeoutMs());
    }

    /** Waits again, up to {@code offsets.commit.timeout.ms}, for a write whose first wait timed out. */
    java.util.concurrent.CompletableFuture<Errors> awaitOffsetsAgain(long requiredOffset) {
        return log.awaitCommitted(requiredOffset, replication.offsetCommitTimeoutMs());
    }

    /** Writes offset commits: the commit waits up to {@code offsets.commit.timeout.ms}. */
    CoordinatorLog.Written writeOffsets(List<CoordinatorLog.Entry> entries, long nowMs) {
        return log.write(entries, nowMs, replication.offsetCommitTimeoutMs());
    }

    String name() {
        return log.name();
    }

    /**
     * Appends the entries as one batch. Returns NONE when they are in the log, or the storage
     * error; callers turn it into what their API answers with ({@link #asOffsetCommitError},
     * {@link #asGroupError}).
     */
    Errors append(List<CoordinatorLog.Entry> entries, long nowMs) {
        return log.append(entries, nowMs);
    }

    /** The OffsetCommit answer for a failed write, as Kafka maps it. */
    static Errors asOffsetCommitError(Errors storage) {
        return switch (storage) {
            case NONE -> Errors.NONE;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            default -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    /** The answer for a failed group write (SyncGroup, a static member's rejoin, deletions), as Kafka maps it. */
    static Errors asGroupError(Errors storage) {
        return switch (storage) {
            case NONE -> Errors.NONE;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            default -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    /** Receives the decoded records with their batch, and the transaction markers. */
    interface TransactionalSink {
        void record(CoordinatorLog.BatchInfo batch, GroupRecords.Decoded decoded);

        void marker(CoordinatorLog.BatchInfo batch, boolean commit);
    }

    /**
     * Replays the partition from its start, handing every record's decoded form, with its batch, to
     * {@code sink}, and the transaction markers, so transactional offset commits are kept apart
     * until their marker; records that do not decode are skipped with a warning.
     *
     * @return the number of records replayed
     */
    long replay(int bufferBytes, TransactionalSink sink) {
        return log.replay(bufferBytes, new CoordinatorLog.ReplaySink() {
            @Override
            public void record(CoordinatorLog.BatchInfo batch, java.nio.ByteBuffer key, java.nio.ByteBuffer value) {
                sink.record(batch, GroupRecords.decode(key, value));
            }

            @Override
            public void marker(CoordinatorLog.BatchInfo batch, boolean commit) {
                sink.marker(batch, commit);
            }
        });
    }

    /** Writes TxnOffsetCommit's records as one transactional batch of the producer ({@code offsets.commit.timeout.ms}). */
    CoordinatorLog.Written writeTransactional(List<CoordinatorLog.Entry> entries, long producerId, short producerEpoch,
                                              int baseSequence, long nowMs) {
        return log.writeTransactional(entries, producerId, producerEpoch, baseSequence, nowMs,
                replication.offsetCommitTimeoutMs());
    }
}
