package io.skein.replication.replica;

import io.skein.log.api.PartitionLog;
import io.skein.replication.interbroker.InterBrokerClient;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One follower fetcher thread: copies the logs of the partitions it is given from one source
 * broker (their leader) with Fetch requests carrying this broker's replica id, each partition
 * from its log end offset with its latest epoch as {@code last_fetched_epoch}, and applies the
 * answers ({@link FetchedPartition}). A partition whose fetch failed backs off for
 * {@code replica.fetch.backoff.ms}; an unreachable leader backs the whole fetcher off.
 *
 * <p>Threading: the fetcher thread owns the network client. The assignments are guarded by
 * {@code this}: the metadata apply thread adds and removes partitions, and the fetcher applies a
 * response while holding the lock and only to partitions still assigned the same way, so once
 * {@link #remove} returns no append into a removed partition's log runs or starts. {@code source}
 * is volatile: the apply thread may point the fetcher at a new endpoint of the same broker.
 */
final class ReplicaFetcher implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);

    /** A partition to copy, as of one image. Compared by identity: a new image replaces it. */
    record Assignment(Uuid topicId, PartitionLog log, int leaderEpoch) {
    }

    private final int localNodeId;
    private final ReplicationSettings settings;
    private final InterBrokerClient client;
    private final java.time.Clock clock;
    private final Thread thread;
    private final Map<TopicPartition, Assignment> assigned = new HashMap<>();
    private final Map<TopicPartition, Long> backOffUntil = new HashMap<>();
    private volatile Node source;
    private volatile boolean running = true;
    private boolean sourceDown;

    ReplicaFetcher(int localNodeId, Node source, int index, ReplicationSettings settings,
                   InterBrokerClient client, java.time.Clock clock) {
        this.localNodeId = localNodeId;
        this.clock = clock;
        this.source = source;
        this.settings = settings;
        this.client = client;
        this.thread = new Thread(this, "replica-fetcher-" + source.id() + "-" + index);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Node source() {
        return source;
    }

    /** Points the fetcher at a new endpoint of its source broker (it re-registered elsewhere). */
    void updateSource(Node node) {
        Node old = source;
        source = node;
        client.wakeup();
        log.info("Replica fetcher of broker {} now fetches from {}:{} (was {}:{})", node.id(), node.host(),
                node.port(), old.host(), old.port());
    }

    synchronized void assign(TopicPartition tp, Assignment assignment) {
        Assignment previous = assigned.put(tp, assignment);
        if (previous == null || previous.leaderEpoch() != assignment.leaderEpoch()) {
            backOffUntil.remove(tp);
        }
        notifyAll();
    }

    /** Stops copying these partitions; no append into them runs once this returns. */
    synchronized void remove(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            assigned.remove(tp);
            backOffUntil.remove(tp);
        }
    }

    synchronized Assignment assignment(TopicPartition tp) {
        return assigned.get(tp);
    }

    @Override
    public void run() {
        while (running) {
            try {
                fetchOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("Replica fetcher from broker {} failed; retrying in {} ms", source.id(),
                        settings.fetchBackoffMs(), e);
                pause(settings.fetchBackoffMs());
            }
        }
    }

    private void fetchOnce() throws InterruptedException {
        Map<TopicPartition, Assignment> batch = awaitFetchable();
        if (batch.isEmpty()) {
            return;
        }
        Map<TopicPartition, FetchRequest.PartitionData> fetchData = new LinkedHashMap<>();
        Map<Uuid, String> topicNames = new HashMap<>();
        for (Map.Entry<TopicPartition, Assignment> e : batch.entrySet()) {
            PartitionLog partitionLog = e.getValue().log();
            int lastEpoch = partitionLog.latestEpoch();
            fetchData.put(e.getKey(), new FetchRequest.PartitionData(e.getValue().topicId(),
                    partitionLog.logEndOffset(), -1L, settings.fetchMaxBytes(),
                    Optional.of(e.getValue().leaderEpoch()),
                    lastEpoch >= 0 ? Optional.of(lastEpoch) : Optional.empty()));
            topicNames.put(e.getValue().topicId(), e.getKey().topic());
        }
        FetchRequest.Builder request = FetchRequest.Builder.forReplica(ApiKeys.FETCH.latestVersion(), localNodeId,
                -1L, settings.fetchWaitMaxMs(), settings.fetchMinBytes(), fetchData)
                .setMaxBytes(settings.fetchResponseMaxBytes()).metadata(org.apache.kafka.common.requests.FetchMetadata.LEGACY);
        Node node = source;
        ClientResponse response;
        try {
            response = client.sendAndReceive(node, request);
        } catch (IOException e) {
            if (node == source) { // else woken up by updateSource: fetch from the new endpoint at once
                sourceUnreachable(node, e.getMessage());
            }
            return;
        }
        FetchResponse body = (FetchResponse) response.responseBody();
        if (body.error() != Errors.NONE) {
            log.warn("Fetch from broker {} failed: {}; retrying in {} ms", node.id(), body.error(),
                    settings.fetchBackoffMs());
            pause(settings.fetchBackoffMs());
            return;
        }
        if (sourceDown) {
            sourceDown = false;
            log.info("Replica fetcher reached broker {} at {}:{} again", node.id(), node.host(), node.port());
        }
        apply(batch, body.responseData(topicNames, response.requestHeader().apiVersion()));
    }

    /** Applies the answers to the partitions still assigned as they were when fetched. */
    private synchronized void apply(Map<TopicPartition, Assignment> batch, Map<TopicPartition, PartitionData> data) {
        long now = clock.millis();
        for (Map.Entry<TopicPartition, PartitionData> e : data.entrySet()) {
            TopicPartition tp = e.getKey();
            Assignment asked = batch.get(tp);
            if (asked == null || assigned.get(tp) != asked) {
                continue; // removed or reassigned while the fetch was in flight
            }
            FetchedPartition.Result result = FetchedPartition.apply(asked.log(), e.getValue());
            if (result.next() == FetchedPartition.Next.BACK_OFF) {
                backOffUntil.put(tp, now + settings.fetchBackoffMs());
                if (isExpected(result.error())) {
                    log.debug("Fetch of {} from broker {} at leader epoch {}: {}", tp, source.id(), asked.leaderEpoch(),
                            result.reason());
                } else {
                    log.warn("Fetch of {} from broker {} at leader epoch {}: {}; retrying in {} ms", tp, source.id(),
                            asked.leaderEpoch(), result.reason(), settings.fetchBackoffMs());
                }
            }
        }
    }

    /** Errors of a leadership in transition, which the next metadata image resolves. */
    private static boolean isExpected(Errors error) {
        return error == Errors.NOT_LEADER_OR_FOLLOWER || error == Errors.FENCED_LEADER_EPOCH
                || error == Errors.UNKNOWN_LEADER_EPOCH || error == Errors.UNKNOWN_TOPIC_OR_PARTITION
                || error == Errors.UNKNOWN_TOPIC_ID;
    }

    private void sourceUnreachable(Node node, String why) {
        if (!running) {
            return;
        }
        if (!sourceDown) {
            sourceDown = true;
            log.warn("Replica fetcher cannot reach broker {} at {}:{} ({}); retrying every {} ms", node.id(),
                    node.host(), node.port(), why, settings.fetchBackoffMs());
        }
        pause(settings.fetchBackoffMs());
    }

    /** The assigned partitions not backing off; waits up to a backoff period when there are none. */
    private synchronized Map<TopicPartition, Assignment> awaitFetchable() throws InterruptedException {
        long now = clock.millis();
        Map<TopicPartition, Assignment> batch = new LinkedHashMap<>();
        long nextWake = now + settings.fetchBackoffMs();
        for (Map.Entry<TopicPartition, Assignment> e : assigned.entrySet()) {
            Long until = backOffUntil.get(e.getKey());
            if (until == null || until <= now) {
                batch.put(e.getKey(), e.getValue());
            } else {
                nextWake = Math.min(nextWake, until);
            }
        }
        if (batch.isEmpty() && running) {
            wait(Math.max(1, nextWake - now));
        }
        return batch;
    }

    private synchronized void pause(long ms) {
        long until = clock.millis() + ms;
        try {
            while (running && clock.millis() < until) {
                wait(Math.max(1, until - clock.millis()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops the thread and closes its connections. */
    void close() {
        running = false;
        synchronized (this) {
            notifyAll();
        }
        client.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
