package io.skein.replication.raft;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.ControllerUnavailableException;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataListener;
import io.skein.replication.api.MetadataQuorum;
import io.skein.replication.api.QuorumSettings;
import io.skein.replication.controller.Controller;
import io.skein.replication.metadata.CommandCodec;
import io.skein.replication.metadata.ImageState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata quorum on Apache Ratis (gRPC transport). A voter runs a Raft server with the
 * {@link MetadataStateMachine}; every node has a client that sends commands to the leader.
 *
 * <p>Threading: submit/awaitApplied/image may be called from any thread. Listener calls and
 * applied-offset waiters run on the state machine's apply thread; the waiter queue is guarded by
 * its own monitor.
 */
public final class RatisMetadataQuorum implements MetadataQuorum {

    private static final Logger log = LoggerFactory.getLogger(RatisMetadataQuorum.class);
    private static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.nameUUIDFromBytes("skein-metadata-quorum".getBytes(StandardCharsets.UTF_8)));
    private static final int MAX_STALE_RETRIES = 20;

    private record Waiter(long offset, CompletableFuture<MetadataImage> future) {
    }

    private final QuorumSettings settings;
    private final MetadataStateMachine stateMachine;
    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.offset(), b.offset()));
    private RaftServer server;
    private RaftClient client;

    public RatisMetadataQuorum(QuorumSettings settings) {
        this.settings = settings;
        this.stateMachine = new MetadataStateMachine(new Controller(settings.controller(), new SecureRandom()),
                settings.nodeId(), this::onImage);
    }

    @Override
    public void start() throws IOException {
        RaftGroup group = RaftGroup.valueOf(GROUP_ID, peers());
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.Rpc.setRequestTimeout(properties,
                TimeDuration.valueOf(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS));
        if (settings.controllerAddress() != null) {
            Files.createDirectories(settings.storageDir());
            RaftServerConfigKeys.setStorageDir(properties, List.of(settings.storageDir().toFile()));
            RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, false);
            GrpcConfigKeys.Server.setHost(properties, settings.controllerAddress().getHostString());
            GrpcConfigKeys.Server.setPort(properties, settings.controllerAddress().getPort());
            boolean existing = Files.isDirectory(settings.storageDir().resolve(GROUP_ID.getUuid().toString()));
            server = RaftServer.newBuilder()
                    .setServerId(RaftPeerId.valueOf(Integer.toString(settings.nodeId())))
                    .setGroup(group)
                    .setProperties(properties)
                    .setStateMachine(stateMachine)
                    .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                    .build();
            try {
                server.start();
            } catch (IOException e) {
                closeQuietly();
                throw new IOException("cannot bind " + settings.controllerAddress().getHostString() + ":"
                        + settings.controllerAddress().getPort() + " (" + rootMessage(e) + ")", e);
            }
        }
        ClientId clientId = ClientId.randomId();
        client = RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(group)
                .setClientId(clientId)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(Integer.MAX_VALUE,
                        TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .setClientRpc(new GrpcFactory(new Parameters()).newRaftClientRpc(clientId, properties))
                .build();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private List<RaftPeer> peers() {
        List<RaftPeer> peers = new ArrayList<>();
        for (Map.Entry<Integer, InetSocketAddress> v : settings.voters().entrySet()) {
            peers.add(RaftPeer.newBuilder().setId(Integer.toString(v.getKey()))
                    .setAddress(v.getValue().getHostString() + ":" + v.getValue().getPort()).build());
        }
        return peers;
    }

    @Override
    public CompletableFuture<MetadataImage> awaitReady() {
        return submit(new ControllerCommand.Barrier()).thenCompose(result -> awaitApplied(result.offset()));
    }

    @Override
    public CompletableFuture<ControllerResult> submit(ControllerCommand command) {
        byte[] payload = CommandCodec.encode(command);
        return send(payload, 0)
                .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e;
                    if (cause instanceof ControllerUnavailableException) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    String why = cause instanceof TimeoutException ? "no answer within "
                            + settings.requestTimeout().toMillis() + " ms" : cause.toString();
                    return CompletableFuture.failedFuture(new ControllerUnavailableException(
                            "The metadata quorum did not commit the command: " + why, cause));
                });
    }

    private CompletableFuture<ControllerResult> send(byte[] payload, int attempt) {
        return client.async().send(Message.valueOf(ByteString.copyFrom(payload))).thenCompose(reply -> {
            if (!reply.isSuccess()) {
                return CompletableFuture.failedFuture(new ControllerUnavailableException(
                        "The metadata quorum refused the command: " + reply.getException(), reply.getException()));
            }
            ControllerResult result = CommandCodec.decodeReply(reply.getMessage().getContent().toByteArray());
            if (result == null) {
                if (attempt >= MAX_STALE_RETRIES) {
                    return CompletableFuture.failedFuture(new ControllerUnavailableException(
                            "The command kept conflicting with concurrent metadata changes", null));
                }
                return send(payload, attempt + 1);
            }
            return CompletableFuture.completedFuture(result);
        });
    }

    @Override
    public CompletableFuture<MetadataImage> awaitApplied(long offset) {
        ImageState now = stateMachine.image();
        if (now.offset() >= offset) {
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<MetadataImage> future = new CompletableFuture<>();
        synchronized (waiters) {
            waiters.add(new Waiter(offset, future));
        }
        completeWaiters(stateMachine.image());
        return future;
    }

    private void onImage(ImageState previous, ImageState current) {
        for (MetadataListener listener : listeners) {
            try {
                listener.onImage(previous, current);
            } catch (RuntimeException e) {
                log.error("Metadata listener {} failed at offset {}", listener, current.offset(), e);
            }
        }
        completeWaiters(current);
    }

    private void completeWaiters(ImageState current) {
        List<Waiter> ready = new ArrayList<>();
        synchronized (waiters) {
            while (!waiters.isEmpty() && waiters.peek().offset() <= current.offset()) {
                ready.add(waiters.poll());
            }
        }
        ready.forEach(w -> w.future().complete(current));
    }

    @Override
    public MetadataImage image() {
        return stateMachine.image();
    }

    @Override
    public void addListener(MetadataListener listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        closeQuietly();
        synchronized (waiters) {
            waiters.forEach(w -> w.future().completeExceptionally(
                    new ControllerUnavailableException("The metadata quorum was closed", null)));
            waiters.clear();
        }
    }

    private void closeQuietly() {
        try {
            if (client != null) {
                client.close();
            }
        } catch (IOException e) {
            log.warn("Closing the metadata quorum client failed: {}", e.toString());
        }
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            log.warn("Closing the metadata quorum server failed: {}", e.toString());
        }
        client = null;
        server = null;
    }
}
