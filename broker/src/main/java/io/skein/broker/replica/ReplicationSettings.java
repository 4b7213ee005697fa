package io.skein.broker.replica;

import io.skein.broker.config.BrokerConfig;
import io.skein.broker.config.BrokerConfigDef;
import io.skein.broker.config.ListenerSpec;
import io.skein.replication.interbroker.InterBrokerClient;

/**
 * The replication settings of a broker, by their Kafka names: {@code replica.lag.time.max.ms},
 * {@code replica.fetch.*}, {@code num.replica.fetchers}, and the inter-broker listener's client
 * settings ({@code inter.broker.listener.name}, {@code sasl.mechanism.inter.broker.protocol}).
 */
public record ReplicationSettings(long lagTimeMaxMs, int fetchMaxBytes, int fetchResponseMaxBytes, int fetchWaitMaxMs,
                                  int fetchMinBytes, int fetchBackoffMs, int numFetchers,
                                  InterBrokerClient.Settings client) {

    public static ReplicationSettings from(BrokerConfig config) {
        ListenerSpec listener = config.interBrokerListener();
        String mechanism = config.originals().getOrDefault("sasl.mechanism.inter.broker.protocol", "GSSAPI");
        // every original key (kafka-clients' SASL login looks up listener.name.<l>.<mechanism>.sasl.jaas.config),
        // with the listener's overrides applied to the plain keys (ssl.*, sasl.*)
        java.util.Map<String, String> settings = new java.util.HashMap<>(config.originals());
        settings.putAll(config.listenerConfigs(listener.name()));
        InterBrokerClient.Settings client = new InterBrokerClient.Settings(config.nodeId(), listener.name(),
                listener.protocol(), java.util.Map.copyOf(settings), mechanism,
                config.getInt(BrokerConfigDef.REPLICA_SOCKET_TIMEOUT_MS));
        return new ReplicationSettings(config.getLong(BrokerConfigDef.REPLICA_LAG_TIME_MAX_MS),
                config.getInt(BrokerConfigDef.REPLICA_FETCH_MAX_BYTES),
                config.getInt(BrokerConfigDef.REPLICA_FETCH_RESPONSE_MAX_BYTES),
                config.getInt(BrokerConfigDef.REPLICA_FETCH_WAIT_MAX_MS),
                config.getInt(BrokerConfigDef.REPLICA_FETCH_MIN_BYTES),
                config.getInt(BrokerConfigDef.REPLICA_FETCH_BACKOFF_MS),
                config.getInt(BrokerConfigDef.NUM_REPLICA_FETCHERS), client);
    }

    /** The name of the listener brokers reach each other on. */
    public String listenerName() {
        return client.listenerName();
    }
}
