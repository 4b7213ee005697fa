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
 * implements end to end, throttle 0, and (from version 3) the features the registry declares,
 * finalized at the level implemented. Produce is advertised from version 0 as Kafka 4 does, because librdkafka
 * requires it (KAFKA-18659); a Produce request below the registered minimum is still refused.
 * A v3+ request with an invalid client software name or version gets INVALID_REQUEST.
 *
 * <p>Stateless apart from the registry, which is read-only once the server started.
 */
public final class ApiVersionsHandler implements RequestHandler {

    /** ApiVersions versions served: kafka-clients knows 0..5, Skein implements 0..4. */
    public static final short MAX_VERSION = 4;

    private final HandlerRegistry registry;

    public ApiVersionsHandler(HandlerRegistry registry) {
        this.registry = registry;
    }

    /** Registers ApiVersions (0..{@link #MAX_VERSION}) unless the registry already has it. */
    public static void registerInto(HandlerRegistry registry) {
        if (registry.get(ApiKeys.API_VERSIONS) == null) {
            registry.register(ApiKeys.API_VERSIONS, 0, MAX_VERSION, new ApiVersionsHandler(registry));
        }
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ApiVersionsRequest apiVersionsRequest = (ApiVersionsRequest) request;
        if (context.apiVersion() >= 3 && !apiVersionsRequest.isValid()) {
            return CompletableFuture.completedFuture(new ApiVersionsResponseData()
                    .setErrorCode(Errors.INVALID_REQUEST.code()));
        }
        ApiVersionsResponseData response = supportedVersions(registry);
        if (context.apiVersion() >= 3) {
            addFeatures(response, registry);
        }
        return CompletableFuture.completedFuture(response);
    }

    /** Every registered API and the versions to advertise for it. */
    public static ApiVersionsResponseData supportedVersions(HandlerRegistry registry) {
        ApiVersionCollection keys = new ApiVersionCollection(registry.all().size());
        for (HandlerRegistry.Registration r : registry.all().values()) {
            short min = r.apiKey() == ApiKeys.PRODUCE
                    ? (short) Math.min(r.minVersion(), ApiKeys.PRODUCE_API_VERSIONS_RESPONSE_MIN_VERSION)
                    : r.minVersion();
            keys.add(new ApiVersion().setApiKey(r.apiKey().id).setMinVersion(min).setMaxVersion(r.maxVersion()));
        }
        return new ApiVersionsResponseData().setErrorCode(Errors.NONE.code()).setThrottleTimeMs(0).setApiKeys(keys);
    }

    /** Supported and finalized features (tagged fields of version 3+), with a fixed finalized epoch. */
    private static void addFeatures(ApiVersionsResponseData response, HandlerRegistry registry) {
        if (registry.features().isEmpty()) {
            return;
        }
        ApiVersionsResponseData.SupportedFeatureKeyCollection supported =
                new ApiVersionsResponseData.SupportedFeatureKeyCollection();
        ApiVersionsResponseData.FinalizedFeatureKeyCollection finalized =
                new ApiVersionsResponseData.FinalizedFeatureKeyCollection();
        for (HandlerRegistry.Feature f : registry.features().values()) {
            supported.add(new ApiVersionsResponseData.SupportedFeatureKey().setName(f.name())
                    .setMinVersion(f.minVersion()).setMaxVersion(f.maxVersion()));
            finalized.add(new ApiVersionsResponseData.FinalizedFeatureKey().setName(f.name())
                    .setMinVersionLevel(f.finalizedLevel()).setMaxVersionLevel(f.finalizedLevel()));
        }
        response.setSupportedFeatures(supported).setFinalizedFeatures(finalized).setFinalizedFeaturesEpoch(1);
    }

    /**
     * The answer to an ApiVersions version newer than served, sent as version 0 so any client can
     * read it: UNSUPPORTED_VERSION and the ApiVersions range, so the client retries within it.
     */
    public static ApiVersionsResponseData unsupportedVersionResponse(HandlerRegistry registry) {
        HandlerRegistry.Registration self = registry.get(ApiKeys.API_VERSIONS);
        ApiVersionCollection keys = new ApiVersionCollection(1);
        keys.add(new ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id).setMinVersion(self.minVersion())
                .setMaxVersion(self.maxVersion()));
        return new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code()).setApiKeys(keys);
    }
}
