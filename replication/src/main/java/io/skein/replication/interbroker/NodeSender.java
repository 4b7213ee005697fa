package io.skein.replication.interbroker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntFunction;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued items to one broker in batches: the items waiting when the previous request was
 * answered go out together in the next request ({@link Exchange#request}). The broker's endpoint is
 * looked up again before every request (it may have restarted elsewhere). A failed exchange (no
 * endpoint, connection refused or dropped, timeout) fails the whole batch once, through
 * {@link Exchange#onFailure}; retrying is the caller's business, with fresh metadata.
 *
 * <p>Threading: {@link #submit} from any thread (a blocking queue). One daemon thread, started by
 * {@link #start}, owns the {@link InterBrokerClient} and every batch, and runs the exchange's
 * callbacks. {@link #close} stops it, wakes a blocked call and fails what is still queued.
 *
 * @param <T> one item, e.g. one transaction's markers or one partition to verify
 */
public final class NodeSender<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeSender.class);

    /** At most this many items per request. */
    private static final int MAX_BATCH = 500;

    /** How a batch of items becomes a request, and how its answer (or failure) goes back to each item. */
    public interface Exchange<T> {
        AbstractRequest.Builder<?> request(List<T> batch);

        void onResponse(List<T> batch, AbstractResponse response);

        /** @param reason what went wrong, for a log line */
        void onFailure(List<T> batch, String reason);
    }

    private final int nodeId;
    private final IntFunction<Optional<Node>> endpoints;
    private final InterBrokerClient client;
    private final Exchange<T> exchange;
    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** Set by {@link #close} from another thread; read by the sender thread. */
    private volatile boolean closed;

    /**
     * @param endpoints a broker id's endpoint on the inter-broker listener in the latest metadata
     * @param purpose names the thread and the client's log lines, e.g. "txn-marker-sender"
     */
    public NodeSender(int nodeId, IntFunction<Optional<Node>> endpoints, InterBrokerClient client,
                      Exchange<T> exchange, String purpose) {
        this.nodeId = nodeId;
        this.endpoints = endpoints;
        this.client = client;
        this.exchange = exchange;
        this.thread = new Thread(this::run, purpose + "-to-" + nodeId);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Queues an item for the next request to this broker. */
    public void submit(T item) {
        queue.add(item);
        if (closed) {
            failQueued("the sender is closed");
        }
    }

    private void run() {
        List<T> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            try {
                send(batch);
            } catch (RuntimeException e) {
                log.error("Inter-broker exchange with broker {} failed unexpectedly", nodeId, e);
                exchange.onFailure(batch, e.toString());
            }
            batch = new ArrayList<>();
        }
        failQueued("the sender is closed");
    }

    private void send(List<T> batch) {
        Optional<Node> node = endpoints.apply(nodeId);
        if (node.isEmpty()) {
            exchange.onFailure(batch, "broker " + nodeId + " has no endpoint on the inter-broker listener");
            return;
        }
        AbstractResponse response;
        try {
            response = client.sendAndReceive(node.get(), exchange.request(batch)).responseBody();
        } catch (IOException e) {
            exchange.onFailure(batch, e.getMessage());
            return;
        }
        exchange.onResponse(batch, response);
    }

    private void failQueued(String reason) {
        List<T> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            exchange.onFailure(left, reason);
        }
    }

    @Override
    public void close() {
        closed = true;
        client.wakeup();
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        failQueued("the sender is closed");
    }
}
