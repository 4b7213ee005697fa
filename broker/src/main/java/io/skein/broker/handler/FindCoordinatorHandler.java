package io.skein.broker.handler;

import io.skein.coordinator.group.GroupCoordinator;
import io.skein.replication.api.Endpoint;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * FindCoordinator for consumer groups (single-key versions 0-3 and batched versions 4+): the
 * coordinator of a group is the leader of its {@code __consumer_offsets} partition, and the topic
 * is created on the first lookup. Transaction and share coordinators do not exist yet; their
 * lookups get INVALID_REQUEST, so a transactional producer fails at once instead of retrying.
 * With ACLs a group key needs DESCRIBE on the group (GROUP_AUTHORIZATION_FAILED), a transactional
 * id DESCRIBE on it (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), checked first as in Kafka.
 */
public final class FindCoordinatorHandler implements RequestHandler {

    private final OffsetsTopic offsetsTopic;
    private final Authorization authz;

    public FindCoordinatorHandler(OffsetsTopic offsetsTopic, Authorization authz) {
        this.authz = authz;
        this.offsetsTopic = offsetsTopic;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        FindCoordinatorRequestData data = ((FindCoordinatorRequest) request).data();
        short version = context.apiVersion();
        List<String> keys = version >= 4 ? data.coordinatorKeys() : List.of(data.key());
        byte keyType = version >= 1 ? data.keyType() : CoordinatorType.GROUP.id();
        boolean transaction = keyType == CoordinatorType.TRANSACTION.id();
        if (keyType == CoordinatorType.GROUP.id() || transaction) {
            ResourceType type = transaction ? ResourceType.TRANSACTIONAL_ID : ResourceType.GROUP;
            Errors error = transaction ? Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : Errors.GROUP_AUTHORIZATION_FAILED;
            List<String> refused = keys.stream()
                    .filter(k -> !authz.authorize(context, AclOperation.DESCRIBE, type, k)).toList();
            if (!refused.isEmpty()) {
                List<String> allowed = keys.stream().filter(k -> !refused.contains(k)).toList();
                if (allowed.isEmpty() || transaction) {
                    return CompletableFuture.completedFuture(response(version, keys.stream()
                            .map(k -> refused.contains(k) ? failed(k, error, null)
                                    : failed(k, Errors.INVALID_REQUEST, "Transactions are not supported by this broker yet"))
                            .toList()));
                }
                return locateAll(context, version, allowed).thenApply(located -> {
                    List<Coordinator> all = new java.util.ArrayList<>(located.coordinators());
                    refused.forEach(k -> all.add(failed(k, error, null)));
                    return (ApiMessage) response(version, all);
                });
            }
        }
        if (keyType != CoordinatorType.GROUP.id()) {
            String message = keyType == CoordinatorType.TRANSACTION.id()
                    ? "Transactions are not supported by this broker yet"
                    : "Coordinator key type " + keyType + " is not supported";
            return CompletableFuture.completedFuture(response(version, keys.stream()
                    .map(k -> failed(k, Errors.INVALID_REQUEST, message)).toList()));
        }
        return locateAll(context, version, keys).thenApply(r -> r);
    }

    private CompletableFuture<FindCoordinatorResponseData> locateAll(RequestContext context, short version,
                                                                     List<String> keys) {
        return offsetsTopic.ensureExists().handle((image, error) -> {
            if (error != null) {
                return response(version, keys.stream().map(k -> failed(k, Errors.COORDINATOR_NOT_AVAILABLE,
                        "The offsets topic could not be created: "
                                + (error.getCause() != null ? error.getCause() : error).getMessage())).toList());
            }
            return response(version, keys.stream().map(k -> locate(image, k, context.listenerName())).toList());
        });
    }

    private static Coordinator locate(MetadataImage image, String groupId, String listenerName) {
        Optional<MetadataImage.TopicImage> topic = image.topic(Topic.GROUP_METADATA_TOPIC_NAME);
        if (topic.isEmpty() || topic.get().partitions().isEmpty()) {
            return failed(groupId, Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        int partition = GroupCoordinator.partitionFor(groupId, topic.get().partitions().size());
        PartitionState state = topic.get().partitions().get(partition);
        BrokerRegistration leader = state == null ? null : image.brokers().get(state.leader());
        if (leader == null || leader.fenced()) {
            return failed(groupId, Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        Optional<Endpoint> endpoint = MetadataHandler.endpointFor(leader, listenerName);
        if (endpoint.isEmpty()) {
            return failed(groupId, Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        return new Coordinator().setKey(groupId).setNodeId(leader.id()).setHost(endpoint.get().host())
                .setPort(endpoint.get().port()).setErrorCode(Errors.NONE.code());
    }

    private static Coordinator failed(String key, Errors error, String message) {
        return new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1).setErrorCode(error.code())
                .setErrorMessage(message == null ? error.message() : message);
    }

    private static FindCoordinatorResponseData response(short version, List<Coordinator> coordinators) {
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (version >= 4) {
            return response.setCoordinators(coordinators);
        }
        Coordinator c = coordinators.get(0);
        return response.setErrorCode(c.errorCode()).setErrorMessage(version >= 1 ? c.errorMessage() : null)
                .setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port());
    }
}
