package io.skein.broker.handler;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ElectLeadersRequest;

/**
 * ElectLeaders (preferred and unclean; version 0 means preferred): one controller command for the
 * partitions asked (null: every partition, reporting only those whose election was needed), answered
 * once this node's image shows the new leaders. Needs ALTER on the cluster, as in Kafka (every
 * partition asked then answers CLUSTER_AUTHORIZATION_FAILED).
 *
 * <p>Stateless; any request thread.
 */
public final class ElectLeadersHandler implements RequestHandler {

    private final MetadataQuorum quorum;
    private final Authorization authz;

    public ElectLeadersHandler(MetadataQuorum quorum, Authorization authz) {
        this.quorum = quorum;
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ElectLeadersRequest electRequest = (ElectLeadersRequest) request;
        if (!authz.authorizeCluster(context, AclOperation.ALTER)) {
            return CompletableFuture.completedFuture(
                    Authorization.refused(request, Errors.CLUSTER_AUTHORIZATION_FAILED));
        }
        ElectLeadersRequestData data = electRequest.data();
        ElectionType type;
        try {
            type = ElectionType.valueOf(data.electionType());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(electRequest.getErrorResponse(0,
                    Errors.INVALID_REQUEST.exception("Unknown election type " + data.electionType())).data());
        }
        List<TopicPartition> partitions = null;
        if (data.topicPartitions() != null) {
            Set<TopicPartition> distinct = new LinkedHashSet<>();
            for (ElectLeadersRequestData.TopicPartitions t : data.topicPartitions()) {
                for (int p : t.partitions()) {
                    distinct.add(new TopicPartition(t.topic(), p));
                }
            }
            partitions = List.copyOf(distinct);
        }
        List<TopicPartition> asked = partitions;
        return quorum.submit(new ControllerCommand.ElectLeaders(type, partitions))
                .thenCompose(result -> quorum.awaitApplied(result.offset())
                        .thenApply(image -> response(result, asked)));
    }

    /**
     * The answer per partition: for a list of partitions, the controller's items follow its order;
     * for all partitions, each item's key names the partition ({@code topic-partition}, from the
     * image, so the partition is never negative).
     */
    private static ApiMessage response(ControllerResult result, List<TopicPartition> asked) {
        Map<String, ReplicaElectionResult> byTopic = new LinkedHashMap<>();
        for (int i = 0; i < result.items().size(); i++) {
            ControllerResult.ItemResult item = result.items().get(i);
            TopicPartition tp = asked != null ? asked.get(i) : parse(item.key());
            byTopic.computeIfAbsent(tp.topic(), t -> new ReplicaElectionResult().setTopic(t)).partitionResult()
                    .add(new PartitionResult().setPartitionId(tp.partition()).setErrorCode(item.error().code())
                            .setErrorMessage(item.message()));
        }
        return new ElectLeadersResponseData().setErrorCode(Errors.NONE.code())
                .setReplicaElectionResults(new ArrayList<>(byTopic.values()));
    }

    private static TopicPartition parse(String key) {
        int dash = key.lastIndexOf('-');
        return new TopicPartition(key.substring(0, dash), Integer.parseInt(key.substring(dash + 1)));
    }
}
