package io.skein.replication.replica;

import io.skein.replication.api.FollowerFetchListener;
import io.skein.replication.api.HostedReplica;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataQuorum;
import io.skein.replication.api.ReplicaRoles;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's replicas in their roles: a follower replica is copied from its leader by a
 * {@link ReplicaFetcher}; for a leader replica, {@link LeaderReplication} keeps the followers'
 * progress, the high watermark and the ISR. Driven by the metadata images the broker's hosted
 * partitions apply ({@link ReplicaRoles}), and by follower fetches ({@link FollowerFetchListener}).
 *
 * <p>Threading: {@link #stopFollowing} and {@link #onHosted} run on the metadata apply thread;
 * {@link #onFollowerFetch} on request handler threads; the ISR check on its own "isr-checker" thread.
 */
public final class Replicas implements ReplicaRoles, FollowerFetchListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Replicas.class);

    private final int localNodeId;
    private final ReplicationSettings settings;
    private final ReplicaFetchers fetchers;
    private final LeaderReplication leaders;
    private final Set<Integer> missingEndpointLogged = new HashSet<>();
    private ScheduledExecutorService isrChecker;

    /**
     * @param highWatermarkMoved told when a partition's high watermark, ISR or leadership may have changed
     */
    public Replicas(int localNodeId, ReplicationSettings settings, MetadataQuorum quorum, Clock clock,
                    Consumer<TopicPartition> highWatermarkMoved) {
        this.localNodeId = localNodeId;
        this.settings = settings;
        this.fetchers = new ReplicaFetchers(localNodeId, settings, clock);
        this.leaders = new LeaderReplication(localNodeId, clock, settings.lagTimeMaxMs(),
                new IsrChanges(localNodeId, quorum::submit), highWatermarkMoved);
    }

    /**
     * Starts the periodic ISR shrink check (every half {@code replica.lag.time.max.ms}, as Kafka) on
     * its own thread, so that nothing else blocking (heartbeats to an unreachable controller) delays it.
     */
    public void start() {
        long period = Math.max(1, settings.lagTimeMaxMs() / 2);
        isrChecker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "isr-checker");
            t.setDaemon(true);
            return t;
        });
        isrChecker.scheduleWithFixedDelay(() -> {
            try {
                leaders.shrinkLaggingIsrs();
            } catch (RuntimeException e) {
                log.error("ISR check failed; it runs again in {} ms", period, e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stopFollowing(Collection<TopicPartition> partitions) {
        fetchers.stop(partitions);
    }

    @Override
    public void onHosted(MetadataImage image, Map<TopicPartition, ? extends HostedReplica> hosted) {
        Map<TopicPartition, HostedReplica> led = new HashMap<>();
        Set<TopicPartition> followed = new HashSet<>();
        for (HostedReplica p : hosted.values()) {
            if (p.isLeader()) {
                led.put(p.topicPartition(), p);
                continue;
            }
            Node leader = leaderNode(image, p.state().leader());
            if (leader != null) {
                followed.add(p.topicPartition());
                fetchers.follow(p.topicPartition(), new ReplicaFetcher.Assignment(p.topicId(), p.log(),
                        p.leaderEpoch()), leader);
            }
        }
        Set<TopicPartition> stop = new HashSet<>(fetchers.followed());
        stop.removeAll(followed);
        fetchers.stop(stop);
        Set<Integer> unfenced = new HashSet<>();
        for (BrokerRegistration broker : image.brokers().values()) {
            if (!broker.fenced()) {
                unfenced.add(broker.id());
            }
        }
        leaders.onLeading(led, unfenced);
    }

    /** The leader's inter-broker endpoint, or null (no leader, or it has no such listener). */
    private Node leaderNode(MetadataImage image, int leaderId) {
        if (leaderId < 0) {
            return null;
        }
        Optional<Node> endpoint = settings.client().endpoint(image, leaderId);
        if (endpoint.isPresent()) {
            missingEndpointLogged.remove(leaderId);
            return endpoint.get();
        }
        if (missingEndpointLogged.add(leaderId)) {
            log.warn("Broker {} leads partitions this broker follows but advertises no {} listener "
                    + "(inter.broker.listener.name); not fetching from it", leaderId, settings.listenerName());
        }
        return null;
    }

    @Override
    public void onFollowerFetch(TopicPartition tp, int replicaId, long fetchOffset) {
        leaders.onFollowerFetch(tp, replicaId, fetchOffset);
    }

    @Override
    public void close() {
        if (isrChecker != null) {
            isrChecker.shutdownNow();
        }
        fetchers.close();
    }
}
