package io.skein.broker.handler;

import io.skein.broker.config.BrokerConfig;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * DescribeConfigs for topics and for this broker. (AlterConfigs and IncrementalAlterConfigs
 * arrive with live config changes in the storage issue.) With ACLs: DESCRIBE_CONFIGS on the topic
 * (TOPIC_AUTHORIZATION_FAILED) or on the cluster for broker resources (CLUSTER_AUTHORIZATION_FAILED).
 */
public final class ConfigsHandler implements RequestHandler {

    private final MetadataQuorum quorum;
    private final ConfigDescriber describer;
    private final int localNodeId;
    private final Authorization authz;

    public ConfigsHandler(MetadataQuorum quorum, BrokerConfig config, Authorization authz) {
        this.authz = authz;
        this.quorum = quorum;
        this.describer = new ConfigDescriber(config);
        this.localNodeId = config.nodeId();
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DescribeConfigsRequestData data = ((DescribeConfigsRequest) request).data();
        MetadataImage image = quorum.image();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsRequestData.DescribeConfigsResource resource : data.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            response.results().add(result);
            ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            Errors refusal = refusal(context, authz, type, resource.resourceName(), AclOperation.DESCRIBE_CONFIGS);
            if (refusal != null) {
                result.setErrorCode(refusal.code()).setErrorMessage(refusal.message());
                continue;
            }
            if (type == ConfigResource.Type.TOPIC) {
                var topic = image.topic(resource.resourceName());
                if (topic.isEmpty()) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                            .setErrorMessage("Topic " + resource.resourceName() + " does not exist.");
                    continue;
                }
                result.setConfigs(describer.describeTopic(topic.get().configs(), resource.configurationKeys(),
                        data.includeSynonyms(), data.includeDocumentation()));
            } else if (type == ConfigResource.Type.BROKER) {
                String name = resource.resourceName();
                if (name.isEmpty()) {
                    continue; // cluster-wide dynamic defaults: none are set
                }
                if (!name.equals(Integer.toString(localNodeId))) {
                    result.setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("Unexpected broker id, expected " + localNodeId + " or empty string, but received " + name);
                    continue;
                }
                result.setConfigs(describer.describeBroker(resource.configurationKeys(), data.includeSynonyms(),
                        data.includeDocumentation()));
            } else {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Unsupported resource type " + type + " for DescribeConfigs");
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    /**
     * Kafka's check of a config resource: the operation on the topic, or on the cluster for broker
     * and broker-logger resources; null when allowed (or for types checked later as invalid).
     */
    static Errors refusal(RequestContext context, Authorization authz, ConfigResource.Type type, String name,
                          AclOperation operation) {
        if (type == ConfigResource.Type.TOPIC) {
            return authz.authorize(context, operation, ResourceType.TOPIC, name) ? null
                    : Errors.TOPIC_AUTHORIZATION_FAILED;
        }
        if (type == ConfigResource.Type.BROKER || type == ConfigResource.Type.BROKER_LOGGER) {
            return authz.authorizeCluster(context, operation) ? null : Errors.CLUSTER_AUTHORIZATION_FAILED;
        }
        return null;
    }
}
