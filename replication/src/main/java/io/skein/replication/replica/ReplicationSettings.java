package io.skein.replication.replica;

import io.skein.replication.interbroker.InterBrokerClient;

/**
 * The replication settings of a broker, by their Kafka names (the broker reads them from its
 * configuration).
 *
 * @param lagTimeMaxMs {@code replica.lag.time.max.ms}
 * @param fetchMaxBytes {@code replica.fetch.max.bytes}
 * @param fetchResponseMaxBytes {@code replica.fetch.response.max.bytes}
 * @param fetchWaitMaxMs {@code replica.fetch.wait.max.ms}
 * @param fetchMinBytes {@code replica.fetch.min.bytes}
 * @param fetchBackoffMs {@code replica.fetch.backoff.ms}
 * @param numFetchers {@code num.replica.fetchers}
 * @param client the inter-broker listener's client settings ({@code inter.broker.listener.name},
 *     {@code sasl.mechanism.inter.broker.protocol}, {@code replica.socket.timeout.ms})
 */
public record ReplicationSettings(long lagTimeMaxMs, int fetchMaxBytes, int fetchResponseMaxBytes, int fetchWaitMaxMs,
                                  int fetchMinBytes, int fetchBackoffMs, int numFetchers,
                                  InterBrokerClient.Settings client) {

    /** The name of the listener brokers reach each other on. */
    public String listenerName() {
        return client.listenerName();
    }
}
