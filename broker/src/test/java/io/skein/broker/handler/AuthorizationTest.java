package io.skein.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.wire.api.RequestContext;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class AuthorizationTest {

    private static final RequestContext ALICE = new RequestContext(
            new RequestHeader(ApiKeys.METADATA, (short) 12, "client", 1), "SASL_PLAINTEXT",
            new InetSocketAddress("10.0.0.1", 40000), 1, new KafkaPrincipal("User", "alice"), 0, null);

    private final ImageOnlyQuorum quorum = new ImageOnlyQuorum();
    private final Authorization enabled = quorum.acls();

    private void grant(AclOperation operation, ResourceType type, String name) {
        quorum.grant("User:alice", operation, type, name);
    }

    @Test
    void withoutAnAuthorizerEverythingIsAllowedAndReported() {
        Authorization disabled = Authorization.disabled();
        assertFalse(disabled.enabled());
        assertTrue(disabled.authorize(ALICE, AclOperation.DELETE, ResourceType.TOPIC, "t"));
        assertTrue(disabled.authorizeAny(ALICE, AclOperation.WRITE, ResourceType.TOPIC));
        assertEquals(List.of("a", "b"), disabled.filter(ALICE, AclOperation.DESCRIBE, ResourceType.TOPIC,
                List.of("a", "b"), s -> s));
        assertEquals(8, Integer.bitCount(disabled.authorizedOperations(ALICE, ResourceType.TOPIC, "t")));
    }

    @Test
    void followsTheBindingsOfEachNewImage() {
        assertFalse(enabled.authorize(ALICE, AclOperation.READ, ResourceType.TOPIC, "t"));
        grant(AclOperation.READ, ResourceType.TOPIC, "t");
        assertTrue(enabled.authorize(ALICE, AclOperation.READ, ResourceType.TOPIC, "t"));
        assertEquals(List.of("t"), enabled.filter(ALICE, AclOperation.DESCRIBE, ResourceType.TOPIC,
                List.of("t", "u"), s -> s));
    }

    @Test
    void authorizedOperationsHoldExactlyTheAllowedAndImpliedOperations() {
        grant(AclOperation.WRITE, ResourceType.TOPIC, "t");
        int bits = enabled.authorizedOperations(ALICE, ResourceType.TOPIC, "t");
        assertEquals(Utils.to32BitField(Set.of(AclOperation.WRITE.code(), AclOperation.DESCRIBE.code())), bits);
    }
}
