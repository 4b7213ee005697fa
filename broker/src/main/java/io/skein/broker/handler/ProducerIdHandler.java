package io.skein.broker.handler;

import io.skein.coordinator.producerid.ProducerIdAllocator;
import io.skein.security.acl.AclAuthorizer;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * InitProducerId for idempotent producers (no transactional id): a fresh producer id with epoch 0
 * from a block reserved through the controller. Transactional ids are refused until the
 * transaction coordinator exists (FindCoordinator for transactions is not advertised either).
 * With ACLs, as in Kafka 4: an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE
 * on at least one topic (CLUSTER_AUTHORIZATION_FAILED), a transactional one WRITE on its id.
 */
public final class ProducerIdHandler implements RequestHandler {

    private final ProducerIdAllocator allocator;
    private final Authorization authz;

    public ProducerIdHandler(ProducerIdAllocator allocator, Authorization authz) {
        this.authz = authz;
        this.allocator = allocator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        InitProducerIdRequestData data = ((InitProducerIdRequest) request).data();
        if (data.transactionalId() != null
                && !authz.authorize(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, data.transactionalId())) {
            return refused(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        }
        if (data.transactionalId() == null && !authz.allowsCluster(context, AclOperation.IDEMPOTENT_WRITE)
                && !authz.authorizeAny(context, AclOperation.WRITE, ResourceType.TOPIC)) {
            authz.logDenied(context, AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, AclAuthorizer.CLUSTER_NAME);
            return refused(Errors.CLUSTER_AUTHORIZATION_FAILED);
        }
        if (data.transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponseData()
                    .setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code()).setProducerId(-1).setProducerEpoch((short) -1));
        }
        return allocator.nextId().thenApply(id -> new InitProducerIdResponseData()
                .setProducerId(id).setProducerEpoch((short) 0).setErrorCode(Errors.NONE.code()));
    }

    private static CompletableFuture<ApiMessage> refused(Errors error) {
        return CompletableFuture.completedFuture(new InitProducerIdResponseData().setErrorCode(error.code())
                .setProducerId(-1).setProducerEpoch((short) -1));
    }
}
