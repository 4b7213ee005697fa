package io.skein.replication.interbroker;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Node;

/**
 * One {@link NodeSender} per destination broker, each with its own {@link InterBrokerClient} and
 * thread, created at the first item for that broker (so a slow or dead broker holds up only its own
 * items, as Kafka's per-broker queues do). Endpoints come from the latest metadata image, on the
 * inter-broker listener.
 *
 * <p>Threading: {@link #submit} from any thread; senders are kept in a concurrent map, created
 * under this object's lock, which {@link #close} also takes so that none starts after it. After
 * {@link #close} a submitted item is failed at once.
 */
public final class NodeSenders<T> implements AutoCloseable {

    private final InterBrokerClient.Settings settings;
    private final MetadataQuorum quorum;
    private final NodeSender.Exchange<T> exchange;
    private final String purpose;
    private final Map<Integer, NodeSender<T>> senders = new ConcurrentHashMap<>();
    /** Set by {@link #close}; read by submitters under this object's lock. */
    private boolean closed;

    /** @param purpose names the threads and the clients, e.g. "txn-marker-sender" */
    public NodeSenders(InterBrokerClient.Settings settings, MetadataQuorum quorum, NodeSender.Exchange<T> exchange,
                       String purpose) {
        this.settings = settings;
        this.quorum = quorum;
        this.exchange = exchange;
        this.purpose = purpose;
    }

    /** Queues {@code item} for broker {@code nodeId}. */
    public void submit(int nodeId, T item) {
        NodeSender<T> sender = senders.get(nodeId);
        if (sender == null) {
            synchronized (this) { // no sender (thread, connection) starts once close has begun
                if (closed) {
                    exchange.onFailure(java.util.List.of(item), "this broker is shutting down");
                    return;
                }
                sender = senders.computeIfAbsent(nodeId, id -> {
                    NodeSender<T> created = new NodeSender<>(id, this::endpoint,
                            new InterBrokerClient(settings, purpose + "-" + id), exchange, purpose);
                    created.start();
                    return created;
                });
            }
        }
        sender.submit(item); // after close: failed at once by the closed sender
    }

    /** A broker's endpoint on the inter-broker listener in the latest image; empty when unknown or fenced. */
    public Optional<Node> endpoint(int nodeId) {
        MetadataImage image = quorum.image();
        MetadataImage.BrokerRegistration broker = image.brokers().get(nodeId);
        return broker == null || broker.fenced() ? Optional.empty() : settings.endpoint(image, nodeId);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        senders.values().forEach(NodeSender::close);
        senders.clear();
    }
}
