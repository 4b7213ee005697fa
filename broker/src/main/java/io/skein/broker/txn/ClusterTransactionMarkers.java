package io.skein.broker.txn;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.replication.interbroker.InterBrokerClient;
import io.skein.replication.interbroker.NodeSender;
import io.skein.replication.interbroker.NodeSenders;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a transaction's markers wherever its partitions are led: partitions this node leads
 * through {@link LocalTransactionMarkers}, the others batched per leader into WriteTxnMarkers
 * requests (one {@link NodeSender} per leader, as Kafka's coordinator queues markers per broker).
 * Leaders are read from the latest metadata image at every attempt.
 *
 * <p>One attempt per call: a partition whose leader is unknown, unreachable or no longer the
 * leader gets a retriable error (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, NETWORK_EXCEPTION,
 * REQUEST_TIMED_OUT) and the transaction coordinator, which retries failed marker writes until they
 * succeed, calls again; there is no second retry loop here. A partition of a deleted topic gets
 * UNKNOWN_TOPIC_OR_PARTITION (it needs no marker).
 *
 * <p>Threading: {@link #writeAll} from any thread (the coordinator's); remote results complete on
 * the sender thread of their leader, local ones as {@link LocalTransactionMarkers} completes them.
 */
public final class ClusterTransactionMarkers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterTransactionMarkers.class);

    /** One transaction's markers for the partitions one broker leads. */
    record Markers(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                   List<TopicPartition> partitions, CompletableFuture<Map<TopicPartition, Errors>> result) {
    }

    private final int localNodeId;
    private final MetadataQuorum quorum;
    private final LocalTransactionMarkers local;
    private final NodeSenders<Markers> senders;

    /** @param client how to reach other brokers (the inter-broker listener's settings) */
    public ClusterTransactionMarkers(int localNodeId, MetadataQuorum quorum, LocalTransactionMarkers local,
                                     InterBrokerClient.Settings client) {
        this.localNodeId = localNodeId;
        this.quorum = quorum;
        this.local = local;
        this.senders = new NodeSenders<>(client, quorum, new MarkerExchange(), "txn-marker-sender");
    }

    /**
     * Writes the marker to each partition; completes with each partition's error, once the markers
     * written are replicated to their partitions' in-sync replicas.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> writeAll(long producerId, short producerEpoch,
            boolean commit, int coordinatorEpoch, Collection<TopicPartition> partitions) {
        MetadataImage image = quorum.image();
        Map<TopicPartition, Errors> unroutable = new LinkedHashMap<>();
        List<TopicPartition> mine = new ArrayList<>();
        Map<Integer, List<TopicPartition>> byLeader = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            int leader = image.topic(tp.topic()).isEmpty() ? -2
                    : image.partition(tp).map(MetadataImage.PartitionState::leader).orElse(-2);
            if (leader == -2) {
                unroutable.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            } else if (leader < 0) {
                unroutable.put(tp, Errors.LEADER_NOT_AVAILABLE);
            } else if (leader == localNodeId) {
                mine.add(tp);
            } else {
                byLeader.computeIfAbsent(leader, id -> new ArrayList<>()).add(tp);
            }
        }
        List<CompletableFuture<Map<TopicPartition, Errors>>> parts = new ArrayList<>();
        parts.add(CompletableFuture.completedFuture(unroutable));
        if (!mine.isEmpty()) {
            parts.add(local.writeAllReplicated(producerId, producerEpoch, commit, coordinatorEpoch, mine));
        }
        byLeader.forEach((leader, tps) -> {
            Markers markers = new Markers(producerId, producerEpoch, commit, coordinatorEpoch, tps,
                    new CompletableFuture<>());
            parts.add(markers.result());
            senders.submit(leader, markers);
        });
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            Map<TopicPartition, Errors> all = new LinkedHashMap<>();
            parts.forEach(p -> all.putAll(p.join()));
            return all;
        });
    }

    @Override
    public void close() {
        senders.close();
    }

    /** WriteTxnMarkers with every transaction queued for one leader. */
    static final class MarkerExchange implements NodeSender.Exchange<Markers> {

        @Override
        public AbstractRequest.Builder<?> request(List<Markers> batch) {
            WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData();
            for (Markers m : batch) {
                Map<String, WriteTxnMarkersRequestData.WritableTxnMarkerTopic> topics = new LinkedHashMap<>();
                for (TopicPartition tp : m.partitions()) {
                    topics.computeIfAbsent(tp.topic(), t -> new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                            .setName(t)).partitionIndexes().add(tp.partition());
                }
                data.markers().add(new WriteTxnMarkersRequestData.WritableTxnMarker()
                        .setProducerId(m.producerId()).setProducerEpoch(m.producerEpoch())
                        .setTransactionResult(m.commit()).setCoordinatorEpoch(m.coordinatorEpoch())
                        .setTopics(new ArrayList<>(topics.values())));
            }
            return new WriteTxnMarkersRequest.Builder(data);
        }

        /** Results come back in the order of the request's markers (each also names its producer). */
        @Override
        public void onResponse(List<Markers> batch, AbstractResponse response) {
            List<WriteTxnMarkersResponseData.WritableTxnMarkerResult> results =
                    ((WriteTxnMarkersResponse) response).data().markers();
            for (int i = 0; i < batch.size(); i++) {
                Markers m = batch.get(i);
                Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
                m.partitions().forEach(tp -> errors.put(tp, Errors.UNKNOWN_SERVER_ERROR));
                if (i < results.size() && results.get(i).producerId() == m.producerId()) {
                    for (WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topic : results.get(i).topics()) {
                        for (WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult p : topic.partitions()) {
                            errors.replace(new TopicPartition(topic.name(), p.partitionIndex()),
                                    Errors.forCode(p.errorCode()));
                        }
                    }
                }
                m.result().complete(errors);
            }
        }

        @Override
        public void onFailure(List<Markers> batch, String reason) {
            log.info("Could not deliver the markers of {} transaction(s) to their partitions' leader: {};"
                    + " the transaction coordinator retries", batch.size(), reason);
            for (Markers m : batch) {
                Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
                m.partitions().forEach(tp -> errors.put(tp, Errors.NETWORK_EXCEPTION));
                m.result().complete(errors);
            }
        }
    }
}
