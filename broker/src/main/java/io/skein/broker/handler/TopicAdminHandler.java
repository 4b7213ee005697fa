package io.skein.broker.handler;

import io.skein.broker.config.BrokerConfig;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * CreateTopics, DeleteTopics and CreatePartitions: turned into controller commands, answered once
 * the controller committed them and this node's image shows the result. With ACLs, as in Kafka:
 * creating needs CREATE on the cluster or the topic, deleting DELETE on the cluster or the topic,
 * and adding partitions ALTER on the topic (TOPIC_AUTHORIZATION_FAILED otherwise, decided before anything reaches the
 * controller); a created topic's configs are reported only to a caller allowed DESCRIBE_CONFIGS.
 */
public final class TopicAdminHandler implements RequestHandler {

    private final MetadataQuorum quorum;
    private final ConfigDescriber describer;
    private final BrokerConfig config;
    private final Authorization authz;

    public TopicAdminHandler(MetadataQuorum quorum, BrokerConfig config, Authorization authz) {
        this.authz = authz;
        this.quorum = quorum;
        this.config = config;
        this.describer = new ConfigDescriber(config);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ApiKeys api = context.header().apiKey();
        return switch (api) {
            case CREATE_TOPICS -> createTopics(context, ((CreateTopicsRequest) request).data());
            case DELETE_TOPICS -> deleteTopics(context, (DeleteTopicsRequest) request);
            case CREATE_PARTITIONS -> createPartitions(context, ((CreatePartitionsRequest) request).data());
            default -> throw new IllegalArgumentException("TopicAdminHandler does not handle " + api);
        };
    }

