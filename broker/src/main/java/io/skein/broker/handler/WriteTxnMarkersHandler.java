package io.skein.broker.handler;

import io.skein.broker.txn.LocalTransactionMarkers;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;

/**
 * WriteTxnMarkers (sent by a transaction coordinator to partition leaders): writes each marker
 * entry's COMMIT or ABORT control batch to each of its partitions through
 * {@link LocalTransactionMarkers} and answers an error code per partition once every marker is
 * replicated to the in-sync replicas (or the wait timed out: REQUEST_TIMED_OUT). With ACLs the caller
 * needs CLUSTER_ACTION on the cluster, otherwise every partition gets CLUSTER_AUTHORIZATION_FAILED,
 * as in Kafka. The v2 {@code transaction_version} field is accepted and not needed: the log's
 * marker checks are the same for both transaction protocols.
 *
 * <p>Stateless; appends on the request thread, answers on whichever thread completes the wait.
 */
public final class WriteTxnMarkersHandler implements RequestHandler {

    private final LocalTransactionMarkers markers;
    private final Authorization authz;

    public WriteTxnMarkersHandler(LocalTransactionMarkers markers, Authorization authz) {
        this.markers = markers;
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        WriteTxnMarkersRequestData data = ((WriteTxnMarkersRequest) request).data();
        if (!authz.authorizeCluster(context, AclOperation.CLUSTER_ACTION)) {
            return CompletableFuture.completedFuture(Authorization.refused(request,
                    Errors.CLUSTER_AUTHORIZATION_FAILED));
        }
        List<CompletableFuture<WritableTxnMarkerResult>> results = new ArrayList<>();
        for (WriteTxnMarkersRequestData.WritableTxnMarker marker : data.markers()) {
            List<TopicPartition> tps = new ArrayList<>();
            for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic topic : marker.topics()) {
                for (int partition : topic.partitionIndexes()) {
                    tps.add(new TopicPartition(topic.name(), partition));
                }
            }
            results.add(markers.writeAllReplicated(marker.producerId(), marker.producerEpoch(),
                    marker.transactionResult(), marker.coordinatorEpoch(), tps)
                    .thenApply(errors -> result(marker.producerId(), errors)));
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
            results.forEach(r -> response.markers().add(r.join()));
            return response;
        });
    }

    private static WritableTxnMarkerResult result(long producerId, Map<TopicPartition, Errors> errors) {
        Map<String, WritableTxnMarkerTopicResult> topics = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Errors> e : errors.entrySet()) {
            topics.computeIfAbsent(e.getKey().topic(), name -> new WritableTxnMarkerTopicResult().setName(name))
                    .partitions().add(new WritableTxnMarkerPartitionResult()
                            .setPartitionIndex(e.getKey().partition()).setErrorCode(e.getValue().code()));
        }
        return new WritableTxnMarkerResult().setProducerId(producerId).setTopics(new ArrayList<>(topics.values()));
    }
}
