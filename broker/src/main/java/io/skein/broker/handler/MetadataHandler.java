package io.skein.broker.handler;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.Endpoint;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.TopicImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.security.acl.AclAuthorizer;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Metadata: brokers, cluster id, topics with ids and partition leadership, and topic
 * auto-creation when {@code auto.create.topics.enable=true} (Kafka's default). With ACLs, as in
 * Kafka: listing all topics omits those the caller may not DESCRIBE; a topic asked for by name
 * or id answers TOPIC_AUTHORIZATION_FAILED (by id without its name); auto-creation
 * needs CREATE on the cluster or on the topic.
 *
 * <p>Stateless apart from its collaborators; runs on request-handler threads.
 */
public final class MetadataHandler implements RequestHandler {

    private final MetadataQuorum quorum;
    private final int localNodeId;
    private final boolean autoCreateTopics;
    private final Authorization authz;

    public MetadataHandler(MetadataQuorum quorum, int localNodeId, boolean autoCreateTopics, Authorization authz) {
        this.authz = authz;
        this.quorum = quorum;
        this.localNodeId = localNodeId;
        this.autoCreateTopics = autoCreateTopics;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        MetadataRequest metadataRequest = (MetadataRequest) request;
        MetadataRequestData data = metadataRequest.data();
        MetadataImage image = quorum.image();
        boolean allowAutoCreate = autoCreateTopics && (context.apiVersion() < 4 || data.allowAutoTopicCreation());
        if (metadataRequest.isAllTopics() || data.topics() == null) {
            List<Requested> all = authz.filter(context, AclOperation.DESCRIBE, ResourceType.TOPIC, image.topics(),
                    MetadataImage.TopicImage::name).stream().map(t -> new Requested(t.name(), t.id())).toList();
            return CompletableFuture.completedFuture(response(context, image, all, Map.of(), data));
        }
        List<Requested> requested = new ArrayList<>();
        List<ControllerCommand.NewTopic> toCreate = new ArrayList<>();
        Map<String, Errors> refused = new LinkedHashMap<>();
        for (MetadataRequestData.MetadataRequestTopic t : data.topics()) {
            String name = t.name();
            Uuid id = t.topicId() == null ? Uuid.ZERO_UUID : t.topicId();
            if (name == null && !Uuid.ZERO_UUID.equals(id)) {
                requested.add(new Requested(null, id));
                continue;
            }
            requested.add(new Requested(name, Uuid.ZERO_UUID));
            if (name != null && !authz.authorize(context, AclOperation.DESCRIBE, ResourceType.TOPIC, name)) {
                refused.put(name, Errors.TOPIC_AUTHORIZATION_FAILED);
                continue;
            }
            if (name != null && image.topic(name).isEmpty() && allowAutoCreate && Topic.isValid(name)
                    && !Topic.isInternal(name) && !mayCreate(context, name)) {
                refused.put(name, Errors.TOPIC_AUTHORIZATION_FAILED);
                continue;
            }
            if (name != null && image.topic(name).isEmpty() && allowAutoCreate && Topic.isValid(name)
                    && !Topic.isInternal(name)) {
                toCreate.add(new ControllerCommand.NewTopic(name, -1, (short) -1, Map.of(), Map.of()));
            }
        }
        if (toCreate.isEmpty()) {
            return CompletableFuture.completedFuture(response(context, image, requested, refused, data));
        }
        return quorum.submit(new ControllerCommand.CreateTopics(toCreate, false))
                .thenCompose(result -> quorum.awaitApplied(result.offset()).thenApply(applied -> {
                    Map<String, Errors> createErrors = new LinkedHashMap<>(refused);
                    for (ControllerResult.ItemResult item : result.items()) {
                        if (item.error() != Errors.NONE && item.error() != Errors.TOPIC_ALREADY_EXISTS) {
                            createErrors.put(item.key(), item.error());
                        }
                    }
                    return (ApiMessage) response(context, applied, requested, createErrors, data);
                }))
                .exceptionally(e -> response(context, quorum.image(), requested,
                        leaderNotAvailable(toCreate, refused), data));
    }

    /** Kafka's rule for auto-creation: CREATE on the cluster, or else on the topic. */
    private boolean mayCreate(RequestContext context, String topic) {
        return authz.allowsCluster(context, AclOperation.CREATE)
                || authz.authorize(context, AclOperation.CREATE, ResourceType.TOPIC, topic);
    }

    private static Map<String, Errors> leaderNotAvailable(List<ControllerCommand.NewTopic> topics,
                                                          Map<String, Errors> refused) {
        Map<String, Errors> errors = new LinkedHashMap<>(refused);
        topics.forEach(t -> errors.put(t.name(), Errors.LEADER_NOT_AVAILABLE));
        return errors;
    }

    private record Requested(String name, Uuid id) {
    }

    private MetadataResponseData response(RequestContext context, MetadataImage image, List<Requested> requested,
                                          Map<String, Errors> createErrors, MetadataRequestData request) {
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(image.clusterId())
                .setControllerId(localNodeId);
        for (BrokerRegistration broker : image.brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            endpointFor(broker, context.listenerName()).ifPresent(ep -> response.brokers().add(
                    new MetadataResponseBroker().setNodeId(broker.id()).setHost(ep.host()).setPort(ep.port())
                            .setRack(broker.rack())));
        }
        for (Requested r : requested) {
            MetadataResponseTopic out = new MetadataResponseTopic().setName(r.name()).setTopicId(r.id());
            Errors refusal = r.name() == null ? null : createErrors.get(r.name());
            if (refusal == Errors.TOPIC_AUTHORIZATION_FAILED) {
                response.topics().add(out.setErrorCode(refusal.code()));
                continue;
            }
            Optional<TopicImage> topic = r.name() != null ? image.topic(r.name()) : image.topic(r.id());
            if (r.name() == null && topic.isPresent()
                    && !authz.authorize(context, AclOperation.DESCRIBE, ResourceType.TOPIC, topic.get().name())) {
                // by id, as Kafka: the id but never the name
                response.topics().add(out.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                continue;
            }
            if (topic.isEmpty()) {
                Errors error = r.name() == null ? Errors.UNKNOWN_TOPIC_ID
                        : createErrors.getOrDefault(r.name(),
                        Topic.isValid(r.name()) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION);
                response.topics().add(out.setErrorCode(error.code()));
                continue;
            }
            TopicImage t = topic.get();
            out.setName(t.name()).setTopicId(t.id()).setIsInternal(Topic.isInternal(t.name()));
            if (request.includeTopicAuthorizedOperations()) {
                out.setTopicAuthorizedOperations(authz.authorizedOperations(context, ResourceType.TOPIC, t.name()));
            }
            for (PartitionState p : t.partitions().values()) {
                out.partitions().add(new MetadataResponsePartition()
                        .setPartitionIndex(p.partition())
                        .setLeaderId(p.leader())
                        .setLeaderEpoch(p.leaderEpoch())
                        .setReplicaNodes(new ArrayList<>(p.replicas()))
                        .setIsrNodes(new ArrayList<>(p.isr()))
                        .setErrorCode(p.leader() < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code()));
            }
            response.topics().add(out);
        }
        if (request.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(clusterAuthorizedOperations(authz, context));
        }
        return response;
    }

    /** Kafka reports the cluster's operations only to a caller allowed to DESCRIBE it, and 0 to others. */
    static int clusterAuthorizedOperations(Authorization authz, RequestContext context) {
        return authz.allowsCluster(context, AclOperation.DESCRIBE)
                ? authz.authorizedOperations(context, ResourceType.CLUSTER, AclAuthorizer.CLUSTER_NAME)
                : 0;
    }

    /** The broker's endpoint on the listener the client used, as Kafka answers Metadata. */
    static Optional<Endpoint> endpointFor(BrokerRegistration broker, String listenerName) {
        return broker.endpoints().stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }
}
