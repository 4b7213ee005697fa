package io.skein.security.acl;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * What {@code authorizer.class.name}, {@code super.users} and
 * {@code allow.everyone.if.no.acl.found} ask for. Kafka's two authorizer class names enable
 * Skein's built-in authorizer, so an existing {@code server.properties} works unchanged.
 *
 * @param superUsers principals ({@code User:admin}) allowed everything
 * @param allowEveryoneIfNoAclFound allow an operation on a resource that has no ACL at all
 */
public record AuthorizerSettings(Set<String> superUsers, boolean allowEveryoneIfNoAclFound) {

    /** Kafka's KRaft authorizer. */
    public static final String STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
    /** Kafka's ZooKeeper-era authorizer, accepted as the same thing. */
    public static final String ACL_AUTHORIZER = "kafka.security.authorizer.AclAuthorizer";

    public AuthorizerSettings {
        superUsers = Set.copyOf(superUsers);
    }

    /**
     * @param className {@code authorizer.class.name}; null or blank means no authorizer
     * @param superUsers {@code super.users}: principals separated by semicolons, may be null
     * @return the settings, or empty when no authorizer is configured (everything is allowed)
     * @throws IllegalArgumentException with a message for the operator when a value is unusable
     */
    public static Optional<AuthorizerSettings> parse(String className, String superUsers,
                                                     boolean allowEveryoneIfNoAclFound) {
        if (className == null || className.isBlank()) {
            return Optional.empty();
        }
        String name = className.trim();
        if (!name.equals(STANDARD_AUTHORIZER) && !name.equals(ACL_AUTHORIZER)) {
            throw new IllegalArgumentException("authorizer.class.name=" + name + " is not supported: Skein has one "
                    + "built-in authorizer, enabled by " + STANDARD_AUTHORIZER + " (or " + ACL_AUTHORIZER + ")");
        }
        Set<String> users = new LinkedHashSet<>();
        if (superUsers != null) {
            for (String entry : superUsers.split(";")) {
                String trimmed = entry.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                int colon = trimmed.indexOf(':');
                if (colon <= 0 || colon == trimmed.length() - 1) {
                    throw new IllegalArgumentException("super.users: '" + trimmed
                            + "' is not a principal of the form User:name");
                }
                users.add(new KafkaPrincipal(trimmed.substring(0, colon), trimmed.substring(colon + 1)).toString());
            }
        }
        return Optional.of(new AuthorizerSettings(users, allowEveryoneIfNoAclFound));
    }
}
