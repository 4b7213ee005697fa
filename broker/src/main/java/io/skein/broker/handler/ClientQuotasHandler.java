package io.skein.broker.handler;

import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;

/**
 * DescribeClientQuotas. Skein has no client quotas (AlterClientQuotas is not served), so every
 * valid filter matches nothing and the answer lists no entries — the true answer, which tools such
 * as {@code kafka-configs --describe --entity-type users} need before they list SCRAM users. The
 * filter is checked as Kafka checks it (INVALID_REQUEST for an unknown or repeated entity type,
 * ip mixed with user or client-id, or an exact match without a name), and the caller needs
 * DESCRIBE_CONFIGS on the cluster.
 */
public final class ClientQuotasHandler implements RequestHandler {

    private static final Set<String> ENTITY_TYPES = Set.of(ClientQuotaEntity.USER, ClientQuotaEntity.CLIENT_ID,
            ClientQuotaEntity.IP);

    private final Authorization authz;

    public ClientQuotasHandler(Authorization authz) {
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DescribeClientQuotasRequestData data = ((DescribeClientQuotasRequest) request).data();
        DescribeClientQuotasResponseData response = new DescribeClientQuotasResponseData();
        if (!authz.authorizeCluster(context, AclOperation.DESCRIBE_CONFIGS)) {
            return done(response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .setErrorMessage(Errors.CLUSTER_AUTHORIZATION_FAILED.message()));
        }
        String invalid = invalidFilter(data);
        if (invalid != null) {
            return done(response.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(invalid));
        }
        return done(response.setErrorCode(Errors.NONE.code()).setEntries(new ArrayList<>()));
    }

    private static String invalidFilter(DescribeClientQuotasRequestData data) {
        Set<String> seen = new HashSet<>();
        for (ComponentData c : data.components()) {
            if (!ENTITY_TYPES.contains(c.entityType())) {
                return "Custom entity type '" + c.entityType() + "' not supported";
            }
            if (!seen.add(c.entityType())) {
                return "Duplicate " + c.entityType() + " filter component entity type";
            }
            if (c.matchType() == DescribeClientQuotasRequest.MATCH_TYPE_EXACT && c.match() == null) {
                return "Unexpected null match for an exact match on entity type " + c.entityType();
            }
            if (c.matchType() != DescribeClientQuotasRequest.MATCH_TYPE_EXACT
                    && c.matchType() != DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT
                    && c.matchType() != DescribeClientQuotasRequest.MATCH_TYPE_SPECIFIED) {
                return "Unexpected match type " + c.matchType();
            }
        }
        if (seen.contains(ClientQuotaEntity.IP) && seen.size() > 1) {
            return "Invalid entity filter component combination, IP filter component should not be used with "
                    + "user or clientId filter component.";
        }
        return null;
    }

    private static CompletableFuture<ApiMessage> done(DescribeClientQuotasResponseData response) {
        return CompletableFuture.completedFuture(response);
    }
}
