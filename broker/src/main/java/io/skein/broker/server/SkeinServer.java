package io.skein.broker.server;

import io.skein.broker.config.BrokerConfig;
import io.skein.broker.config.BrokerConfigDef;
import io.skein.broker.config.ComponentSettings;
import io.skein.broker.config.ControllerTls;
import io.skein.broker.config.ListenerSpec;
import io.skein.broker.partition.Partitions;
import io.skein.broker.partition.PurgatoryReplicationAwait;
import io.skein.broker.purgatory.Purgatory;
import io.skein.coordinator.records.CoordinatorReplication;
import io.skein.broker.partition.CoordinatorLeadership;
import io.skein.broker.partition.ImageScramCredentials;
import io.skein.broker.partition.ImageTopicsView;
import io.skein.broker.handler.TransactionVerification;
import io.skein.broker.txn.ClusterTransactionMarkers;
import io.skein.broker.txn.LocalTransactionMarkers;
import io.skein.broker.txn.RemoteTransactionVerifier;
import io.skein.coordinator.group.GroupCoordinator;
import io.skein.coordinator.producerid.ProducerIdAllocator;
import io.skein.coordinator.transaction.TransactionCoordinator;
import io.skein.log.api.LogRegistry;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.Endpoint;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.replication.api.QuorumSettings;
import io.skein.replication.replica.Replicas;
import io.skein.replication.replica.ReplicationSettings;
import io.skein.wire.api.KafkaWireServer;
import io.skein.wire.api.ServerSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Skein node: log storage, the metadata quorum, the hosted partitions, the request handlers
 * and the Kafka wire server, started and stopped in dependency order.
 *
 * <p>Threading: {@link #start()} and {@link #close()} are called by one thread (the CLI's main
 * thread or a test). Everything else runs on the components' own threads.
 */
