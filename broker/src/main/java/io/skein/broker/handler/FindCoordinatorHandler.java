package io.skein.broker.handler;

import io.skein.coordinator.group.GroupCoordinator;
import io.skein.coordinator.transaction.TransactionCoordinator;
import io.skein.replication.api.Endpoint;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntBiFunction;
import org.apache.kafka.common.acl.AclOperation;
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
 * FindCoordinator for consumer groups and transactional ids (single-key versions 0-3 and batched
 * versions 4+): the coordinator of a key is the leader of its partition of the internal topic
 * ({@code __consumer_offsets} for groups, {@code __transaction_state} for transactional ids, the
 * partition being {@code abs(hashCode) % partitions} as in Kafka), and the topic is created on
 * the first lookup. Share coordinators do not exist; their lookups get INVALID_REQUEST. With ACLs
 * a group key needs DESCRIBE on the group (GROUP_AUTHORIZATION_FAILED), a transactional id
 * DESCRIBE on it (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), checked first as in Kafka.
 *
 * <p>Stateless; safe from any request thread.
 */
public final class FindCoordinatorHandler implements RequestHandler {

    private final InternalTopic offsetsTopic;
    private final InternalTopic transactionTopic;
    private final Authorization authz;

    public FindCoordinatorHandler(InternalTopic offsetsTopic, InternalTopic transactionTopic, Authorization authz) {
        this.authz = authz;
        this.offsetsTopic = offsetsTopic;
        this.transactionTopic = transactionTopic;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        FindCoordinatorRequestData data = ((FindCoordinatorRequest) request).data();
        short version = context.apiVersion();
        List<String> keys = version >= 4 ? data.coordinatorKeys() : List.of(data.key());
        byte keyType = version >= 1 ? data.keyType() : CoordinatorType.GROUP.id();
        InternalTopic topic;
        ToIntBiFunction<String, Integer> partitionFor;
        ResourceType resource;
        Errors denied;
        if (keyType == CoordinatorType.GROUP.id()) {
            topic = offsetsTopic;
            partitionFor = GroupCoordinator::partitionFor;
            resource = ResourceType.GROUP;
            denied = Errors.GROUP_AUTHORIZATION_FAILED;
        } else if (keyType == CoordinatorType.TRANSACTION.id()) {
            topic = transactionTopic;
            partitionFor = TransactionCoordinator::partitionFor;
            resource = ResourceType.TRANSACTIONAL_ID;
            denied = Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
        } else {
            return CompletableFuture.completedFuture(response(version, keys.stream()
                    .map(k -> failed(k, Errors.INVALID_REQUEST, "Coordinator key type " + keyType
                            + " is not supported")).toList()));
        }
        List<String> allowed = new ArrayList<>();
        List<Coordinator> refused = new ArrayList<>();
        for (String key : keys) {
            if (authz.authorize(context, AclOperation.DESCRIBE, resource, key)) {
                allowed.add(key);
            } else {
                refused.add(failed(key, denied, null));
            }
        }
        if (allowed.isEmpty()) {
            return CompletableFuture.completedFuture(response(version, refused));
        }
        return topic.ensureExists().handle((image, error) -> {
            List<Coordinator> all = new ArrayList<>();
            for (String key : allowed) {
                all.add(error != null ? failed(key, Errors.COORDINATOR_NOT_AVAILABLE, "The internal topic "
                        + topic.name() + " could not be created: "
                        + (error.getCause() != null ? error.getCause() : error).getMessage())
                        : locate(image, topic.name(), partitionFor, key, context.listenerName()));
            }
            all.addAll(refused);
            return response(version, all);
        });
    }

    private static Coordinator locate(MetadataImage image, String topicName,
                                      ToIntBiFunction<String, Integer> partitionFor, String key, String listenerName) {
        Optional<MetadataImage.TopicImage> topic = image.topic(topicName);
        if (topic.isEmpty() || topic.get().partitions().isEmpty()) {
            return failed(key, Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        int partition = partitionFor.applyAsInt(key, topic.get().partitions().size());
        PartitionState state = topic.get().partitions().get(partition);
        BrokerRegistration leader = state == null ? null : image.brokers().get(state.leader());
        if (leader == null || leader.fenced()) {
            return failed(key, Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        Optional<Endpoint> endpoint = MetadataHandler.endpointFor(leader, listenerName);
        if (endpoint.isEmpty()) {
            return failed(key, Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        return new Coordinator().setKey(key).setNodeId(leader.id()).setHost(endpoint.get().host())
                .setPort(endpoint.get().port()).setErrorCode(Errors.NONE.code());
    }

    private static Coordinator failed(String key, Errors error, String message) {
        return new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1).setErrorCode(error.code())
                .setErrorMessage(message == null ? error.message() : message);
    }

    private static ApiMessage response(short version, List<Coordinator> coordinators) {
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (version >= 4) {
            return response.setCoordinators(coordinators);
        }
        Coordinator c = coordinators.get(0);
        return response.setErrorCode(c.errorCode()).setErrorMessage(version >= 1 ? c.errorMessage() : null)
                .setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port());
    }
}
