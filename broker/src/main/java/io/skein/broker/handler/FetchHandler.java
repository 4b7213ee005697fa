package io.skein.broker.handler;

import io.skein.broker.partition.PartitionLookup;
import io.skein.broker.partition.Partitions;
import io.skein.broker.purgatory.DelayedOperation;
import io.skein.broker.purgatory.Purgatory;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Fetch for consumers and follower replicas: reads whole batches (zero-copy) and long-polls — when
 * fewer than {@code min_bytes} are available the request waits up to {@code max_wait_ms} in the
 * purgatory and is answered as soon as an append to one of its partitions arrives (or, for
 * consumers, the high watermark or, for read_committed ones, the last stable offset moves:
 * whoever moves it — appends, replication, transaction markers — calls {@code checkAndComplete}).
 *
 * <p>Incremental fetch sessions (KIP-227) are declined: every response carries session id 0, so
 * clients send full fetch requests, which Kafka's protocol allows.
 */
public final class FetchHandler implements RequestHandler {

    private final FetchReader reader;
    private final Partitions partitions;
    private final MetadataQuorum quorum;
    private final Purgatory<TopicPartition> purgatory;
    private final Authorization authz;

    /**
     * @param followerFetches the leader's follower bookkeeping, told of every follower fetch
     */
    public FetchHandler(Partitions partitions, MetadataQuorum quorum, Purgatory<TopicPartition> purgatory,
                        Authorization authz, io.skein.replication.api.FollowerFetchListener followerFetches) {
        this.authz = authz;
        this.reader = new FetchReader(partitions, followerFetches);
        this.partitions = partitions;
        this.quorum = quorum;
        this.purgatory = purgatory;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        FetchRequestData data = ((FetchRequest) request).data();
        short version = context.apiVersion();
        if (data.sessionId() != 0) {
            return CompletableFuture.completedFuture(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()).setSessionId(0));
        }
        MetadataImage image = quorum.image();
        Set<String> refused = refusedTopics(context, data, image, version);
        FetchReader.Read first = reader.read(data, image, version, refused, context.listenerName());
        if (first.hasErrors() || data.maxWaitMs() <= 0 || first.bytes() >= data.minBytes()
                || first.highWatermarks().isEmpty()) {
            return CompletableFuture.completedFuture(first.response());
        }
        first.release();
        CompletableFuture<ApiMessage> future = new CompletableFuture<>();
        DelayedFetch delayed = new DelayedFetch(data, version, future, first.highWatermarks(), refused,
                context.listenerName());
        purgatory.watch(delayed, first.highWatermarks().keySet(), data.maxWaitMs());
        return future;
    }

    /**
     * Topics of the request the caller may not read. A follower fetch (replica id set) needs
     * CLUSTER_ACTION on the cluster instead, and without it every topic is refused, as in Kafka.
     */
    private Set<String> refusedTopics(RequestContext context, FetchRequestData data, MetadataImage image,
                                      short version) {
        if (!authz.enabled()) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            String name = version >= 13 ? image.topic(topic.topicId()).map(MetadataImage.TopicImage::name).orElse(null)
                    : topic.topic();
            if (name != null) {
                names.add(name);
            }
        }
        if (FetchReader.isFromFollower(data, version)) {
            return authz.authorizeCluster(context, AclOperation.CLUSTER_ACTION) ? Set.of() : names;
        }
        Set<String> refused = new HashSet<>();
        for (String name : names) {
            if (!authz.authorize(context, AclOperation.READ, ResourceType.TOPIC, name)) {
                refused.add(name);
            }
        }
        return refused;
    }

    /** A fetch parked until enough bytes arrived or its wait ran out. */
    private final class DelayedFetch extends DelayedOperation {
        private final FetchRequestData request;
        private final short version;
        private final CompletableFuture<ApiMessage> future;
        private final Map<TopicPartition, Long> highWatermarksWhenParked;
        private final Set<String> refused;
        private final String listenerName;

        DelayedFetch(FetchRequestData request, short version, CompletableFuture<ApiMessage> future,
                     Map<TopicPartition, Long> highWatermarksWhenParked, Set<String> refused, String listenerName) {
            this.refused = refused;
            this.listenerName = listenerName;
            this.request = request;
            this.version = version;
            this.future = future;
            this.highWatermarksWhenParked = highWatermarksWhenParked;
        }

        /**
         * Called after every append to a watched partition. With {@code min_bytes} of 1 or less
         * (the consumers' default) any growth of a watched partition satisfies the fetch, checked
         * from the high watermarks alone; only a larger {@code min_bytes} needs a trial read.
         */
        @Override
        protected boolean isSatisfied() {
            if (request.minBytes() <= 1) {
                for (Map.Entry<TopicPartition, Long> parked : highWatermarksWhenParked.entrySet()) {
                    PartitionLookup lookup = partitions.lookup(parked.getKey());
                    if (!lookup.ok() || readBound(lookup.partition().log()) > parked.getValue()) {
                        return true; // new data, or the partition moved or vanished: answer now
                    }
                }
                return false;
            }
            FetchReader.Read read = reader.read(request, quorum.image(), version, refused, listenerName);
            read.release();
            return read.hasErrors() || read.bytes() >= request.minBytes();
        }

        /** How far this fetch may read: see {@link FetchReader#readBound}. */
        private long readBound(io.skein.log.api.PartitionLog log) {
            boolean readCommitted = request.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
            return FetchReader.readBound(log, FetchReader.isFromFollower(request, version), readCommitted,
                    readCommitted ? log.lastStableOffset() : -1);
        }

        @Override
        protected void onComplete() {
            try {
                future.complete(reader.read(request, quorum.image(), version, refused, listenerName).response());
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }
    }
}
