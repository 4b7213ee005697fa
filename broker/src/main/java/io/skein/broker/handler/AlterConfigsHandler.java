package io.skein.broker.handler;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AlterConfigsRequest;

/**
 * IncrementalAlterConfigs and the legacy AlterConfigs for topics: the changes go through the
 * controller into the metadata log, and every broker applies them to its logs without a restart
 * (the answer is sent once this broker's image has them). Broker, broker-logger and other
 * resources are refused with INVALID_REQUEST: dynamic broker configs are not supported yet. With
 * ACLs, ALTER_CONFIGS on the topic (or the cluster for broker resources) is checked first.
 */
public final class AlterConfigsHandler implements RequestHandler {

    private final MetadataQuorum quorum;
    private final Authorization authz;

    public AlterConfigsHandler(MetadataQuorum quorum, Authorization authz) {
        this.authz = authz;
        this.quorum = quorum;
    }

    /** One resource of either request, with its answer. */
    private record Resource(byte type, String name, ControllerCommand.TopicConfigChange change, Errors error,
                            String message) {
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        List<Resource> resources = new ArrayList<>();
        boolean validateOnly;
        boolean incremental = !(request instanceof AlterConfigsRequest);
        if (incremental) {
            IncrementalAlterConfigsRequestData data =
                    ((org.apache.kafka.common.requests.IncrementalAlterConfigsRequest) request).data();
            validateOnly = data.validateOnly();
            for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : data.resources()) {
                List<ControllerCommand.ConfigOp> ops = new ArrayList<>();
                r.configs().forEach(c -> ops.add(new ControllerCommand.ConfigOp(c.name(), c.configOperation(), c.value())));
                resources.add(checked(context, resource(r.resourceType(), r.resourceName(), false, ops)));
            }
        } else {
            AlterConfigsRequestData data = ((AlterConfigsRequest) request).data();
            validateOnly = data.validateOnly();
            for (AlterConfigsRequestData.AlterConfigsResource r : data.resources()) {
                List<ControllerCommand.ConfigOp> ops = new ArrayList<>();
                r.configs().forEach(c -> ops.add(new ControllerCommand.ConfigOp(c.name(), ControllerCommand.ConfigOp.SET,
                        c.value())));
                resources.add(checked(context, resource(r.resourceType(), r.resourceName(), true, ops)));
            }
        }
        List<ControllerCommand.TopicConfigChange> changes = resources.stream().filter(r -> r.change() != null)
                .map(Resource::change).toList();
        CompletableFuture<Map<String, ControllerResult.ItemResult>> results = changes.isEmpty()
                ? CompletableFuture.completedFuture(Map.of())
                : quorum.submit(new ControllerCommand.AlterTopicConfigs(changes, validateOnly))
                .thenCompose(result -> quorum.awaitApplied(result.offset()).thenApply(applied -> {
                    Map<String, ControllerResult.ItemResult> byTopic = new HashMap<>();
                    result.items().forEach(i -> byTopic.put(i.key(), i));
                    return byTopic;
                }));
        return results.thenApply(byTopic -> incremental ? incrementalResponse(resources, byTopic)
                : legacyResponse(resources, byTopic));
    }

    private Resource checked(RequestContext context, Resource r) {
        Errors refusal = ConfigsHandler.refusal(context, authz, ConfigResource.Type.forId(r.type()), r.name(),
                AclOperation.ALTER_CONFIGS);
        return refusal == null ? r : new Resource(r.type(), r.name(), null, refusal, refusal.message());
    }

    private static Resource resource(byte type, String name, boolean replaceAll, List<ControllerCommand.ConfigOp> ops) {
        if (type != ConfigResource.Type.TOPIC.id()) {
            String what = type == ConfigResource.Type.BROKER.id() ? "Dynamic broker configs are"
                    : "Altering configs of resource type " + ConfigResource.Type.forId(type) + " is";
            return new Resource(type, name, null, Errors.INVALID_REQUEST, what + " not supported by this broker yet");
        }
        return new Resource(type, name, new ControllerCommand.TopicConfigChange(name, replaceAll, ops), null, null);
    }

    private static ControllerResult.ItemResult outcome(Resource r, Map<String, ControllerResult.ItemResult> byTopic) {
        if (r.error() != null) {
            return new ControllerResult.ItemResult(r.name(), r.error(), r.message());
        }
        ControllerResult.ItemResult item = byTopic.get(r.name());
        return item != null ? item : new ControllerResult.ItemResult(r.name(), Errors.UNKNOWN_SERVER_ERROR, null);
    }

    private static ApiMessage incrementalResponse(List<Resource> resources,
                                                  Map<String, ControllerResult.ItemResult> byTopic) {
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        for (Resource r : resources) {
            ControllerResult.ItemResult item = outcome(r, byTopic);
            response.responses().add(new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(r.type()).setResourceName(r.name()).setErrorCode(item.error().code())
                    .setErrorMessage(item.error() == Errors.NONE ? null : item.message()));
        }
        return response;
    }

    private static ApiMessage legacyResponse(List<Resource> resources, Map<String, ControllerResult.ItemResult> byTopic) {
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        for (Resource r : resources) {
            ControllerResult.ItemResult item = outcome(r, byTopic);
            response.responses().add(new AlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(r.type()).setResourceName(r.name()).setErrorCode(item.error().code())
                    .setErrorMessage(item.error() == Errors.NONE ? null : item.message()));
        }
        return response;
    }
}
