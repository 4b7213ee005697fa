package io.skein.broker.interbroker;

import io.skein.replication.api.Endpoint;
import io.skein.replication.api.MetadataImage;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.ApiVersions;
import org.apache.kafka.clients.BootstrapConfiguration;
import org.apache.kafka.clients.ClientRequest;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.clients.ManualMetadataUpdater;
import org.apache.kafka.clients.MetadataRecoveryStrategy;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.NetworkClientUtils;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
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
 * called from any thread to interrupt a blocking call (it then fails with an IOException).
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
     * Connects if needed, sends the request and waits for its response.
     *
     * @throws IOException when the broker cannot be reached, the connection drops or the wait was
     *     woken up; the caller backs off and tries again
     */
    public ClientResponse sendAndReceive(Node node, AbstractRequest.Builder<?> request) throws IOException {
        long now = time.milliseconds();
        if (!NetworkClientUtils.awaitReady(client, node, time, requestTimeoutMs)) {
            throw new IOException("broker " + node.id() + " at " + node.host() + ":" + node.port()
                    + " not ready within " + requestTimeoutMs + " ms");
        }
        ClientRequest clientRequest = client.newClientRequest(node.idString(), request, now, true, requestTimeoutMs,
                null);
        return NetworkClientUtils.sendAndReceive(client, clientRequest, time);
    }

    /** Breaks a blocking call (from any thread). */
    public void wakeup() {
        client.wakeup();
    }

    /** Drops the connection to a broker (after an error, or when its endpoint changed). */
    public void disconnect(Node node) {
        client.close(node.idString());
    }

    @Override
    public void close() {
        client.close();
        metrics.close();
    }
}