public final class SkeinServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SkeinServer.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final BrokerConfig config;
    private final Clock clock;
    private LogRegistry logs;
    private io.skein.log.compaction.LogCleaner cleaner;
    private MetadataQuorum quorum;
    private ScheduledExecutorService scheduler;
    private Purgatory<TopicPartition> fetchPurgatory;
    private Purgatory<TopicPartition> producePurgatory;
    private Replicas replicas;
    private PurgatoryReplicationAwait coordinatorCommits;
    private GroupCoordinator groupCoordinator;
    private TransactionCoordinator transactionCoordinator;
    private ClusterTransactionMarkers clusterMarkers;
    private RemoteTransactionVerifier verifier;
    private KafkaWireServer wire;
    private BrokerHeartbeater heartbeater;
    private Map<String, InetSocketAddress> boundListeners = Map.of();
    private MetadataImage readyImage;

    public SkeinServer(BrokerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * Starts every component and returns once clients can connect and see this broker.
     *
     * @throws StartupException with one operator-readable message when the node cannot start
     */
    public void start() throws StartupException {
        if (!config.isBroker()) {
            startController();
            return;
        }
        ReplicationSettings replication;
        try {
            replication = ComponentSettings.replicationSettings(config);
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw new StartupException("Cannot reach other brokers: " + e.getMessage(), e);
        }
        try {
            logs = LogRegistry.openReplicated(ComponentSettings.storageSettings(config, clock));
        } catch (IOException | RuntimeException e) {
            throw new StartupException("Cannot use log.dirs " + config.logDirs() + ": " + messageOf(e), e);
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "skein-scheduler");
            t.setDaemon(true);
            return t;
        });
        fetchPurgatory = new Purgatory<>(scheduler);
        producePurgatory = new Purgatory<>(scheduler);
        quorum = MetadataQuorum.create(quorumSettings());
        replicas = new Replicas(config.nodeId(), replication, quorum, clock, tp -> {
            fetchPurgatory.checkAndComplete(tp);
            producePurgatory.checkAndComplete(tp);
        });
        Partitions partitions = new Partitions(config.nodeId(), logs, config::logConfig, config::minInSyncReplicas,
                replicas);
        quorum.addListener(partitions);
        coordinatorCommits = new PurgatoryReplicationAwait(partitions, producePurgatory, fetchPurgatory);
        CoordinatorReplication coordinatorReplication = ComponentSettings.coordinatorReplication(config, coordinatorCommits);
        groupCoordinator = new GroupCoordinator(ComponentSettings.groupConfig(config), clock, new ImageTopicsView(quorum),
                coordinatorReplication);
        quorum.addListener(new CoordinatorLeadership(partitions, Topic.GROUP_METADATA_TOPIC_NAME, groupCoordinator));
        int blockSize = config.getInt(BrokerConfigDef.PRODUCER_ID_BLOCK_SIZE);
        ProducerIdAllocator producerIds = new ProducerIdAllocator(count -> quorum
                .submit(new ControllerCommand.AllocateProducerIds(config.nodeId(), count))
                .thenApply(ControllerResult::producerIdStart), blockSize);
        // markers before the quorum starts: a coordinator loaded at the first image may write them at once
        LocalTransactionMarkers markers = TransactionWiring.localMarkers(partitions, fetchPurgatory,
                groupCoordinator, clock);
        clusterMarkers = new ClusterTransactionMarkers(config.nodeId(), quorum, markers, replication.client());
        transactionCoordinator = new TransactionCoordinator(ComponentSettings.transactionConfig(config), clock,
                TransactionWiring.blockingProducerIds(producerIds), TransactionWiring.forCoordinator(clusterMarkers),
                coordinatorReplication);
        verifier = new RemoteTransactionVerifier(quorum, replication.client());
        quorum.addListener(new CoordinatorLeadership(partitions, Topic.TRANSACTION_STATE_TOPIC_NAME,
                transactionCoordinator));
        startQuorum();

        config.authorizerSettings().ifPresent(acl -> log.info(
                "ACLs enforced by the built-in authorizer: super users {}, allow.everyone.if.no.acl.found={}",
                acl.superUsers(), acl.allowEveryoneIfNoAclFound()));
        wire = KafkaWireServer.create(serverSettings(),
                Handlers.registry(config, quorum, partitions, fetchPurgatory, producerIds,
                        new Handlers.Coordinators(groupCoordinator, transactionCoordinator, markers,
                                new TransactionVerification(transactionCoordinator, config.nodeId(), quorum, verifier)),
                        clock,
                        new Handlers.Replication(producePurgatory, replicas)));
        try {
            boundListeners = wire.start();
        } catch (IOException | RuntimeException e) {
            throw new StartupException(messageOf(e), e);
        }
        ControllerCommand.RegisterBroker register = new ControllerCommand.RegisterBroker(config.nodeId(),
                Uuid.randomUuid(), advertisedEndpoints(), config.getString(BrokerConfigDef.BROKER_RACK));
        ControllerResult registration = await(quorum.submit(register), "the controller to register this broker");
        ControllerResult.ItemResult item = registration.items().isEmpty() ? null : registration.items().get(0);
        if (item != null && item.error() != Errors.NONE) {
            throw new StartupException("The controller refused to register broker " + config.nodeId() + ": "
                    + item.error() + " " + item.message(), null);
        }
        readyImage = await(quorum.awaitApplied(registration.offset()), "the broker registration to apply");
        log.info("Broker {} registered (incarnation {}, rack {}): {}", config.nodeId(), register.incarnationId(),
                register.rack(), item == null ? "" : item.message());
        heartbeater = new BrokerHeartbeater(quorum, register, config.getInt(BrokerConfigDef.BROKER_HEARTBEAT_INTERVAL_MS));
        heartbeater.start(scheduler);
        replicas.start();
        logs.start(); // retention, flush.ms and checkpoints, once the image has applied every topic's config
        cleaner = logs.newCleaner(ComponentSettings.cleanerSettings(config));
        cleaner.start();
    }

    /** A dedicated controller ({@code process.roles=controller}): the quorum only, no client listener, no logs. */
    private void startController() throws StartupException {
        quorum = MetadataQuorum.create(quorumSettings());
        startQuorum();
        readyImage = quorum.image();
    }

    private void startQuorum() throws StartupException {
        try {
            quorum.start();
        } catch (IOException | RuntimeException e) {
            ListenerSpec controller = config.controllerListener();
            throw new StartupException("Cannot start the metadata quorum on " + controller + ": " + messageOf(e), e);
        }
        MetadataImage image = await(quorum.awaitReady(), "the metadata quorum to elect a leader and catch up");
        log.info("Metadata quorum ready at offset {} (cluster {}, controller {})", image.offset(), image.clusterId(),
                image.controllerId());
    }

    private QuorumSettings quorumSettings() throws StartupException {
        io.skein.replication.api.QuorumTls tls;
        try {
            tls = ControllerTls.of(config);
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw new StartupException(e.getMessage(), e);
        }
        ListenerSpec controller = config.isController() ? config.controllerListener() : null;
        InetSocketAddress controllerAddress = controller == null ? null
                : new InetSocketAddress(controller.bindHost(), controller.port());
        return new QuorumSettings(config.nodeId(), config.voters(), controllerAddress, config.metadataLogDir(),
                Duration.ofMillis(config.getInt(BrokerConfigDef.REQUEST_TIMEOUT_MS)),
                new QuorumSettings.ControllerSettings(config.getInt(BrokerConfigDef.NUM_PARTITIONS),
                        config.getShort(BrokerConfigDef.DEFAULT_REPLICATION_FACTOR), config.originals()),
                config.getLong(BrokerConfigDef.METADATA_SNAPSHOT_ENTRIES),
                Duration.ofMillis(config.getInt(BrokerConfigDef.BROKER_SESSION_TIMEOUT_MS)),
                tls,
                new QuorumSettings.RaftTimeouts(Duration.ofMillis(config.getInt(BrokerConfigDef.QUORUM_ELECTION_TIMEOUT_MS)),
                        Duration.ofMillis(config.getInt(BrokerConfigDef.QUORUM_REQUEST_TIMEOUT_MS))));
    }

    private ServerSettings serverSettings() {
        List<ServerSettings.Listener> listeners = new ArrayList<>();
        for (ListenerSpec l : config.clientListeners()) {
            listeners.add(new ServerSettings.Listener(l.name(), new InetSocketAddress(l.bindHost(), l.port()),
                    config.tlsSettings(l.name()), config.saslSettings(l.name()) == null ? null
                    : config.saslSettings(l.name()).withScramStore(new ImageScramCredentials(quorum))));
        }
        return new ServerSettings(listeners,
                config.getInt(BrokerConfigDef.SOCKET_REQUEST_MAX_BYTES),
                config.getInt(BrokerConfigDef.NUM_NETWORK_THREADS),
                config.getInt(BrokerConfigDef.NUM_IO_THREADS),
                Math.max(1, Math.min(64, config.getInt(BrokerConfigDef.QUEUED_MAX_REQUESTS))),
                config.getLong(BrokerConfigDef.CONNECTIONS_MAX_IDLE_MS));
    }

    /** Advertised endpoints, with the real port when a listener was bound to port 0. */
    private List<Endpoint> advertisedEndpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (ListenerSpec l : config.advertisedListeners()) {
            int port = l.port();
            InetSocketAddress bound = boundListeners.get(l.name());
            if (port == 0 && bound != null) {
                port = bound.getPort();
            }
            String host = l.host().isEmpty() ? "127.0.0.1" : l.host();
            endpoints.add(new Endpoint(l.name(), host, port, l.protocol().name()));
        }
        return endpoints;
    }

    private <T> T await(CompletableFuture<T> future, String what) throws StartupException {
        try {
            return future.get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StartupException("Timed out after " + STARTUP_TIMEOUT.toSeconds() + " s waiting for " + what, e);
        } catch (ExecutionException e) {
            throw new StartupException("Failed waiting for " + what + ": " + messageOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("Interrupted waiting for " + what, e);
        }
    }

    private static String messageOf(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Listener name → bound address of the client listeners. */
    public Map<String, InetSocketAddress> boundListeners() {
        return boundListeners;
    }

    public MetadataImage readyImage() {
        return readyImage;
    }

    /**
     * Stops cleanly: a controlled shutdown (leaders moved off this broker), stop accepting, let in-flight requests finish, answer parked fetches, stop
     * the quorum, flush and close every log.
     */
    @Override
    public void close() {
        if (heartbeater != null) {
            heartbeater.close();
            ControlledShutdown.run(quorum, config.nodeId(), heartbeater.incarnationId(),
                    Duration.ofMillis(Math.min(15_000, config.getInt(BrokerConfigDef.REQUEST_TIMEOUT_MS))));
        }
        if (wire != null) {
            wire.stopAccepting();
        }
        if (fetchPurgatory != null) {
            fetchPurgatory.completeAll();
        }
        if (producePurgatory != null) {
            producePurgatory.completeAll();
        }
        // answers parked JoinGroup/SyncGroup requests (NOT_COORDINATOR) so in-flight requests can finish
        closeQuietly(transactionCoordinator, "transaction coordinator");
        closeQuietly(clusterMarkers, "transaction marker senders");
        closeQuietly(verifier, "transaction verification senders");
        closeQuietly(groupCoordinator, "group coordinator");
        closeQuietly(coordinatorCommits, "coordinator commit waits");
        closeQuietly(wire, "wire server");
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        closeQuietly(replicas, "replica fetchers");
        closeQuietly(quorum, "metadata quorum");
        closeQuietly(cleaner, "log cleaner");
        closeQuietly(logs, "log storage");
    }

    private static void closeQuietly(AutoCloseable c, String what) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("Error while closing the {}: {}", what, e.toString());
        }
    }

    /** The node cannot start; the message says why in one line. */
    public static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        public StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