    private CompletableFuture<ApiMessage> createTopics(RequestContext context, CreateTopicsRequestData data) {
        List<ControllerCommand.NewTopic> topics = new ArrayList<>();
        boolean clusterCreate = authz.allowsCluster(context, AclOperation.CREATE);
        java.util.Set<String> refused = new java.util.HashSet<>();
        for (CreatableTopic t : data.topics()) {
            if (!clusterCreate && !authz.authorize(context, AclOperation.CREATE, ResourceType.TOPIC, t.name())) {
                refused.add(t.name());
                continue;
            }
            Map<Integer, List<Integer>> assignments = new LinkedHashMap<>();
            t.assignments().forEach(a -> assignments.put(a.partitionIndex(), new ArrayList<>(a.brokerIds())));
            Map<String, String> configs = new LinkedHashMap<>();
            t.configs().forEach(c -> configs.put(c.name(), c.value()));
            topics.add(new ControllerCommand.NewTopic(t.name(), t.numPartitions(), t.replicationFactor(), assignments,
                    configs));
        }
        boolean validateOnly = data.validateOnly();
        CompletableFuture<ControllerResult> submitted = topics.isEmpty()
                ? CompletableFuture.completedFuture(new ControllerResult(quorum.image().offset(), List.of(), -1))
                : quorum.submit(new ControllerCommand.CreateTopics(topics, validateOnly));
        return submitted.thenCompose(result -> quorum.awaitApplied(result.offset()).thenApply(image -> {
            CreateTopicsResponseData response = new CreateTopicsResponseData();
            Map<String, ControllerResult.ItemResult> byName = new HashMap<>();
            result.items().forEach(i -> byName.put(i.key(), i));
            Map<String, ControllerCommand.NewTopic> asked = new HashMap<>();
            topics.forEach(t -> asked.putIfAbsent(t.name(), t));
            for (CreatableTopic requested : data.topics()) {
                CreatableTopicResult out = new CreatableTopicResult().setName(requested.name());
                ControllerResult.ItemResult item = refused.contains(requested.name()) ? null
                        : byName.get(requested.name());
                if (item == null) {
                    out.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()).setErrorMessage("Authorization failed.");
                } else {
                    out.setErrorCode(item.error().code()).setErrorMessage(item.message());
                    if (item.error() == Errors.NONE) {
                        describeCreated(context, out, asked.get(requested.name()), image, validateOnly);
                    }
                }
                response.topics().add(out);
            }
            return (ApiMessage) response;
        }));
    }

    private void describeCreated(RequestContext context, CreatableTopicResult out, ControllerCommand.NewTopic t,
                                 MetadataImage image, boolean validateOnly) {
        short version = context.apiVersion();
        int partitions = !t.assignments().isEmpty() ? t.assignments().size()
                : t.numPartitions() > 0 ? t.numPartitions() : config.getInt("num.partitions");
        int replicationFactor = !t.assignments().isEmpty() ? t.assignments().values().iterator().next().size()
                : t.replicationFactor() > 0 ? t.replicationFactor() : config.getShort("default.replication.factor");
        Map<String, String> overrides = t.configs();
        if (!validateOnly) {
            var topic = image.topic(t.name());
            if (topic.isPresent()) {
                out.setTopicId(topic.get().id());
                partitions = topic.get().partitions().size();
                replicationFactor = topic.get().partitions().values().iterator().next().replicas().size();
                overrides = topic.get().configs();
            }
        } else {
            out.setTopicId(Uuid.ZERO_UUID);
        }
        out.setNumPartitions(partitions).setReplicationFactor((short) replicationFactor);
        if (version >= 5 && !authz.allows(context, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, t.name())) {
            // as Kafka: created, but nothing about its configuration for a caller who may not see it
            out.setNumPartitions(-1).setReplicationFactor((short) -1)
                    .setTopicConfigErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
            return;
        }
        if (version >= 5) {
            List<CreatableTopicConfigs> configs = new ArrayList<>();
            describer.describeTopic(overrides, null, false, false).forEach(c -> configs.add(new CreatableTopicConfigs()
                    .setName(c.name()).setValue(c.value()).setReadOnly(c.readOnly())
                    .setConfigSource(c.configSource()).setIsSensitive(c.isSensitive())));
            out.setConfigs(configs);
        }
    }

    private CompletableFuture<ApiMessage> deleteTopics(RequestContext context, DeleteTopicsRequest request) {
        List<ControllerCommand.TopicRef> refs = new ArrayList<>();
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        MetadataImage current = quorum.image();
        for (DeleteTopicsRequestData.DeleteTopicState t : request.topics()) {
            Uuid id = t.topicId() == null || Uuid.ZERO_UUID.equals(t.topicId()) ? null : t.topicId();
            Refusal refusal = deleteRefusal(context, current, t.name(), id);
            if (refusal != null) {
                String name = id == null ? t.name()
                        : refusal.showName() ? current.topic(id).map(MetadataImage.TopicImage::name).orElse(null) : null;
                response.responses().add(new DeletableTopicResult().setName(name)
                        .setTopicId(id == null ? Uuid.ZERO_UUID : id).setErrorCode(refusal.error().code()));
                continue;
            }
            refs.add(new ControllerCommand.TopicRef(id == null ? t.name() : null, id));
        }
        if (refs.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        if (!config.getBoolean("delete.topic.enable")) {
            for (ControllerCommand.TopicRef ref : refs) {
                response.responses().add(new DeletableTopicResult().setName(ref.name())
                        .setTopicId(ref.id() == null ? Uuid.ZERO_UUID : ref.id())
                        .setErrorCode(Errors.TOPIC_DELETION_DISABLED.code()));
            }
            return CompletableFuture.completedFuture(response);
        }
        MetadataImage before = quorum.image();
        return quorum.submit(new ControllerCommand.DeleteTopics(refs))
                .thenCompose(result -> quorum.awaitApplied(result.offset()).thenApply(image -> {
                    for (int i = 0; i < refs.size(); i++) {
                        ControllerCommand.TopicRef ref = refs.get(i);
                        ControllerResult.ItemResult item = result.items().get(i);
                        String name = ref.name() != null ? ref.name()
                                : before.topic(ref.id()).map(MetadataImage.TopicImage::name).orElse(null);
                        Uuid id = ref.id() != null ? ref.id()
                                : before.topic(ref.name()).map(MetadataImage.TopicImage::id).orElse(Uuid.ZERO_UUID);
                        response.responses().add(new DeletableTopicResult().setName(name).setTopicId(id)
                                .setErrorCode(item.error().code()).setErrorMessage(item.message()));
                    }
                    return (ApiMessage) response;
                }));
    }

    /** Why a deletion is refused, and whether the answer may carry the topic's name. */
    private record Refusal(Errors error, boolean showName) {
    }

    /**
     * Kafka's checks before a deletion: DELETE on the cluster allows every topic; otherwise DELETE
     * on the topic. A topic named but not describable is refused before its existence is checked;
     * one given by id is refused without its name unless the caller may DESCRIBE it. Unknown
     * topics and ids are left to the controller.
     */
    private Refusal deleteRefusal(RequestContext context, MetadataImage image, String name, Uuid id) {
        if (!authz.enabled() || authz.allowsCluster(context, AclOperation.DELETE)) {
            return null;
        }
        String topic = id == null ? name : image.topic(id).map(MetadataImage.TopicImage::name).orElse(null);
        if (topic == null) {
            return null;
        }
        boolean describable = authz.allows(context, AclOperation.DESCRIBE, ResourceType.TOPIC, topic);
        if (id == null && !describable) {
            authz.logDenied(context, AclOperation.DESCRIBE, ResourceType.TOPIC, topic);
            return new Refusal(Errors.TOPIC_AUTHORIZATION_FAILED, true);
        }
        if (id == null && image.topic(topic).isEmpty()) {
            return null;
        }
        return authz.authorize(context, AclOperation.DELETE, ResourceType.TOPIC, topic) ? null
                : new Refusal(Errors.TOPIC_AUTHORIZATION_FAILED, describable);
    }

    private CompletableFuture<ApiMessage> createPartitions(RequestContext context, CreatePartitionsRequestData data) {
        List<ControllerCommand.PartitionIncrease> increases = new ArrayList<>();
        CreatePartitionsResponseData refusedResponse = new CreatePartitionsResponseData();
        for (CreatePartitionsRequestData.CreatePartitionsTopic t : data.topics()) {
            if (!authz.authorize(context, AclOperation.ALTER, ResourceType.TOPIC, t.name())) {
                refusedResponse.results().add(new CreatePartitionsResponseData.CreatePartitionsTopicResult()
                        .setName(t.name()).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                continue;
            }
            List<List<Integer>> assignments = new ArrayList<>();
            if (t.assignments() != null) {
                t.assignments().forEach(a -> assignments.add(new ArrayList<>(a.brokerIds())));
            }
            increases.add(new ControllerCommand.PartitionIncrease(t.name(), t.count(), assignments));
        }
        if (increases.isEmpty()) {
            return CompletableFuture.completedFuture(refusedResponse);
        }
        return quorum.submit(new ControllerCommand.CreatePartitions(increases, data.validateOnly()))
                .thenCompose(result -> quorum.awaitApplied(result.offset()).thenApply(image -> {
                    CreatePartitionsResponseData response = refusedResponse;
                    for (int i = 0; i < increases.size(); i++) {
                        ControllerResult.ItemResult item = result.items().get(i);
                        response.results().add(new CreatePartitionsResponseData.CreatePartitionsTopicResult()
                                .setName(increases.get(i).topic())
                                .setErrorCode(item.error().code())
                                .setErrorMessage(item.message()));
                    }
                    return (ApiMessage) response;
                }));
    }
}
