package io.skein.replication.interbroker;

import io.skein.replication.api.Endpoint;
import io.skein.replication.api.MetadataImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.ApiVersions;
import org.apache.kafka.clients.BootstrapConfiguration;
import org.apache.kafka.clients.ClientRequest;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.clients.ManualMetadataUpdater;
import org.apache.kafka.clients.MetadataRecoveryStrategy;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.network.ChannelBuilder;
import org.apache.kafka.common.network.ChannelBuilders;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.network.Selector;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.LogContext;

/**
 * A blocking request/response client to other brokers on the inter-broker listener, built on
 * kafka-clients' {@link NetworkClient} (connection handling, ApiVersions negotiation, TLS and
 * SASL from the listener's {@code listener.name.<l>.*} settings). One connection per broker.
 *
 * <p>Threading: owned by one thread, which calls {@link #sendAndReceive}; {@link #wakeup()} may be
 * called from any thread to break a blocking call (it then fails with an IOException), as does
 * interrupting the owning thread. ({@link NetworkClient#wakeup()} alone only cuts one poll short:
 * kafka-clients' blocking helpers would poll on, so this class runs its own wait loops.)
 */
public final class InterBrokerClient implements AutoCloseable {

    /**
     * What the client needs to know about the inter-broker listener.
     *
     * @param listenerConfigs the broker's settings with the listener's {@code listener.name.<l>.*}
     *     overrides applied (the prefixed keys stay too: SASL reads its JAAS config from them)
     */
    public record Settings(int localNodeId, String listenerName, SecurityProtocol protocol,
                           Map<String, String> listenerConfigs, String saslMechanism, int requestTimeoutMs) {

        /**
         * Where broker {@code nodeId} listens on the inter-broker listener as of {@code image}; empty
         * when it is not registered or advertises no such listener (fenced or not: callers decide).
         */
        public Optional<Node> endpoint(MetadataImage image, int nodeId) {
            MetadataImage.BrokerRegistration broker = image.brokers().get(nodeId);
            if (broker != null) {
                for (Endpoint e : broker.endpoints()) {
                    if (e.listenerName().equalsIgnoreCase(listenerName)) {
                        return Optional.of(new Node(nodeId, e.host(), e.port(), broker.rack()));
                    }
                }
            }
            return Optional.empty();
        }
    }

    private final NetworkClient client;
    private final int requestTimeoutMs;
    private final Metrics metrics;
    private final Time time = Time.SYSTEM;
    /** Incremented by {@link #wakeup} on any thread; a blocking call that sees it change gives up. */
    private final AtomicLong wakeups = new AtomicLong();

    /**
     * @param purpose names the client in kafka-clients' log lines and metrics (e.g. "replica-fetcher-2")
     */
    public InterBrokerClient(Settings settings, String purpose) {
        this.requestTimeoutMs = settings.requestTimeoutMs();
        LogContext logContext = new LogContext("[" + purpose + " broker=" + settings.localNodeId() + "] ");
        ListenerName listener = new ListenerName(settings.listenerName());
        ChannelBuilder channels = ChannelBuilders.clientChannelBuilder(settings.protocol(),
                JaasContext.Type.SERVER, securityConfig(settings), listener, settings.saslMechanism(), time, logContext);
        this.metrics = new Metrics(time);
        Selector selector = new Selector(org.apache.kafka.common.network.NetworkReceive.UNLIMITED, 600_000L, metrics, time, purpose,
                Map.of("broker-id", Integer.toString(settings.localNodeId())), false, channels, logContext);
        this.client = new NetworkClient(selector, new ManualMetadataUpdater(), purpose, 1, 50L, 1000L,
                -1, -1, settings.requestTimeoutMs(), 10_000L, 30_000L, time, true, new ApiVersions(), logContext,
                MetadataRecoveryStrategy.NONE, BootstrapConfiguration.DISABLED, false);
    }

