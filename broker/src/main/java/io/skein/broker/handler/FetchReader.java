package io.skein.broker.handler;

import io.skein.broker.partition.PartitionLookup;
import io.skein.broker.partition.Partitions;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.OffsetOutOfRangeException;
import io.skein.log.api.PartitionLog;
import io.skein.replication.api.MetadataImage;
import io.skein.wire.api.FileRegionRecords;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Reads one fetch request's partitions from their logs into a response: whole batches from the
 * fetch offset, at most {@code partition_max_bytes} per partition and {@code max_bytes} in all
 * (the first partition with data may exceed it by one batch, as in Kafka), records left in the
 * segment files for zero-copy sending. read_uncommitted consumers read up to the high watermark,
 * read_committed ones up to the last stable offset (with the aborted transactions overlapping what
 * they got, so they drop aborted records; read_uncommitted ones get none, as Kafka sends them),
 * followers (replica id set) up to the log end offset. A fetch naming its last fetched epoch
 * (v12+) whose history diverged from this log is answered with {@code diverging_epoch} and no
 * records ({@link Divergence}).
 *
 * <p>Stateless; safe on any thread.
 */
final class FetchReader {

    /**
     * A response and how many record bytes it carries. {@code highWatermarks}: how far each
     * partition read without error could be read at the time (see {@link #readBound}); without
     * errors these are all the request's partitions, the keys a parked fetch watches.
     */
    record Read(FetchResponseData response, long bytes, boolean hasErrors,
                java.util.Map<TopicPartition, Long> highWatermarks) {

        /** Releases the file slices of a response that will not be sent. */
        void release() {
            for (FetchableTopicResponse topic : response.responses()) {
                for (PartitionData p : topic.partitions()) {
                    if (p.records() instanceof FileRegionRecords records) {
                        records.release();
                    }
                }
            }
        }
    }

    private final Partitions partitions;
    private final io.skein.replication.api.FollowerFetchListener followerFetches;

