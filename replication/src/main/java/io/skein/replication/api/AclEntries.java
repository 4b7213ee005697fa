package io.skein.replication.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * A text form of an ACL binding, so the controller can hand the bindings a DeleteAcls removed back
 * to the broker that asked (they are gone from the image once applied). Seven comma-separated
 * fields: resource type, name, pattern type, principal, host, operation, permission; codes as
 * decimal numbers, strings as base64 of their UTF-8 bytes ({@code -} for null), so any name is safe.
 *
 * <p>Stateless.
 */
public final class AclEntries {

    private AclEntries() {
    }

    public static String encode(AclBinding b) {
        return b.pattern().resourceType().code() + "," + text(b.pattern().name()) + ","
                + b.pattern().patternType().code() + "," + text(b.entry().principal()) + ","
                + text(b.entry().host()) + "," + b.entry().operation().code() + ","
                + b.entry().permissionType().code();
    }

    /** @throws IllegalArgumentException when {@code s} is not an {@link #encode} result */
    public static AclBinding decode(String s) {
        String[] f = s.split(",", -1);
        if (f.length != 7) {
            throw new IllegalArgumentException("not an encoded ACL binding: " + f.length + " fields");
        }
        ResourcePattern pattern = new ResourcePattern(ResourceType.fromCode(Byte.parseByte(f[0])), string(f[1]),
                PatternType.fromCode(Byte.parseByte(f[2])));
        return new AclBinding(pattern, new AccessControlEntry(string(f[3]), string(f[4]),
                AclOperation.fromCode(Byte.parseByte(f[5])), AclPermissionType.fromCode(Byte.parseByte(f[6]))));
    }

    private static String text(String s) {
        return s == null ? "-" : Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String string(String field) {
        return "-".equals(field) ? null : new String(Base64.getDecoder().decode(field), StandardCharsets.UTF_8);
    }
}
