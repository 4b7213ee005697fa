package io.skein.broker.handler;

import io.skein.broker.partition.HostedPartition;
import io.skein.broker.partition.PartitionLookup;
import io.skein.broker.partition.Partitions;
import io.skein.broker.purgatory.Purgatory;
import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.CloseConnectionException;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: appends each partition's batches to its log (validation, offsets and idempotence are
 * the log's) and wakes fetches parked on the partition. With acks=0 no response is sent.
 *
 * <p>Each partition's records must be exactly one magic v2 batch (else INVALID_RECORD), as in Kafka.
 * A request with transactional batches needs a transactional id the caller may WRITE, else every
 * partition gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED and nothing is appended (as in Kafka). A
 * transactional batch is then appended only to a partition in its producer's ongoing transaction
 * ({@link TransactionVerification}, KIP-890 part 1). When the check cannot answer at once (the
 * transaction coordinator is another broker, or a Produce v12+ batch's partition is being added to
 * the transaction and replicated in {@code __transaction_state}) the append and the response follow
 * its answer, on the thread that completes it, and the request thread is free meanwhile; every
 * other batch is appended on the request thread.
 *
 * <p>acks=-1 (all): a partition whose ISR is smaller than its {@code min.insync.replicas} refuses
 * the batch (NOT_ENOUGH_REPLICAS, nothing appended); otherwise the response is parked in the
 * produce purgatory ({@link DelayedProduce}) until the high watermark passes every append. acks=1
 * is answered after the leader's append.
 */
public final class ProduceHandler implements RequestHandler {

    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final Partitions partitions;
    private final MetadataQuorum quorum;
    private final Purgatory<TopicPartition> fetchPurgatory;
    private final Clock clock;
    private final Authorization authz;
    private final Purgatory<TopicPartition> producePurgatory;
    private final TransactionVerification transactions;
    private final PendingAppends pendingAppends = new PendingAppends();