    /** KIP-951: the leader's id and epoch (v12+) and its endpoint (v16+). */
    private static void hintLeader(FetchResponseData response, PartitionData out, MetadataImage image,
                                   TopicPartition tp, String listenerName, short version) {
        LeaderHints.of(image, tp, listenerName).ifPresent(hint -> {
            out.currentLeader().setLeaderId(hint.leaderId()).setLeaderEpoch(hint.leaderEpoch());
            if (version >= 16 && response.nodeEndpoints().find(hint.leaderId()) == null) {
                response.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(hint.leaderId())
                        .setHost(hint.endpoint().host()).setPort(hint.endpoint().port()).setRack(hint.rack()));
            }
        });
    }

    /**
     * @param followerFetches told of each partition a follower fetches without error, before it is
     *     read (the leader's high watermark may move, and the response then carries it)
     */
    FetchReader(Partitions partitions, io.skein.replication.api.FollowerFetchListener followerFetches) {
        this.partitions = partitions;
        this.followerFetches = followerFetches;
    }

    /**
     * @param refused topics the caller may not read: their partitions answer TOPIC_AUTHORIZATION_FAILED
     * @param listenerName the client's listener, for the leader endpoints of NOT_LEADER_OR_FOLLOWER hints
     */
    Read read(FetchRequestData request, MetadataImage image, short version, java.util.Set<String> refused,
              String listenerName) {
        FetchResponseData response = new FetchResponseData().setSessionId(0);
        boolean readCommitted = request.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        long remaining = request.maxBytes() <= 0 ? Integer.MAX_VALUE : request.maxBytes();
        long total = 0;
        boolean errors = false;
        boolean fromFollower = isFromFollower(request, version);
        java.util.Map<TopicPartition, Long> highWatermarks = new java.util.HashMap<>();
        for (FetchRequestData.FetchTopic topic : request.topics()) {
            boolean byId = version >= 13;
            Uuid topicId = topic.topicId() == null ? Uuid.ZERO_UUID : topic.topicId();
            String name = byId ? image.topic(topicId).map(MetadataImage.TopicImage::name).orElse(null) : topic.topic();
            FetchableTopicResponse topicResponse = new FetchableTopicResponse().setTopic(byId ? "" : topic.topic())
                    .setTopicId(topicId);
            response.responses().add(topicResponse);
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                PartitionData out = new PartitionData().setPartitionIndex(p.partition())
                        .setRecords(MemoryRecords.EMPTY)
                        .setAbortedTransactions(readCommitted ? new ArrayList<>() : null);
                topicResponse.partitions().add(out);
                if (name == null) {
                    errors = true;
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                    continue;
                }
                if (refused.contains(name)) {
                    errors = true;
                    out.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                    continue;
                }
                TopicPartition tp = new TopicPartition(name, p.partition());
                PartitionLookup lookup = partitions.lookup(tp);
                if (!lookup.ok()) {
                    errors = true;
                    out.setErrorCode(lookup.error().code());
                    if (lookup.error() == Errors.NOT_LEADER_OR_FOLLOWER && version >= 12) {
                        hintLeader(response, out, image, tp, listenerName, version);
                    }
                    continue;
                }
                Errors epochError = checkLeaderEpoch(p.currentLeaderEpoch(), lookup.partition().leaderEpoch());
                if (epochError != Errors.NONE) {
                    errors = true;
                    out.setErrorCode(epochError.code());
                    continue;
                }
                PartitionLog log = lookup.partition().log();
                int maxBytes = (int) Math.min(Math.max(p.partitionMaxBytes(), 0), remaining);
                try {
                    if (version >= 12 && p.lastFetchedEpoch() >= 0
                            && Divergence.check(log, p.fetchOffset(), p.lastFetchedEpoch(), out)) {
                        errors = true; // answer at once: the fetcher must truncate before it fetches again
                        continue;
                    }
                    if (fromFollower && p.fetchOffset() >= log.logStartOffset()
                            && p.fetchOffset() <= log.logEndOffset()) {
                        followerFetches.onFollowerFetch(tp, replicaId(request, version), p.fetchOffset());
                    }
                    // the last stable offset first: it is never above the high watermark the read then samples
                    long lso = log.lastStableOffset();
                    long bound = readBound(log, fromFollower, readCommitted, lso);
                    LogReadResult result = log.read(p.fetchOffset(), maxBytes, bound, total == 0);
                    highWatermarks.put(tp, fromFollower ? result.logEndOffset() : readCommitted ? lso
                            : result.highWatermark());
                    out.setHighWatermark(result.highWatermark())
                            .setLastStableOffset(lso)
                            .setLogStartOffset(result.logStartOffset());
                    int size = result.records().sizeInBytes();
                    if (size > 0) {
                        out.setRecords(new SliceRecords(result.records()));
                        total += size;
                        remaining = Math.max(0, remaining - size);
                        if (readCommitted) {
                            out.setAbortedTransactions(abortedTransactions(log, p.fetchOffset(), bound));
                        }
                    }
                } catch (java.io.UncheckedIOException e) {
                    errors = true;
                    out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
                } catch (OffsetOutOfRangeException e) {
                    errors = true;
                    out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code())
                            .setHighWatermark(log.highWatermark())
                            .setLastStableOffset(log.lastStableOffset())
                            .setLogStartOffset(log.logStartOffset());
                }
            }
        }
        return new Read(response, total, errors, highWatermarks);
    }

    /**
     * How far a fetch may read: a follower to the log end, a read_committed consumer to the last
     * stable offset, a read_uncommitted one to the high watermark.
     */
    static long readBound(PartitionLog log, boolean fromFollower, boolean readCommitted, long lastStableOffset) {
        return fromFollower ? log.logEndOffset() : readCommitted ? lastStableOffset : log.highWatermark();
    }

    /** The aborted transactions a read_committed consumer needs to drop what it read from {@code fetchOffset}. */
    private static List<FetchResponseData.AbortedTransaction> abortedTransactions(PartitionLog log, long fetchOffset,
                                                                                  long upperBound) {
        List<FetchResponseData.AbortedTransaction> out = new ArrayList<>();
        for (io.skein.log.api.AbortedTransaction txn : log.abortedTransactions(fetchOffset, upperBound)) {
            out.add(new FetchResponseData.AbortedTransaction().setProducerId(txn.producerId())
                    .setFirstOffset(txn.firstOffset()));
        }
        return out;
    }

    /** A fetch from a follower replica (replica id set) rather than a consumer. */
    static boolean isFromFollower(FetchRequestData request, short version) {
        return replicaId(request, version) >= 0;
    }

    /** The fetching replica's broker id (v15+: in {@code replica_state}); -1 for a consumer. */
    static int replicaId(FetchRequestData request, short version) {
        return version >= 15 ? request.replicaState().replicaId() : request.replicaId();
    }

    /** Kafka's check of the client's view of the leader epoch (-1: the client does not know it). */
    static Errors checkLeaderEpoch(int requestEpoch, int currentEpoch) {
        if (requestEpoch < 0 || requestEpoch == currentEpoch) {
            return Errors.NONE;
        }
        return requestEpoch < currentEpoch ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH;
    }
}
