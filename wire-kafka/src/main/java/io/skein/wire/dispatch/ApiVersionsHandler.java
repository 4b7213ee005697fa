package io.skein.wire.dispatch;

import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/**
 * ApiVersions, answered from the handler registry: every registered API with the versions it
 * implements end to end. Produce is advertised from version 0 as Kafka does, because librdkafka
 * requires it (KAFKA-18659); older Produce versions are still refused when sent. No feature
 * levels are finalized: none of the features they gate are implemented yet.
 */
public final class ApiVersionsHandler implements RequestHandler {

    /** ApiVersions versions served (kafka-clients knows 0..5; the skeleton implements 0..4). */
    public static final short MAX_VERSION = 4;

    private final HandlerRegistry registry;

    public ApiVersionsHandler(HandlerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ApiVersionsRequest apiVersionsRequest = (ApiVersionsRequest) request;
        if (context.apiVersion() >= 3 && !apiVersionsRequest.isValid()) {
            return CompletableFuture.completedFuture(new ApiVersionsResponseData()
                    .setErrorCode(Errors.INVALID_REQUEST.code()));
        }
        return CompletableFuture.completedFuture(response());
    }

    /** The full answer: every registered API and its versions. */
    public ApiVersionsResponseData response() {
        ApiVersionCollection keys = new ApiVersionCollection();
        for (HandlerRegistry.Registration r : registry.all().values()) {
            short min = r.apiKey() == ApiKeys.PRODUCE ? ApiKeys.PRODUCE_API_VERSIONS_RESPONSE_MIN_VERSION : r.minVersion();
            keys.add(new ApiVersion().setApiKey(r.apiKey().id).setMinVersion(min).setMaxVersion(r.maxVersion()));
        }
        return new ApiVersionsResponseData().setErrorCode(Errors.NONE.code()).setApiKeys(keys);
    }

    /** The v0 answer to an ApiVersions version this node does not serve. */
    public ApiVersionsResponseData unsupportedVersionResponse() {
        HandlerRegistry.Registration self = registry.get(ApiKeys.API_VERSIONS);
        ApiVersionCollection keys = new ApiVersionCollection();
        keys.add(new ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id).setMinVersion(self.minVersion())
                .setMaxVersion(self.maxVersion()));
        return new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code()).setApiKeys(keys);
    }
}
