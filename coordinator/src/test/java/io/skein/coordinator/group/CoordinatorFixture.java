package io.skein.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.coordinator.records.CoordinatorReplication;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * A group coordinator over a real on-disk {@code __consumer_offsets-0} log under {@code target/},
 * with helpers that speak the classic protocol like a client would.
 */
final class CoordinatorFixture implements AutoCloseable {

    static final TopicPartition OFFSETS_0 = new TopicPartition("__consumer_offsets", 0);
    static final short JOIN_VERSION = 9;

    private final Path dir;
    private final GroupConfig config;
    private LogRegistry logs;
    private PartitionLog log;
    GroupCoordinator coordinator;

    private final TopicsView topics;
    private final CoordinatorReplication replication;

    CoordinatorFixture(GroupConfig config) throws IOException {
        this(config, TopicsView.NONE);
    }

    CoordinatorFixture(GroupConfig config, TopicsView topics) throws IOException {
        this(config, topics, CoordinatorReplication.immediate());
    }

    /** With writes committed when {@code replication} says so. */
    CoordinatorFixture(GroupConfig config, CoordinatorReplication replication) throws IOException {
        this(config, TopicsView.NONE, replication);
    }

    private CoordinatorFixture(GroupConfig config, TopicsView topics, CoordinatorReplication replication)
            throws IOException {
        this.topics = topics;
        this.replication = replication;
        Path root = Path.of("target", "tmp").toAbsolutePath();
        Files.createDirectories(root);
        this.dir = Files.createTempDirectory(root, "groups-");
        this.config = config;
        open();
    }

    static GroupConfig fastConfig() {
        return new GroupConfig(100, 60_000, 0, 1000, 7L * 24 * 3600 * 1000, 600_000L, 4096, 1024 * 1024, 45_000, 500, 1000);
    }

    /** Opens the log and a new coordinator that leads partition 0 and waits until it has loaded. */
    void open() throws IOException {
        logs = LogRegistry.open(List.of(dir), LogConfig.defaults());
        log = logs.getOrCreate(OFFSETS_0, Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAA"), LogConfig.defaults());
        coordinator = new GroupCoordinator(config, Clock.systemUTC(), topics, replication);
        coordinator.partitionCount(1);
        coordinator.onElected(0, log, 0);
        long deadline = System.currentTimeMillis() + 10_000;
        while (coordinator.coordinatorError("any") != Errors.NONE) {
            assertTrue(System.currentTimeMillis() < deadline, "coordinator did not load");
            sleep(5);
        }
    }

    /** The {@code __consumer_offsets-0} log the coordinator writes to. */
    PartitionLog log() {
        return log;
    }

    /** Closes the coordinator and the log, then opens both again: the state must come back from the log. */
    void reopen() throws IOException {
        closeAll();
        open();
    }

    private void closeAll() {
        coordinator.close();
        logs.close();
    }

    @Override
    public void close() {
        closeAll();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static ClientInfo client(short version) {
        return new ClientInfo("client", "/127.0.0.1", version);
    }

    static JoinGroupRequestData joinRequest(String group, String memberId, String instanceId, int sessionMs,
                                            int rebalanceMs, String protocolType, Map<String, byte[]> protocols) {
        JoinGroupRequestData data = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setGroupInstanceId(instanceId).setSessionTimeoutMs(sessionMs).setRebalanceTimeoutMs(rebalanceMs)
                .setProtocolType(protocolType);
        protocols.forEach((name, metadata) -> data.protocols().add(
                new JoinGroupRequestData.JoinGroupRequestProtocol().setName(name).setMetadata(metadata)));
        return data;
    }

    CompletableFuture<JoinGroupResponseData> join(String group, String memberId, int rebalanceMs) {
        return coordinator.joinGroup(client(JOIN_VERSION), joinRequest(group, memberId, null, 10_000, rebalanceMs,
                "consumer", Map.of("range", new byte[] {1, 2, 3})));
    }

    /** The KIP-394 dance: the first join returns MEMBER_ID_REQUIRED with an id; the second joins with it. */
    CompletableFuture<JoinGroupResponseData> joinNew(String group, int rebalanceMs) {
        JoinGroupResponseData first = join(group, "", rebalanceMs).join();
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        assertTrue(first.memberId().startsWith("client-"), first.memberId());
        return join(group, first.memberId(), rebalanceMs);
    }

    CompletableFuture<SyncGroupResponseData> sync(String group, String memberId, int generation,
                                                  Map<String, byte[]> assignments) {
        SyncGroupRequestData data = new SyncGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setGenerationId(generation).setProtocolType("consumer").setProtocolName("range");
        assignments.forEach((member, bytes) -> data.assignments().add(
                new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(member).setAssignment(bytes)));
        return coordinator.syncGroup(client((short) 5), data);
    }

    Errors heartbeat(String group, String memberId, int generation) {
        return coordinator.heartbeat(new HeartbeatRequestData().setGroupId(group).setMemberId(memberId)
                .setGenerationId(generation));
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer within 10 s", e);
        }
    }
}
