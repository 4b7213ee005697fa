package io.skein.broker.handler;

import io.skein.coordinator.transaction.TransactionCoordinator;
import io.skein.coordinator.transaction.TransactionListing;
import io.skein.coordinator.transaction.TransactionLogEntry;
import io.skein.coordinator.transaction.TransactionState;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The admin view of the transaction coordinator: DescribeTransactions (per id: state, producer id
 * and epoch, timeout, start time, partitions) and ListTransactions (with state, producer-id,
 * duration and, from version 2, transactional-id pattern filters) over the transactional ids
 * this node coordinates. With ACLs, as in Kafka: DESCRIBE on each transactional id (described ids
 * answer TRANSACTIONAL_ID_AUTHORIZATION_FAILED, listed ones are left out) and the partitions of a
 * described transaction only for topics the caller may DESCRIBE.
 *
 * <p>Stateless; safe from any request thread.
 */
public final class TransactionAdminHandler implements RequestHandler {

    private final TransactionCoordinator coordinator;
    private final Authorization authz;

    public TransactionAdminHandler(TransactionCoordinator coordinator, Authorization authz) {
        this.coordinator = coordinator;
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ApiKeys api = context.header().apiKey();
        return CompletableFuture.completedFuture(switch (api) {
            case DESCRIBE_TRANSACTIONS -> describe(context, ((DescribeTransactionsRequest) request).data());
            case LIST_TRANSACTIONS -> list(context, ((ListTransactionsRequest) request).data());
            default -> throw new IllegalArgumentException("TransactionAdminHandler does not serve " + api);
        });
    }

    private ApiMessage describe(RequestContext context, DescribeTransactionsRequestData data) {
        DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
        for (String id : data.transactionalIds()) {
            DescribeTransactionsResponseData.TransactionState out = new DescribeTransactionsResponseData
                    .TransactionState().setTransactionalId(id).setTransactionState("").setProducerId(-1)
                    .setProducerEpoch((short) -1).setTransactionStartTimeMs(-1);
            response.transactionStates().add(out);
            if (!authz.authorize(context, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id)) {
                out.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
                continue;
            }
            TransactionCoordinator.Described described = coordinator.describeTransaction(id);
            out.setErrorCode(described.error().code());
            if (described.error() != Errors.NONE) {
                continue;
            }
            TransactionLogEntry e = described.entry();
            out.setTransactionState(e.state().displayName()).setProducerId(e.producerId())
                    .setProducerEpoch(e.producerEpoch()).setTransactionTimeoutMs(e.timeoutMs())
                    .setTransactionStartTimeMs(e.startTimestampMs());
            e.partitions().forEach((topic, partitions) -> {
                if (authz.allows(context, AclOperation.DESCRIBE, ResourceType.TOPIC, topic)) {
                    out.topics().add(new TopicData().setTopic(topic).setPartitions(partitions.stream().toList()));
                }
            });
        }
        return response;
    }

    private ApiMessage list(RequestContext context, ListTransactionsRequestData data) {
        ListTransactionsResponseData response = new ListTransactionsResponseData();
        Set<TransactionState> states = EnumSet.noneOf(TransactionState.class);
        for (String name : data.stateFilters()) {
            TransactionState state = TransactionState.fromDisplayName(name);
            if (state == null) {
                response.unknownStateFilters().add(name);
            } else {
                states.add(state);
            }
        }
        if (!data.stateFilters().isEmpty() && states.isEmpty()) {
            return response.setErrorCode(Errors.NONE.code()); // only unknown states: nothing can match
        }
        Pattern pattern;
        try {
            String regex = context.apiVersion() >= 2 ? data.transactionalIdPattern() : null;
            pattern = regex == null || regex.isEmpty() ? null : Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code());
        }
        long minDuration = context.apiVersion() >= 1 ? data.durationFilter() : -1;
        TransactionListing.Result result = coordinator.list(states, new HashSet<>(data.producerIdFilters()),
                minDuration);
        response.setErrorCode(result.error().code());
        for (TransactionListing.Listed listed : result.transactions()) {
            if ((pattern == null || pattern.matcher(listed.transactionalId()).matches())
                    && authz.allows(context, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID,
                    listed.transactionalId())) {
                response.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                        .setTransactionalId(listed.transactionalId()).setProducerId(listed.producerId())
                        .setTransactionState(listed.state().displayName()));
            }
        }
        return response;
    }
}
