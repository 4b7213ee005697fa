package io.skein.broker.handler;

import io.skein.replication.api.AclEntries;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.CreateAclsRequestData.AclCreation;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsFilterResult;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsMatchingAcl;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsResponse;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsResponse;

/**
 * CreateAcls, DescribeAcls and DeleteAcls, as Kafka answers them: SECURITY_DISABLED without an
 * authorizer; CLUSTER ALTER needed to create or delete and CLUSTER DESCRIBE to describe
 * (CLUSTER_AUTHORIZATION_FAILED otherwise). Creations and deletions go through the controller into
 * the metadata log; the answer is sent once this broker's image has them. Describe reads the image.
 */
public final class AclsHandler implements RequestHandler {

    private static final String NO_AUTHORIZER = "No Authorizer is configured.";

    private final MetadataQuorum quorum;
    private final Authorization authorization;

    public AclsHandler(MetadataQuorum quorum, Authorization authorization) {
        this.quorum = quorum;
        this.authorization = authorization;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        if (request instanceof DescribeAclsRequest describe) {
            return CompletableFuture.completedFuture(describe(context, describe.filter()));
        }
        if (request instanceof CreateAclsRequest create) {
            return create(context, create.aclCreations());
        }
        return delete(context, ((DeleteAclsRequest) request).filters());
    }

    private DescribeAclsResponseData describe(RequestContext context, AclBindingFilter filter) {
        DescribeAclsResponseData response = new DescribeAclsResponseData();
        ApiError error = refusal(context, AclOperation.DESCRIBE);
        if (error != null) {
            return response.setErrorCode(error.error().code()).setErrorMessage(error.message());
        }
        List<AclBinding> matching = quorum.image().acls().values().stream().filter(filter::matches).toList();
        return response.setResources(DescribeAclsResponse.aclsResources(matching));
    }

    private CompletableFuture<ApiMessage> create(RequestContext context, List<AclCreation> creations) {
        CreateAclsResponseData response = new CreateAclsResponseData();
        ApiError error = refusal(context, AclOperation.ALTER);
        if (error != null || creations.isEmpty()) {
            creations.forEach(c -> response.results().add(result(error == null ? ApiError.NONE : error)));
            return CompletableFuture.completedFuture(response);
        }
        // a creation with ANY or MATCH cannot even be a binding: refused here, the rest by the controller
        List<ApiError> early = new ArrayList<>();
        List<AclBinding> bindings = new ArrayList<>();
        for (AclCreation creation : creations) {
            try {
                bindings.add(CreateAclsRequest.aclBinding(creation));
                early.add(null);
            } catch (IllegalArgumentException e) {
                early.add(new ApiError(Errors.INVALID_REQUEST, e.getMessage()));
            }
        }
        CompletableFuture<List<ControllerResult.ItemResult>> submitted = bindings.isEmpty()
                ? CompletableFuture.completedFuture(List.of())
                : quorum.submit(new ControllerCommand.CreateAcls(bindings)).thenCompose(result ->
                        quorum.awaitApplied(result.offset()).thenApply(applied -> result.items()));
        return submitted.thenApply(items -> {
            int next = 0;
            for (ApiError refused : early) {
                if (refused != null) {
                    response.results().add(result(refused));
                } else {
                    ControllerResult.ItemResult item = items.get(next++);
                    response.results().add(result(new ApiError(item.error(), item.message())));
                }
            }
            return response;
        });
    }

    private static AclCreationResult result(ApiError error) {
        return new AclCreationResult().setErrorCode(error.error().code()).setErrorMessage(error.message());
    }

    private CompletableFuture<ApiMessage> delete(RequestContext context, List<AclBindingFilter> filters) {
        DeleteAclsResponseData response = new DeleteAclsResponseData();
        ApiError error = refusal(context, AclOperation.ALTER);
        if (error != null || filters.isEmpty()) {
            filters.forEach(f -> response.filterResults().add(new DeleteAclsFilterResult()
                    .setErrorCode(error.error().code()).setErrorMessage(error.message())));
            return CompletableFuture.completedFuture(response);
        }
        return quorum.submit(new ControllerCommand.DeleteAcls(filters))
                .thenCompose(result -> quorum.awaitApplied(result.offset()).thenApply(applied -> {
                    DeleteAclsFilterResult current = null;
                    for (ControllerResult.ItemResult item : result.items()) {
                        if (item.key().indexOf('/') < 0) {
                            // a filter's own result; the bindings it deleted follow it
                            current = new DeleteAclsFilterResult().setErrorCode(item.error().code())
                                    .setErrorMessage(item.error() == Errors.NONE ? null : item.message());
                            response.filterResults().add(current);
                        } else if (current != null) {
                            DeleteAclsMatchingAcl matching = DeleteAclsResponse.matchingAcl(
                                    AclEntries.decode(item.message()), ApiError.NONE);
                            current.matchingAcls().add(matching);
                        }
                    }
                    return (ApiMessage) response;
                }));
    }

    /** Why the caller may not do this, or null when it may. */
    private ApiError refusal(RequestContext context, AclOperation operation) {
        if (!authorization.enabled()) {
            return new ApiError(Errors.SECURITY_DISABLED, NO_AUTHORIZER);
        }
        if (!authorization.authorizeCluster(context, operation)) {
            return new ApiError(Errors.CLUSTER_AUTHORIZATION_FAILED, null);
        }
        return null;
    }
}
