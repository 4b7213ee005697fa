package io.skein.broker.handler;

import io.skein.replication.api.BrokerHeartbeatState;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataListener;
import io.skein.replication.api.MetadataQuorum;
import io.skein.replication.api.QuorumInfo;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import io.skein.security.acl.AclAuthorizer;
import io.skein.security.acl.AuthorizerSettings;
import io.skein.security.acl.DenialLog;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * A quorum for handler tests that only serves an image the test builds (ACL bindings granted one
 * by one); every other quorum call is unsupported.
 *
 * <p>Threading: the test thread writes the image; handlers may read it from any thread.
 */
final class ImageOnlyQuorum implements MetadataQuorum {

    private volatile ImageState image = ImageState.empty();

    /** Adds an ALLOW binding for {@code principal} (e.g. {@code User:alice}) from any host. */
    void grant(String principal, AclOperation operation, ResourceType type, String name) {
        AclBinding binding = new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
        image = image.replay(List.of(new MetadataRecord.AccessControlEntry(Uuid.randomUuid(), binding)),
                image.offset() + 1);
    }

    /** ACLs enforced over this quorum's bindings, with {@code User:admin} as the only super user. */
    Authorization acls() {
        return Authorization.enabled(new AclAuthorizer(new AuthorizerSettings(Set.of("User:admin"), false)), this,
                new DenialLog(System::nanoTime, 10));
    }

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
    public CompletableFuture<BrokerHeartbeatState> heartbeat(int brokerId, Uuid incarnationId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<QuorumInfo> describeQuorum() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
