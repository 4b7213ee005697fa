package io.skein.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataListener;
import io.skein.replication.api.MetadataQuorum;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import io.skein.security.acl.AclAuthorizer;
import io.skein.security.acl.AuthorizerSettings;
import io.skein.security.acl.DenialLog;
import io.skein.wire.api.RequestContext;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class AuthorizationTest {

    /** A quorum that only serves an image the test sets. */
    private static final class ImageOnlyQuorum implements MetadataQuorum {
        volatile ImageState image = ImageState.empty();

        @Override
        public void start() {
        }

        @Override
        public CompletableFuture<MetadataImage> awaitReady() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ControllerResult> submit(ControllerCommand command) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<MetadataImage> awaitApplied(long offset) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MetadataImage image() {
            return image;
        }

        @Override
        public void addListener(MetadataListener listener) {
        }

        @Override
        public CompletableFuture<io.skein.replication.api.BrokerHeartbeatState> heartbeat(int brokerId,
                org.apache.kafka.common.Uuid incarnationId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<io.skein.replication.api.QuorumInfo> describeQuorum() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    private static final RequestContext ALICE = new RequestContext(
            new RequestHeader(ApiKeys.METADATA, (short) 12, "client", 1), "SASL_PLAINTEXT",
            new InetSocketAddress("10.0.0.1", 40000), 1, new KafkaPrincipal("User", "alice"), 0, null);

    private final ImageOnlyQuorum quorum = new ImageOnlyQuorum();
    private final Authorization enabled = Authorization.enabled(
            new AclAuthorizer(new AuthorizerSettings(Set.of("User:admin"), false)), quorum,
            new DenialLog(System::nanoTime, 10));

    private void grant(AclOperation operation, ResourceType type, String name) {
        AclBinding binding = new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:alice", "*", operation, AclPermissionType.ALLOW));
        quorum.image = quorum.image.replay(List.of(new MetadataRecord.AccessControlEntry(Uuid.randomUuid(),
                binding)), quorum.image.offset() + 1);
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