    /**
     * The listener's resolved settings as kafka-clients' channel builders read them: TLS
     * ({@code ssl.*}) and SASL ({@code sasl.*}) client settings, typed by their definitions.
     */
    private static AbstractConfig securityConfig(Settings settings) {
        ConfigDef def = new ConfigDef().withClientSslSupport().withClientSaslSupport();
        Map<String, Object> values = new java.util.HashMap<>(settings.listenerConfigs());
        if (settings.saslMechanism() != null) {
            values.put(SaslConfigs.SASL_MECHANISM, settings.saslMechanism());
        }
        return new AbstractConfig(def, values, false); // keys the definition lacks stay among the originals
    }

    /**
     * Connects if needed, sends the request and waits for its response. On failure the connection
     * to the broker is dropped, so the next call connects afresh.
     *
     * @return the response, always with a body (never a disconnection, timeout or version mismatch)
     * @throws IOException when the broker cannot be reached or refuses this broker's authentication,
     *     the connection drops, the request times out, the broker does not support the request, or
     *     the wait was woken up
     *     ({@link #wakeup}) or interrupted; the caller backs off and tries again
     */
    public ClientResponse sendAndReceive(Node node, AbstractRequest.Builder<?> request) throws IOException {
        long woken = wakeups.get();
        try {
            awaitReady(node, woken);
            ClientRequest clientRequest = client.newClientRequest(node.idString(), request, time.milliseconds(), true,
                    requestTimeoutMs, null);
            client.send(clientRequest, time.milliseconds());
            while (true) {
                // a request that outlives request.timeout.ms comes back here as a timed-out disconnection
                for (ClientResponse response : client.poll(requestTimeoutMs, time.milliseconds())) {
                    if (response.requestHeader().correlationId() != clientRequest.correlationId()) {
                        continue;
                    }
                    if (response.wasDisconnected()) {
                        throw new IOException(describe(node) + (response.wasTimedOut()
                                ? " did not answer within " + requestTimeoutMs + " ms" : " disconnected"));
                    }
                    if (response.versionMismatch() != null) {
                        throw new IOException(describe(node) + " does not support the request: "
                                + response.versionMismatch().getMessage());
                    }
                    return response;
                }
                checkNotAbandoned(woken);
            }
        } catch (IOException e) {
            client.close(node.idString());
            throw e;
        }
    }

    /** Waits until the connection to {@code node} is ready (kafka-clients' awaitReady, but wakeup-aware). */
    private void awaitReady(Node node, long woken) throws IOException {
        long now = time.milliseconds();
        long deadline = now + requestTimeoutMs;
        if (client.ready(node, now)) { // starts connecting when not connected
            return;
        }
        while (!client.isReady(node, now)) {
            if (client.connectionFailed(node)) {
                throw new IOException("cannot connect to " + describe(node));
            }
            if (now >= deadline) {
                throw new IOException(describe(node) + " not ready within " + requestTimeoutMs + " ms");
            }
            client.poll(deadline - now, now);
            AuthenticationException refused = client.authenticationException(node);
            if (refused != null) {
                // a wrong inter-broker password or certificate is an operator's fix, not a crash: one line, no trace
                throw new IOException(describe(node) + " refused this broker's authentication on the inter-broker "
                        + "listener (check sasl.mechanism.inter.broker.protocol and the listener's JAAS username and "
                        + "password, or its keystore): " + refused.getMessage());
            }
            checkNotAbandoned(woken);
            now = time.milliseconds();
        }
    }

    /** Gives up a blocking call that {@link #wakeup} or an interrupt asked to stop. */
    private void checkNotAbandoned(long woken) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted"); // the flag stays set for the caller's loop
        }
        if (wakeups.get() != woken) {
            throw new IOException("woken up");
        }
        if (!client.active()) {
            throw new IOException("the client is closed");
        }
    }

    private static String describe(Node node) {
        return "broker " + node.id() + " at " + node.host() + ":" + node.port();
    }

    /** Makes a blocking call on the owning thread give up with an IOException (from any thread). */
    public void wakeup() {
        wakeups.incrementAndGet();
        client.wakeup();
    }

    @Override
    public void close() {
        client.close();
        metrics.close();
    }
}
