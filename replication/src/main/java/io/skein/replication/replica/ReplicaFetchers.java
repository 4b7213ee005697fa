package io.skein.replication.replica;

import io.skein.replication.interbroker.InterBrokerClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * The follower fetcher threads of this broker: {@code num.replica.fetchers} per source broker at
 * most, started when a partition first needs one; a partition always goes to the same fetcher of
 * its leader (by hash).
 *
 * <p>Threading: {@link #follow}, {@link #stop} and {@link #close} run on one thread at a time (the
 * metadata apply thread, then the closing thread).
 */
final class ReplicaFetchers implements AutoCloseable {

    private record FetcherKey(int sourceId, int index) {
    }

    private final int localNodeId;
    private final ReplicationSettings settings;
    private final java.time.Clock clock;
    private final Map<FetcherKey, ReplicaFetcher> fetchers = new HashMap<>();
    private final Map<TopicPartition, ReplicaFetcher> owners = new HashMap<>();
    private boolean closed;

    ReplicaFetchers(int localNodeId, ReplicationSettings settings, java.time.Clock clock) {
        this.localNodeId = localNodeId;
        this.settings = settings;
        this.clock = clock;
    }

    /** Copies {@code tp} from {@code leader} from now on (no-op when it already does, at that epoch). */
    void follow(TopicPartition tp, ReplicaFetcher.Assignment assignment, Node leader) {
        if (closed) {
            return;
        }
        FetcherKey key = new FetcherKey(leader.id(), Math.floorMod(tp.hashCode(), settings.numFetchers()));
        ReplicaFetcher fetcher = fetchers.computeIfAbsent(key, k -> {
            ReplicaFetcher f = new ReplicaFetcher(localNodeId, leader, k.index(), settings,
                    new InterBrokerClient(settings.client(), "replica-fetcher-" + k.sourceId() + "-" + k.index()), clock);
            f.start();
            return f;
        });
        if (!fetcher.source().host().equals(leader.host()) || fetcher.source().port() != leader.port()) {
            fetcher.updateSource(leader);
        }
        ReplicaFetcher previous = owners.put(tp, fetcher);
        if (previous != null && previous != fetcher) {
            previous.remove(java.util.List.of(tp));
        }
        ReplicaFetcher.Assignment current = fetcher.assignment(tp);
        if (current == null || current.leaderEpoch() != assignment.leaderEpoch() || current.log() != assignment.log()) {
            fetcher.assign(tp, assignment);
        }
    }

    /** Stops copying these partitions; returns once no follower append into them runs. */
    void stop(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            ReplicaFetcher owner = owners.remove(tp);
            if (owner != null) {
                owner.remove(java.util.List.of(tp));
            }
        }
    }

    /** The partitions being copied. */
    Collection<TopicPartition> followed() {
        return new ArrayList<>(owners.keySet());
    }

    @Override
    public void close() {
        closed = true;
        for (ReplicaFetcher f : fetchers.values()) {
            f.close();
        }
        fetchers.clear();
        owners.clear();
    }
}