    /**
     * @param producePurgatory where acks=-1 responses wait for the high watermark; woken by whoever
     *     moves it
     */
    public ProduceHandler(Partitions partitions, MetadataQuorum quorum, Purgatory<TopicPartition> fetchPurgatory,
                          Purgatory<TopicPartition> producePurgatory, Clock clock, Authorization authz,
                          TransactionVerification transactions) {
        this.producePurgatory = producePurgatory;
        this.authz = authz;
        this.transactions = transactions;
        this.partitions = partitions;
        this.quorum = quorum;
        this.fetchPurgatory = fetchPurgatory;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ProduceRequestData data = ((ProduceRequest) request).data();
        short acks = data.acks();
        boolean validAcks = acks == -1 || acks == 0 || acks == 1;
        MetadataImage image = quorum.image();
        ProduceResponseData response = new ProduceResponseData();
        // filled by the appends, which may run on another thread (a remote coordinator's answer)
        List<DelayedProduce.Waiting> waiting = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> remoteChecks = new ArrayList<>();
        // as in Kafka: transactional batches (judged by each partition's first batch) need a transactional id
        // the caller may WRITE, so the transaction check below applies to every one of them
        boolean transactional = RequestUtils.hasTransactionalRecords((ProduceRequest) request);
        boolean transactionAllowed = !transactional || data.transactionalId() != null && authz.authorize(context,
                AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, data.transactionalId());
        for (ProduceRequestData.TopicProduceData topic : data.topicData()) {
            String name = topic.name();
            Uuid topicId = topic.topicId() == null ? Uuid.ZERO_UUID : topic.topicId();
            boolean byId = (name == null || name.isEmpty()) && !Uuid.ZERO_UUID.equals(topicId);
            if (byId) {
                name = image.topic(topicId).map(MetadataImage.TopicImage::name).orElse(null);
            }
            Errors topicError = topicError(context, validAcks, name, transactionAllowed);
            TopicProduceResponse topicResponse = new TopicProduceResponse().setName(topic.name()).setTopicId(topicId);
            for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                PartitionProduceResponse out = new PartitionProduceResponse().setIndex(partition.index());
                topicResponse.partitionResponses().add(out);
                if (topicError != Errors.NONE) {
                    fail(out, topicError, topicError == Errors.INVALID_TOPIC_EXCEPTION
                            ? "Cannot append to internal topic " + name : null);
                    continue;
                }
                TopicPartition tp = new TopicPartition(name, partition.index());
                PartitionLookup lookup = partitions.lookup(tp);
                if (!lookup.ok()) {
                    fail(out, lookup.error(), null);
                    if (lookup.error() == Errors.NOT_LEADER_OR_FOLLOWER && context.apiVersion() >= 10) {
                        hintLeader(response, out, image, tp, context.listenerName());
                    }
                    continue;
                }
                if (!(partition.records() instanceof MemoryRecords records)) {
                    fail(out, Errors.CORRUPT_MESSAGE, "No record batches in the request");
                    continue;
                }
                try {
                    // Kafka's rule: exactly one magic v2 batch per partition, so the transaction checks,
                    // which look at the first batch, see every batch
                    ProduceRequest.validateRecords(context.apiVersion(), records);
                } catch (ApiException e) {
                    fail(out, Errors.forException(e), e.getMessage());
                    continue;
                }
                CompletableFuture<Errors> verified = !transactional ? CompletableFuture.completedFuture(Errors.NONE)
                        : transactions.verify(data.transactionalId(), tp, records, context.apiVersion(),
                                lookup.partition().log());
                RecordBatch first = data.transactionalId() == null ? null : records.firstBatch();
                long producerId = first == null ? RecordBatch.NO_PRODUCER_ID : first.producerId();
                if (verified.isDone() && !pendingAppends.isPending(tp, producerId)) {
                    // not transactional, already in its transaction, or answered by this node's coordinator
                    try {
                        appendVerified(verified.join(), lookup.partition(), tp, records, out, acks,
                                data.transactionalId(), context.apiVersion(), waiting);
                    } catch (RuntimeException e) {
                        failUnexpectedly(tp, out, e);
                    }
                } else {
                    // a coordinator on another broker, or a v2 addition being replicated: append on the
                    // thread that completes the check
                    // (after this producer's earlier append to the partition, if that one still waits)
                    remoteChecks.add(pendingAppends.enqueue(tp, producerId, verified, error -> appendVerified(error,
                                    null, tp, records, out, acks, data.transactionalId(), context.apiVersion(), waiting))
                            .exceptionally(failure -> {
                                failUnexpectedly(tp, out, failure);
                                return null;
                            }));
                }
            }
            response.responses().add(topicResponse);
        }
        if (remoteChecks.isEmpty()) {
            return finish(response, acks, waiting, data.timeoutMs());
        }
        return CompletableFuture.allOf(remoteChecks.toArray(new CompletableFuture<?>[0]))
                .thenCompose(done -> finish(response, acks, waiting, data.timeoutMs()));
    }

    /**
     * The error every partition of a topic gets before its log is looked at (the first that applies); NONE
     * when the topic may be appended to. Only the coordinators write to the internal topics.
     */
    private Errors topicError(RequestContext context, boolean validAcks, String name, boolean transactionAllowed) {
        if (!transactionAllowed) {
            return Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED; // Kafka refuses the whole request first
        }
        if (!validAcks) {
            return Errors.INVALID_REQUIRED_ACKS;
        }
        if (name == null) {
            return Errors.UNKNOWN_TOPIC_ID;
        }
        if (!authz.authorize(context, AclOperation.WRITE, ResourceType.TOPIC, name)) {
            return Errors.TOPIC_AUTHORIZATION_FAILED;
        }
        return Topic.isInternal(name) ? Errors.INVALID_TOPIC_EXCEPTION : Errors.NONE;
    }

    /**
     * Appends a batch whose transaction check answered {@code verified}, to {@code leader} when the
     * answer came at once on the request thread; null when it came later, on the thread that
     * completed the check: the partition is then looked up again, as its leadership may have moved
     * meanwhile.
     */
    private void appendVerified(Errors verified, HostedPartition leader, TopicPartition tp, MemoryRecords records,
                                PartitionProduceResponse out, short acks, String transactionalId, short version,
                                List<DelayedProduce.Waiting> waiting) {
        if (verified != Errors.NONE) {
            fail(out, verified, verified == Errors.INVALID_TXN_STATE ? "Partition " + tp
                    + " is not in an ongoing transaction of producer " + transactionalId : null);
            return;
        }
        if (leader == null) {
            PartitionLookup lookup = partitions.lookup(tp);
            if (!lookup.ok()) {
                fail(out, lookup.error(), null);
                return;
            }
            leader = lookup.partition();
        }
        if (acks == -1 && leader.state().isr().size() < leader.minInSyncReplicas()) {
            fail(out, Errors.NOT_ENOUGH_REPLICAS, "The size of the current ISR " + leader.state().isr()
                    + " is insufficient to satisfy the min.isr requirement of " + leader.minInSyncReplicas()
                    + " for partition " + tp);
            return;
        }
        AppendResult result = leader.log().append(records, new AppendContext(leader.leaderEpoch(), clock.millis()));
        out.setErrorCode(result.error().code())
                .setErrorMessage(result.errorMessage())
                .setBaseOffset(result.baseOffset())
                .setLogAppendTimeMs(result.logAppendTimeMs())
                .setLogStartOffset(result.logStartOffset());
        for (AppendResult.RecordError recordError : version >= 8 ? result.recordErrors()
                : List.<AppendResult.RecordError>of()) {
            out.recordErrors().add(new BatchIndexAndErrorMessage()
                    .setBatchIndex(recordError.batchIndex())
                    .setBatchIndexErrorMessage(recordError.message()));
        }
        if (result.succeeded()) {
            fetchPurgatory.checkAndComplete(tp);
            if (acks == -1) {
                waiting.add(new DelayedProduce.Waiting(tp, out, leader.leaderEpoch(), result.lastOffset() + 1));
            }
        }
    }

    /** The response, at once or (acks=-1) once the high watermark passes every append. */
    private CompletableFuture<ApiMessage> finish(ProduceResponseData response, short acks,
                                                 List<DelayedProduce.Waiting> waiting, int timeoutMs) {
        if (acks == 0) {
            String error = firstError(response);
            return error == null ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture(new CloseConnectionException("acks=0 produce failed ("
                            + error + "); closing so the client notices, as Kafka does"));
        }
        if (waiting.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        CompletableFuture<ApiMessage> future = new CompletableFuture<>();
        DelayedProduce delayed = new DelayedProduce(partitions, waiting, response, future);
        if (!delayed.tryComplete()) {
            producePurgatory.watch(delayed, delayed.keys(), Math.max(0, timeoutMs));
        }
        return future;
    }

    private static String firstError(ProduceResponseData response) {
        for (TopicProduceResponse topic : response.responses()) {
            for (PartitionProduceResponse p : topic.partitionResponses()) {
                if (p.errorCode() != Errors.NONE.code()) {
                    return topic.name() + "-" + p.index() + ": " + Errors.forCode(p.errorCode());
                }
            }
        }
        return null;
    }

    /** KIP-951: the leader's id, epoch and endpoint, so the client need not refresh its metadata. */
    private static void hintLeader(ProduceResponseData response, PartitionProduceResponse out, MetadataImage image,
                                   TopicPartition tp, String listenerName) {
        LeaderHints.of(image, tp, listenerName).ifPresent(hint -> {
            out.currentLeader().setLeaderId(hint.leaderId()).setLeaderEpoch(hint.leaderEpoch());
            if (response.nodeEndpoints().find(hint.leaderId()) == null) {
                response.nodeEndpoints().add(new ProduceResponseData.NodeEndpoint().setNodeId(hint.leaderId())
                        .setHost(hint.endpoint().host()).setPort(hint.endpoint().port()).setRack(hint.rack()));
            }
        });
    }

    private static void failUnexpectedly(TopicPartition tp, PartitionProduceResponse out, Throwable failure) {
        log.error("Produce to {} failed unexpectedly", tp, failure);
        fail(out, Errors.UNKNOWN_SERVER_ERROR, null);
    }

    private static void fail(PartitionProduceResponse out, Errors error, String message) {
        out.setErrorCode(error.code())
                .setErrorMessage(message)
                .setBaseOffset(-1)
                .setLogAppendTimeMs(-1)
                .setLogStartOffset(-1);
    }
}
