package io.skein.security.acl;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Decides whether a principal connecting from a host may perform an operation on a resource, with
 * Kafka's StandardAuthorizer semantics:
 * <ol>
 *   <li>a super user ({@code super.users}) may do anything;</li>
 *   <li>the entries considered are those whose pattern covers the resource (LITERAL name, LITERAL
 *       {@code *}, PREFIXED prefix of the name), whose principal is the caller's or {@code User:*}
 *       and whose host is the caller's address or {@code *};</li>
 *   <li>a DENY entry for the operation or ALL wins over any ALLOW;</li>
 *   <li>an ALLOW entry for the operation, for ALL, or for an operation that implies it (READ,
 *       WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS) allows;</li>
 *   <li>otherwise the answer is no, except that {@code allow.everyone.if.no.acl.found} allows an
 *       operation on a resource no entry at all covers.</li>
 * </ol>
 *
 * <p>Threading: immutable; {@link #withBindings} returns a new authorizer over other bindings, so
 * a caller decides every check of a request against one consistent set.
 */
public final class AclAuthorizer {

    /** Kafka's fixed name for the one CLUSTER resource. */
    public static final String CLUSTER_NAME = "kafka-cluster";
    private static final String WILDCARD_PRINCIPAL = "User:*";
    private static final String WILDCARD_HOST = "*";

    private final AuthorizerSettings settings;
    private final AclIndex index;

    /** An authorizer with no ACL bindings yet. */
    public AclAuthorizer(AuthorizerSettings settings) {
        this(settings, AclIndex.EMPTY);
    }

    private AclAuthorizer(AuthorizerSettings settings, AclIndex index) {
        this.settings = settings;
        this.index = index;
    }

    /** The same settings over these bindings (those of a new metadata image). */
    public AclAuthorizer withBindings(Collection<AclBinding> bindings) {
        return new AclAuthorizer(settings, new AclIndex(bindings));
    }

    public boolean authorize(KafkaPrincipal principal, String host, AclOperation operation, ResourceType type,
                             String name) {
        String who = principal.toString();
        if (settings.superUsers().contains(who)) {
            return true;
        }
        List<AccessControlEntry> entries = index.entriesFor(type, name);
        if (entries.isEmpty()) {
            return settings.allowEveryoneIfNoAclFound();
        }
        boolean allowed = false;
        for (AccessControlEntry e : entries) {
            if (!principalMatches(e, who) || !hostMatches(e, host)) {
                continue;
            }
            if (e.permissionType() == AclPermissionType.DENY) {
                if (e.operation() == operation || e.operation() == AclOperation.ALL) {
                    return false;
                }
            } else if (e.permissionType() == AclPermissionType.ALLOW && implies(e.operation(), operation)) {
                allowed = true;
            }
        }
        return allowed;
    }

    /**
     * Kafka's {@code authorizeByResourceType}: may the principal perform the operation on at least
     * one resource of the type? True when allowed on an arbitrary name (super users,
     * {@code allow.everyone.if.no.acl.found}, a wildcard ALLOW), or when an ALLOW entry for it names
     * a pattern that no DENY entry covers entirely.
     */
    public boolean authorizeAny(KafkaPrincipal principal, String host, AclOperation operation, ResourceType type) {
        if (authorize(principal, host, operation, type, "hardcode")) {
            return true;
        }
        String who = principal.toString();
        List<AclBinding> bindings = index.bindingsOfType(type);
        for (AclBinding allow : bindings) {
            AccessControlEntry e = allow.entry();
            if (e.permissionType() != AclPermissionType.ALLOW || !principalMatches(e, who) || !hostMatches(e, host)
                    || !(e.operation() == operation || e.operation() == AclOperation.ALL)) {
                continue;
            }
            if (!deniedEntirely(allow.pattern(), bindings, who, host, operation)) {
                return true;
            }
        }
        return false;
    }

    private static boolean deniedEntirely(ResourcePattern allowed, List<AclBinding> bindings, String who, String host,
                                          AclOperation operation) {
        for (AclBinding deny : bindings) {
            AccessControlEntry e = deny.entry();
            if (e.permissionType() != AclPermissionType.DENY || !principalMatches(e, who) || !hostMatches(e, host)
                    || !(e.operation() == operation || e.operation() == AclOperation.ALL)) {
                continue;
            }
            ResourcePattern p = deny.pattern();
            boolean covers = p.patternType() == PatternType.LITERAL
                    ? p.name().equals(ResourcePattern.WILDCARD_RESOURCE)
                    || (allowed.patternType() == PatternType.LITERAL && p.name().equals(allowed.name()))
                    : allowed.name().startsWith(p.name());
            if (covers) {
                return true;
            }
        }
        return false;
    }

    /** True when an ALLOW entry for {@code granted} allows {@code requested}. */
    static boolean implies(AclOperation granted, AclOperation requested) {
        if (granted == requested || granted == AclOperation.ALL) {
            return true;
        }
        if (requested == AclOperation.DESCRIBE) {
            return Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER)
                    .contains(granted);
        }
        return requested == AclOperation.DESCRIBE_CONFIGS && granted == AclOperation.ALTER_CONFIGS;
    }

    private static boolean principalMatches(AccessControlEntry e, String who) {
        return e.principal().equals(who) || e.principal().equals(WILDCARD_PRINCIPAL);
    }

    private static boolean hostMatches(AccessControlEntry e, String host) {
        return e.host().equals(WILDCARD_HOST) || e.host().equals(host);
    }
}
