package io.skein.broker.handler;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.PartitionId;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.Reassignment;
import io.skein.replication.api.MetadataImage.TopicImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;

/**
 * AlterPartitionReassignments (one controller command; answered once this node's image shows the
 * result) and ListPartitionReassignments (answered from this node's image: the merged replicas and
 * the replicas being added and removed; unknown topics and partitions not being reassigned are
 * left out, as in Kafka). Altering needs ALTER on the cluster, listing DESCRIBE on the cluster.
 *
 * <p>Stateless; any request thread.
 */
public final class ReassignmentsHandler implements RequestHandler {

    private final MetadataQuorum quorum;
    private final Authorization authz;

    public ReassignmentsHandler(MetadataQuorum quorum, Authorization authz) {
        this.quorum = quorum;
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ApiKeys api = context.header().apiKey();
        AclOperation needed = api == ApiKeys.ALTER_PARTITION_REASSIGNMENTS ? AclOperation.ALTER : AclOperation.DESCRIBE;
        if (!authz.authorizeCluster(context, needed)) {
            return CompletableFuture.completedFuture(
                    Authorization.refused(request, Errors.CLUSTER_AUTHORIZATION_FAILED));
        }
        return switch (api) {
            case ALTER_PARTITION_REASSIGNMENTS -> alter(((AlterPartitionReassignmentsRequest) request).data());
            case LIST_PARTITION_REASSIGNMENTS -> CompletableFuture.completedFuture(
                    list(((ListPartitionReassignmentsRequest) request).data(), quorum.image()));
            default -> throw new IllegalArgumentException("ReassignmentsHandler does not handle " + api);
        };
    }

    private CompletableFuture<ApiMessage> alter(AlterPartitionReassignmentsRequestData data) {
        List<ControllerCommand.ReassignmentTarget> targets = new ArrayList<>();
        for (AlterPartitionReassignmentsRequestData.ReassignableTopic t : data.topics()) {
            for (AlterPartitionReassignmentsRequestData.ReassignablePartition p : t.partitions()) {
                targets.add(new ControllerCommand.ReassignmentTarget(t.name(), p.partitionIndex(),
                        p.replicas() == null ? null : List.copyOf(p.replicas())));
            }
        }
        return quorum.submit(new ControllerCommand.AlterPartitionReassignments(targets,
                        data.allowReplicationFactorChange()))
                .thenCompose(result -> quorum.awaitApplied(result.offset()).thenApply(image -> {
                    AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData()
                            .setAllowReplicationFactorChange(data.allowReplicationFactorChange())
                            .setErrorCode(Errors.NONE.code());
                    int i = 0;
                    for (AlterPartitionReassignmentsRequestData.ReassignableTopic t : data.topics()) {
                        ReassignableTopicResponse topic = new ReassignableTopicResponse().setName(t.name());
                        for (AlterPartitionReassignmentsRequestData.ReassignablePartition p : t.partitions()) {
                            ControllerResult.ItemResult item = result.items().get(i++);
                            topic.partitions().add(new ReassignablePartitionResponse()
                                    .setPartitionIndex(p.partitionIndex()).setErrorCode(item.error().code())
                                    .setErrorMessage(item.message()));
                        }
                        response.responses().add(topic);
                    }
                    return (ApiMessage) response;
                }));
    }

    private static ApiMessage list(ListPartitionReassignmentsRequestData data, MetadataImage image) {
        ListPartitionReassignmentsResponseData response = new ListPartitionReassignmentsResponseData()
                .setErrorCode(Errors.NONE.code());
        if (data.topics() == null) {
            for (TopicImage topic : image.topics()) {
                addOngoing(response, topic, topic.partitions().keySet(), image);
            }
        } else {
            for (ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics t : data.topics()) {
                image.topic(t.name()).ifPresent(topic -> addOngoing(response, topic, t.partitionIndexes(), image));
            }
        }
        return response;
    }

    private static void addOngoing(ListPartitionReassignmentsResponseData response, TopicImage topic,
                                   Iterable<Integer> partitions, MetadataImage image) {
        OngoingTopicReassignment ongoing = new OngoingTopicReassignment().setName(topic.name());
        for (int index : partitions) {
            Reassignment r = image.reassignments().get(new PartitionId(topic.id(), index));
            PartitionState p = topic.partitions().get(index);
            if (r != null && p != null) {
                ongoing.partitions().add(new OngoingPartitionReassignment().setPartitionIndex(index)
                        .setReplicas(new ArrayList<>(p.replicas())).setAddingReplicas(new ArrayList<>(r.adding()))
                        .setRemovingReplicas(new ArrayList<>(r.removing())));
            }
        }
        if (!ongoing.partitions().isEmpty()) {
            response.topics().add(ongoing);
        }
    }
}
