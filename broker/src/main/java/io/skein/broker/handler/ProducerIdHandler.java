package io.skein.broker.handler;

import io.skein.coordinator.producerid.ProducerIdAllocator;
import io.skein.coordinator.transaction.TransactionCoordinator;
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
 * InitProducerId. For idempotent producers (no transactional id): a fresh producer id with epoch
 * 0 from a block reserved through the controller. For transactional producers: the transaction
 * coordinator's answer (epoch bump, fencing of an older instance, abort of its open transaction,
 * INVALID_TRANSACTION_TIMEOUT above {@code transaction.max.timeout.ms}). Two-phase commit
 * (KIP-939, version 6: {@code enable_2pc}, {@code keep_prepared_txn}) is not implemented and is
 * refused with INVALID_REQUEST. With ACLs, as in Kafka 4: an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE
 * on at least one topic (CLUSTER_AUTHORIZATION_FAILED), a transactional one WRITE on its id.
 */
public final class ProducerIdHandler implements RequestHandler {

    private final ProducerIdAllocator allocator;
    private final TransactionCoordinator transactions;
    private final Authorization authz;

    public ProducerIdHandler(ProducerIdAllocator allocator, TransactionCoordinator transactions, Authorization authz) {
        this.authz = authz;
        this.allocator = allocator;
        this.transactions = transactions;
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
        if (data.enable2Pc() || data.keepPreparedTxn()) {
            return refused(Errors.INVALID_REQUEST);
        }
        if (data.transactionalId() != null) {
            // answered once the new epoch is replicated in __transaction_state
            return transactions.initProducerId(data.transactionalId(), data.transactionTimeoutMs(),
                    data.producerId(), data.producerEpoch()).thenApply(result -> new InitProducerIdResponseData()
                    .setErrorCode(TransactionErrors.forVersion(result.error(), context.apiVersion(), 4).code())
                    .setProducerId(result.producerId()).setProducerEpoch(result.producerEpoch()));
        }
        return allocator.nextId().thenApply(id -> new InitProducerIdResponseData()
                .setProducerId(id).setProducerEpoch((short) 0).setErrorCode(Errors.NONE.code()));
    }

    private static CompletableFuture<ApiMessage> refused(Errors error) {
        return CompletableFuture.completedFuture(new InitProducerIdResponseData().setErrorCode(error.code())
                .setProducerId(-1).setProducerEpoch((short) -1));
    }
}
