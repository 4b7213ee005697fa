package io.skein.broker.config;

import io.skein.coordinator.group.GroupConfig;
import io.skein.coordinator.records.CoordinatorReplication;
import io.skein.coordinator.records.ReplicationAwait;
import io.skein.coordinator.transaction.TransactionConfig;
import io.skein.log.api.StorageSettings;
import io.skein.log.compaction.CleanerSettings;
import io.skein.replication.interbroker.InterBrokerClient;
import io.skein.replication.replica.ReplicationSettings;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings records of the node's components (log storage, log cleaner, replication, group and
 * transaction coordinators), read from the broker configuration's Kafka-named keys. {@link BrokerConfig}
 * parses and validates; this translates. Stateless.
 */
public final class ComponentSettings {

    private ComponentSettings() {
    }

    /** The group coordinator's settings from the {@code group.*} and {@code offsets.*} keys. */
    public static GroupConfig groupConfig(BrokerConfig config) {
        return new GroupConfig(
                config.getInt(BrokerConfigDef.GROUP_MIN_SESSION_TIMEOUT_MS),
                config.getInt(BrokerConfigDef.GROUP_MAX_SESSION_TIMEOUT_MS),
                config.getInt(BrokerConfigDef.GROUP_INITIAL_REBALANCE_DELAY_MS),
                config.getInt(BrokerConfigDef.GROUP_MAX_SIZE),
                config.getInt(BrokerConfigDef.OFFSETS_RETENTION_MINUTES) * 60_000L,
                config.getLong(BrokerConfigDef.OFFSETS_RETENTION_CHECK_INTERVAL_MS),
                config.getInt(BrokerConfigDef.OFFSET_METADATA_MAX_BYTES),
                config.getInt(BrokerConfigDef.OFFSETS_LOAD_BUFFER_SIZE),
                config.getInt(BrokerConfigDef.GROUP_CONSUMER_SESSION_TIMEOUT_MS),
                config.getInt(BrokerConfigDef.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS),
                config.getInt(BrokerConfigDef.GROUP_CONSUMER_MAX_SIZE));
    }

    /**
     * How long coordinator writes wait to be replicated ({@code offsets.commit.timeout.ms},
     * {@code request.timeout.ms}), and who tells them.
     */
    public static CoordinatorReplication coordinatorReplication(BrokerConfig config, ReplicationAwait await) {
        return new CoordinatorReplication(await, config.getInt(BrokerConfigDef.OFFSETS_COMMIT_TIMEOUT_MS),
                config.getInt(BrokerConfigDef.REQUEST_TIMEOUT_MS));
    }

    /**
     * The transaction coordinator's settings from the {@code transaction.*} keys; marker writes
     * that failed are retried every second (a fixed backoff, not a setting).
     */
    public static TransactionConfig transactionConfig(BrokerConfig config) {
        return new TransactionConfig(
                config.getInt(BrokerConfigDef.TRANSACTION_MAX_TIMEOUT_MS),
                config.getInt(BrokerConfigDef.TRANSACTIONAL_ID_EXPIRATION_MS),
                config.getInt(BrokerConfigDef.TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS),
                config.getInt(BrokerConfigDef.TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS),
                config.getInt(BrokerConfigDef.TRANSACTION_STATE_LOG_LOAD_BUFFER_SIZE),
                1_000L);
    }

    /** Broker-level storage settings: log dirs, recovery threads, flush, checkpoint and retention intervals. */
    public static StorageSettings storageSettings(BrokerConfig config, Clock clock) {
        return new StorageSettings(config.logDirs(), config.logConfig(Map.of()),
                config.getInt(BrokerConfigDef.NUM_RECOVERY_THREADS_PER_DATA_DIR), clock,
                config.getLong(BrokerConfigDef.LOG_FLUSH_SCHEDULER_INTERVAL_MS),
                config.getInt(BrokerConfigDef.LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS),
                config.getInt(BrokerConfigDef.LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS),
                config.getLong(BrokerConfigDef.LOG_RETENTION_CHECK_INTERVAL_MS));
    }

    /** The log cleaner's settings ({@code log.cleaner.*}). */
    public static CleanerSettings cleanerSettings(BrokerConfig config) {
        return new CleanerSettings(config.getBoolean(BrokerConfigDef.LOG_CLEANER_ENABLE),
                config.getInt(BrokerConfigDef.LOG_CLEANER_THREADS),
                config.getLong(BrokerConfigDef.LOG_CLEANER_BACKOFF_MS),
                ((Number) config.values().get(BrokerConfigDef.LOG_CLEANER_IO_MAX_BYTES_PER_SECOND)).doubleValue(),
                config.getLong(BrokerConfigDef.LOG_CLEANER_DEDUPE_BUFFER_SIZE));
    }

    /**
     * The replication settings ({@code replica.lag.time.max.ms}, {@code replica.fetch.*},
     * {@code num.replica.fetchers}) and the inter-broker listener's client settings.
     *
     * @throws org.apache.kafka.common.config.ConfigException when {@code inter.broker.listener.name} names no advertised listener
     */
    public static ReplicationSettings replicationSettings(BrokerConfig config) {
        ListenerSpec listener = config.interBrokerListener();
        String mechanism = config.originals().getOrDefault("sasl.mechanism.inter.broker.protocol", "GSSAPI");
        // every original key (kafka-clients' SASL login looks up listener.name.<l>.<mechanism>.sasl.jaas.config),
        // with the listener's overrides applied to the plain keys (ssl.*, sasl.*)
        Map<String, String> settings = new HashMap<>(config.originals());
        settings.putAll(config.listenerConfigs(listener.name()));
        InterBrokerClient.Settings client = new InterBrokerClient.Settings(config.nodeId(), listener.name(),
                listener.protocol(), Map.copyOf(settings), mechanism,
                config.getInt(BrokerConfigDef.REPLICA_SOCKET_TIMEOUT_MS));
        return new ReplicationSettings(config.getLong(BrokerConfigDef.REPLICA_LAG_TIME_MAX_MS),
                config.getInt(BrokerConfigDef.REPLICA_FETCH_MAX_BYTES),
                config.getInt(BrokerConfigDef.REPLICA_FETCH_RESPONSE_MAX_BYTES),
                config.getInt(BrokerConfigDef.REPLICA_FETCH_WAIT_MAX_MS),
                config.getInt(BrokerConfigDef.REPLICA_FETCH_MIN_BYTES),
                config.getInt(BrokerConfigDef.REPLICA_FETCH_BACKOFF_MS),
                config.getInt(BrokerConfigDef.NUM_REPLICA_FETCHERS), client);
    }
}
