package io.skein.security.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.Test;

class AclAuthorizerTest {

    private static final KafkaPrincipal ALICE = new KafkaPrincipal("User", "alice");
    private static final KafkaPrincipal BOB = new KafkaPrincipal("User", "bob");
    private static final KafkaPrincipal ADMIN = new KafkaPrincipal("User", "admin");
    private static final String HOST = "10.0.0.1";

    private static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal, String host,
                                  AclOperation op, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, host, op, permission));
    }

    private static AclBinding allow(ResourceType type, String name, PatternType pattern, String principal,
                                    AclOperation op) {
        return acl(type, name, pattern, principal, "*", op, AclPermissionType.ALLOW);
    }

    private static AclAuthorizer authorizer(boolean allowEveryone, AclBinding... bindings) {
        return new AclAuthorizer(new AuthorizerSettings(Set.of("User:admin"), allowEveryone))
                .withBindings(List.of(bindings));
    }

    private static boolean may(AclAuthorizer a, KafkaPrincipal who, AclOperation op, ResourceType type, String name) {
        return a.authorize(who, HOST, op, type, name);
    }

    @Test
    void prefixedAclCoversMatchingNamesOnly() {
        AclAuthorizer a = authorizer(false, allow(ResourceType.TOPIC, "orders-", PatternType.PREFIXED, "User:alice",
                AclOperation.WRITE));
        assertTrue(may(a, ALICE, AclOperation.WRITE, ResourceType.TOPIC, "orders-1"));
        assertTrue(may(a, ALICE, AclOperation.WRITE, ResourceType.TOPIC, "orders-"));
        assertFalse(may(a, ALICE, AclOperation.WRITE, ResourceType.TOPIC, "orders"));
        assertFalse(may(a, ALICE, AclOperation.WRITE, ResourceType.TOPIC, "payments"));
        assertFalse(may(a, ALICE, AclOperation.WRITE, ResourceType.GROUP, "orders-1"));
        assertFalse(may(a, BOB, AclOperation.WRITE, ResourceType.TOPIC, "orders-1"));
        assertFalse(may(a, ALICE, AclOperation.READ, ResourceType.TOPIC, "orders-1"));
    }

    @Test
    void literalWildcardResourceAndWildcardPrincipalMatchEveryone() {
        AclAuthorizer a = authorizer(false, allow(ResourceType.TOPIC, "*", PatternType.LITERAL, "User:*",
                AclOperation.READ));
        assertTrue(may(a, BOB, AclOperation.READ, ResourceType.TOPIC, "anything"));
        assertFalse(may(a, BOB, AclOperation.WRITE, ResourceType.TOPIC, "anything"));
    }

    @Test
    void denyWinsOverAllow() {
        AclAuthorizer a = authorizer(false,
                allow(ResourceType.TOPIC, "*", PatternType.LITERAL, "User:*", AclOperation.ALL),
                acl(ResourceType.TOPIC, "secret", PatternType.LITERAL, "User:bob", "*", AclOperation.READ,
                        AclPermissionType.DENY));
        assertFalse(may(a, BOB, AclOperation.READ, ResourceType.TOPIC, "secret"));
        assertTrue(may(a, BOB, AclOperation.WRITE, ResourceType.TOPIC, "secret"));
        assertTrue(may(a, ALICE, AclOperation.READ, ResourceType.TOPIC, "secret"));
    }

    @Test
    void impliedOperationsFollowKafka() {
        AclAuthorizer a = authorizer(false,
                allow(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:alice", AclOperation.WRITE),
                allow(ResourceType.TOPIC, "c", PatternType.LITERAL, "User:alice", AclOperation.ALTER_CONFIGS),
                allow(ResourceType.GROUP, "g", PatternType.LITERAL, "User:alice", AclOperation.ALL));
        assertTrue(may(a, ALICE, AclOperation.DESCRIBE, ResourceType.TOPIC, "t"));
        assertFalse(may(a, ALICE, AclOperation.READ, ResourceType.TOPIC, "t"));
        assertTrue(may(a, ALICE, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, "c"));
        assertFalse(may(a, ALICE, AclOperation.DESCRIBE, ResourceType.TOPIC, "c"));
        assertTrue(may(a, ALICE, AclOperation.DELETE, ResourceType.GROUP, "g"));
    }

    @Test
    void denyOfAnImpliedOperationDoesNotSpread() {
        AclAuthorizer a = authorizer(false,
                allow(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:alice", AclOperation.DESCRIBE),
                acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:alice", "*", AclOperation.READ,
                        AclPermissionType.DENY));
        assertTrue(may(a, ALICE, AclOperation.DESCRIBE, ResourceType.TOPIC, "t"));
    }

    @Test
    void hostMustMatch() {
        AclAuthorizer a = authorizer(false, acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:alice", HOST,
                AclOperation.READ, AclPermissionType.ALLOW));
        assertTrue(a.authorize(ALICE, HOST, AclOperation.READ, ResourceType.TOPIC, "t"));
        assertFalse(a.authorize(ALICE, "10.0.0.2", AclOperation.READ, ResourceType.TOPIC, "t"));
    }

    @Test
    void superUsersMayDoAnythingEvenWhenDenied() {
        AclAuthorizer a = authorizer(false, acl(ResourceType.TOPIC, "*", PatternType.LITERAL, "User:*", "*",
                AclOperation.ALL, AclPermissionType.DENY));
        assertTrue(may(a, ADMIN, AclOperation.DELETE, ResourceType.TOPIC, "t"));
        assertTrue(may(a, ADMIN, AclOperation.ALTER, ResourceType.CLUSTER, AclAuthorizer.CLUSTER_NAME));
    }

    @Test
    void allowEveryoneAppliesOnlyWhereNoAclCoversTheResource() {
        AclAuthorizer a = authorizer(true, allow(ResourceType.TOPIC, "owned", PatternType.LITERAL, "User:alice",
                AclOperation.READ));
        assertTrue(may(a, BOB, AclOperation.WRITE, ResourceType.TOPIC, "free"));
        assertFalse(may(a, BOB, AclOperation.READ, ResourceType.TOPIC, "owned"));
        assertFalse(may(authorizer(false), BOB, AclOperation.READ, ResourceType.TOPIC, "free"));
    }

    @Test
    void authorizeAnyFindsAnAllowNotCoveredByADeny() {
        AclAuthorizer a = authorizer(false,
                allow(ResourceType.TOPIC, "orders-", PatternType.PREFIXED, "User:alice", AclOperation.WRITE),
                allow(ResourceType.TOPIC, "x", PatternType.LITERAL, "User:bob", AclOperation.WRITE),
                acl(ResourceType.TOPIC, "x", PatternType.PREFIXED, "User:bob", "*", AclOperation.WRITE,
                        AclPermissionType.DENY));
        assertTrue(a.authorizeAny(ALICE, HOST, AclOperation.WRITE, ResourceType.TOPIC));
        assertFalse(a.authorizeAny(ALICE, HOST, AclOperation.READ, ResourceType.TOPIC));
        assertFalse(a.authorizeAny(BOB, HOST, AclOperation.WRITE, ResourceType.TOPIC));
        assertTrue(a.authorizeAny(ADMIN, HOST, AclOperation.WRITE, ResourceType.TOPIC));
    }

    @Test
    void withBindingsReplacesTheBindingsAndLeavesTheOriginal() {
        AclAuthorizer a = authorizer(false, allow(ResourceType.GROUP, "g", PatternType.LITERAL, "User:alice",
                AclOperation.READ));
        AclAuthorizer none = a.withBindings(List.of());
        assertFalse(may(none, ALICE, AclOperation.READ, ResourceType.GROUP, "g"));
        assertTrue(may(a, ALICE, AclOperation.READ, ResourceType.GROUP, "g"));
    }

    @Test
    void settingsAcceptKafkasClassNamesAndRefuseOthers() {
        assertEquals(Optional.empty(), AuthorizerSettings.parse("", null, false));
        assertEquals(Set.of("User:admin", "User:ops"), AuthorizerSettings.parse(AuthorizerSettings.STANDARD_AUTHORIZER,
                "User:admin; User:ops", false).orElseThrow().superUsers());
        assertTrue(AuthorizerSettings.parse(AuthorizerSettings.ACL_AUTHORIZER, null, true).isPresent());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AuthorizerSettings.parse("com.example.MyAuthorizer", null, false));
        assertTrue(e.getMessage().contains("com.example.MyAuthorizer"));
        assertThrows(IllegalArgumentException.class,
                () -> AuthorizerSettings.parse(AuthorizerSettings.STANDARD_AUTHORIZER, "admin", false));
    }

    @Test
    void denialLogIsRateLimited() {
        long[] now = {0};
        DenialLog log = new DenialLog(() -> now[0], 2);
        for (int i = 0; i < 5; i++) {
            log.denied("User:bob", "Write", HOST, "Topic:LITERAL:t", "Produce");
        }
        now[0] += 2_000_000_000L;
        log.denied("User:bob", "Write", HOST, "Topic:LITERAL:t", "Produce"); // reports the 3 dropped
    }
}
