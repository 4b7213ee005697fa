package io.skein.broker.handler;

import io.skein.replication.api.MetadataQuorum;
import io.skein.security.acl.AclAuthorizer;
import io.skein.security.acl.DenialLog;
import io.skein.wire.api.RequestContext;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The one place request handlers ask "may this request's principal do that?". Without
 * {@code authorizer.class.name} every answer is yes (as before ACLs existed). With it, the built-in
 * {@link AclAuthorizer} decides over the ACL bindings of the current metadata image; the index is
 * rebuilt whenever the image's bindings change (checked by identity on each call, so a request
 * that follows a CreateAcls answered by this broker sees the new bindings).
 *
 * <p>Named checks ({@link #authorize}) log a denial the way Kafka's authorizer does; filtering
 * checks ({@link #filter}, {@link #authorizedOperations}) do not, as in Kafka, where hiding what a
 * caller may not describe is not an event.
 *
 * <p>Threading: any request thread. {@code current} pairs an immutable authorizer with the
 * bindings map it was built from, replaced as one volatile reference; each check decides against
 * the pair it read, and a race between two rebuilds only builds twice.
 */
public final class Authorization {

    /** An authorizer and the image bindings (by identity) it was built from. */
    private record Built(Map<Uuid, AclBinding> source, AclAuthorizer authorizer) {
    }

    private final MetadataQuorum quorum;
    private final DenialLog denials;
    private volatile Built current;

    private Authorization(AclAuthorizer authorizer, MetadataQuorum quorum, DenialLog denials) {
        this.current = authorizer == null ? null : new Built(null, authorizer);
        this.quorum = quorum;
        this.denials = denials;
    }

    /** No authorizer configured: everything is allowed. */
    public static Authorization disabled() {
        return new Authorization(null, null, null);
    }

    public static Authorization enabled(AclAuthorizer authorizer, MetadataQuorum quorum, DenialLog denials) {
        return new Authorization(authorizer, quorum, denials);
    }

    public boolean enabled() {
        return current != null;
    }

    /** May the caller perform {@code operation} on the named resource? Logs a refusal. */
    public boolean authorize(RequestContext context, AclOperation operation, ResourceType type, String name) {
        if (current == null) {
            return true;
        }
        boolean allowed = decide(context, operation, type, name);
        if (!allowed) {
            logDenied(context, operation, type, name);
        }
        return allowed;
    }

    /** Logs a refusal decided through the non-logging checks (e.g. one made of two alternatives). */
    public void logDenied(RequestContext context, AclOperation operation, ResourceType type, String name) {
        if (denials != null) {
            denials.denied(context.principal().toString(), operation.name(), host(context),
                    displayName(type) + ":" + PatternType.LITERAL + ":" + name, context.header().apiKey().name);
        }
    }

    /** {@link #authorize} on the one CLUSTER resource. */
    public boolean authorizeCluster(RequestContext context, AclOperation operation) {
        return authorize(context, operation, ResourceType.CLUSTER, AclAuthorizer.CLUSTER_NAME);
    }

    /** {@link #allows} on the one CLUSTER resource. */
    public boolean allowsCluster(RequestContext context, AclOperation operation) {
        return allows(context, operation, ResourceType.CLUSTER, AclAuthorizer.CLUSTER_NAME);
    }

    /** Like {@link #authorize}, without logging a refusal (for filtering lists). */
    public boolean allows(RequestContext context, AclOperation operation, ResourceType type, String name) {
        return current == null || decide(context, operation, type, name);
    }

    /** May the caller perform {@code operation} on at least one resource of the type (Kafka's authorizeByResourceType)? */
    public boolean authorizeAny(RequestContext context, AclOperation operation, ResourceType type) {
        if (current == null) {
            return true;
        }
        return authorizer().authorizeAny(context.principal(), host(context), operation, type);
    }

    /** The items whose resource the caller may {@code operation}, in order; no logging. */
    public <T> List<T> filter(RequestContext context, AclOperation operation, ResourceType type,
                              Collection<T> items, Function<T, String> name) {
        if (current == null) {
            return List.copyOf(items);
        }
        AclAuthorizer authorizer = authorizer();
        String host = host(context);
        return items.stream().filter(i -> authorizer.authorize(context.principal(), host, operation, type,
                name.apply(i))).toList();
    }

    /** Kafka's authorized-operations bit field for a resource the caller asked about. */
    public int authorizedOperations(RequestContext context, ResourceType type, String name) {
        List<AclOperation> operations = AuthorizedOperations.of(type);
        if (current == null) {
            return AuthorizedOperations.bits(operations);
        }
        AclAuthorizer authorizer = authorizer();
        String host = host(context);
        return AuthorizedOperations.bits(operations.stream()
                .filter(op -> authorizer.authorize(context.principal(), host, op, type, name)).toList());
    }

    /** Kafka's whole-request error response for a refused request (each item carries {@code error}). */
    public static ApiMessage refused(AbstractRequest request, Errors error) {
        return request.getErrorResponse(0, error.exception()).data();
    }

    private boolean decide(RequestContext context, AclOperation operation, ResourceType type, String name) {
        return authorizer().authorize(context.principal(), host(context), operation, type, name);
    }

    /** The authorizer over the current image's bindings, rebuilt when they changed. */
    private AclAuthorizer authorizer() {
        Map<Uuid, AclBinding> bindings = quorum.image().acls();
        Built built = current;
        if (built.source() != bindings) {
            built = new Built(bindings, built.authorizer().withBindings(bindings.values()));
            current = built;
        }
        return built.authorizer();
    }

    private static String host(RequestContext context) {
        return context.peer() == null || context.peer().getAddress() == null ? ""
                : context.peer().getAddress().getHostAddress();
    }

    /** Kafka's spelling of a resource type in its authorizer log: {@code Topic}, {@code TransactionalId}. */
    private static String displayName(ResourceType value) {
        StringBuilder out = new StringBuilder();
        for (String part : value.name().split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return out.toString();
    }
}
