package io.skein.broker.config;

import io.skein.log.api.TopicConfigs;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The broker-level keys Skein understands, with Kafka's names and defaults (Skein's own defaults
 * where the walking-skeleton issue sets them: loopback listeners, {@code ./data}, node 1).
 * Topic-config synonyms ({@code log.segment.bytes}, {@code log.retention.hours}, ...) are known
 * through {@link TopicConfigs} and supply topic defaults.
 */
public final class BrokerConfigDef {

    public static final String NODE_ID = "node.id";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String QUORUM_VOTERS = "controller.quorum.voters";
    public static final String QUORUM_REQUEST_TIMEOUT_MS = "controller.quorum.request.timeout.ms";
    public static final String QUORUM_ELECTION_TIMEOUT_MS = "controller.quorum.election.timeout.ms";
    public static final String QUORUM_BOOTSTRAP_SERVERS = "controller.quorum.bootstrap.servers";
    public static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
    public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    public static final String LEADER_IMBALANCE_PER_BROKER_PERCENTAGE = "leader.imbalance.per.broker.percentage";
    public static final String METADATA_SNAPSHOT_ENTRIES = "metadata.snapshot.trigger.entries";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String METADATA_LOG_DIR = "metadata.log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String QUEUED_MAX_REQUESTS = "queued.max.requests";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String BROKER_RACK = "broker.rack";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    public static final String PRODUCER_ID_BLOCK_SIZE = "producer.id.block.size";
    public static final String NUM_RECOVERY_THREADS_PER_DATA_DIR = "num.recovery.threads.per.data.dir";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS =
            "log.flush.start.offset.checkpoint.interval.ms";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_THREADS = "log.cleaner.threads";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_CLEANER_IO_MAX_BYTES_PER_SECOND = "log.cleaner.io.max.bytes.per.second";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_TOPIC_COMPRESSION_CODEC = "offsets.topic.compression.codec";
    public static final String OFFSETS_LOAD_BUFFER_SIZE = "offsets.load.buffer.size";
    public static final String OFFSETS_COMMIT_TIMEOUT_MS = "offsets.commit.timeout.ms";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String GROUP_CONSUMER_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MAX_SIZE = "group.consumer.max.size";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String REPLICA_FETCH_RESPONSE_MAX_BYTES = "replica.fetch.response.max.bytes";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_FETCH_MIN_BYTES = "replica.fetch.min.bytes";
    public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    public static final String REPLICA_SOCKET_TIMEOUT_MS = "replica.socket.timeout.ms";
    public static final String NUM_REPLICA_FETCHERS = "num.replica.fetchers";
    public static final String TRANSACTION_STATE_LOG_NUM_PARTITIONS = "transaction.state.log.num.partitions";
    public static final String TRANSACTION_STATE_LOG_REPLICATION_FACTOR = "transaction.state.log.replication.factor";
    public static final String TRANSACTION_STATE_LOG_SEGMENT_BYTES = "transaction.state.log.segment.bytes";
    public static final String TRANSACTION_STATE_LOG_MIN_ISR = "transaction.state.log.min.isr";
    public static final String TRANSACTION_STATE_LOG_LOAD_BUFFER_SIZE = "transaction.state.log.load.buffer.size";
    public static final String TRANSACTION_MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    public static final String TRANSACTIONAL_ID_EXPIRATION_MS = "transactional.id.expiration.ms";
    public static final String TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS =
            "transaction.abort.timed.out.transaction.cleanup.interval.ms";
    public static final String TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS =
            "transaction.remove.expired.transaction.cleanup.interval.ms";
    public static final String AUTHORIZER_CLASS_NAME = "authorizer.class.name";
    public static final String SUPER_USERS = "super.users";
    public static final String ALLOW_EVERYONE_IF_NO_ACL_FOUND = "allow.everyone.if.no.acl.found";

    private final ConfigDef definition;
    private final TopicConfigs topicConfigs;
    private final Set<String> topicSynonyms = new HashSet<>();

    public BrokerConfigDef(TopicConfigs topicConfigs) {
        this.topicConfigs = topicConfigs;
        ConfigDef d = new ConfigDef();
        d.define(NODE_ID, Type.INT, 1, Range.atLeast(0), Importance.HIGH, "This node's id.");
        d.define(PROCESS_ROLES, Type.LIST, "broker,controller",
                ConfigDef.ValidList.in(false, "broker", "controller"), Importance.HIGH, "Roles of this node.");
        d.define(LISTENERS, Type.LIST, "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093", Importance.HIGH,
                "Listeners to bind, NAME://host:port.");
        d.define(ADVERTISED_LISTENERS, Type.LIST, null, Importance.HIGH,
                "Listeners published to clients; defaults to the non-controller listeners.");
        d.define(LISTENER_SECURITY_PROTOCOL_MAP, Type.LIST,
                "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL", Importance.LOW,
                "Listener name to security protocol.");
        d.define(CONTROLLER_LISTENER_NAMES, Type.LIST, "CONTROLLER", Importance.HIGH, "Controller listener names.");
        d.define(INTER_BROKER_LISTENER_NAME, Type.STRING, null, Importance.MEDIUM, "Listener for broker-to-broker traffic.");
        d.define(QUORUM_VOTERS, Type.LIST, "1@127.0.0.1:9093", Importance.HIGH, "id@host:port of every voter.");
        d.define(QUORUM_REQUEST_TIMEOUT_MS, Type.INT, 2000, Range.atLeast(1), Importance.LOW,
                "How long one Raft request (a broker heartbeat, one attempt of a command) waits for one voter.");
        d.define(QUORUM_ELECTION_TIMEOUT_MS, Type.INT, 1000, Range.atLeast(10), Importance.LOW,
                "A voter that hears no leader for between this and twice this starts an election.");
        d.define(QUORUM_BOOTSTRAP_SERVERS, Type.LIST, "", Importance.HIGH, "host:port of controllers to contact "
                + "first; Skein's quorum is static, so each must be one of controller.quorum.voters.");
        d.define(BROKER_HEARTBEAT_INTERVAL_MS, Type.INT, 2000, Range.atLeast(1), Importance.MEDIUM,
                "How often a broker tells the active controller it is alive.");
        d.define(BROKER_SESSION_TIMEOUT_MS, Type.INT, 9000, Range.atLeast(1), Importance.MEDIUM,
                "A broker that has not heartbeated for this long is fenced: it leaves Metadata and its leaderships "
                        + "move to other in-sync replicas.");
        d.define(AUTO_LEADER_REBALANCE_ENABLE, Type.BOOLEAN, true, Importance.HIGH, "The active controller "
                + "periodically hands leadership back to each partition's preferred (first) replica.");
        d.define(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, Type.LONG, 300L, Range.atLeast(1), Importance.HIGH,
                "How often the active controller checks leader imbalance.");
        d.define(LEADER_IMBALANCE_PER_BROKER_PERCENTAGE, Type.INT, 10, Range.between(0, 100), Importance.HIGH,
                "A broker leading fewer than this share of the partitions it is the preferred replica of gets "
                        + "them back by a preferred leader election.");
        d.define(METADATA_SNAPSHOT_ENTRIES, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                "Skein: the metadata state machine snapshots its image after this many new log entries, and the "
                        + "Raft log before the snapshot may then be purged.");
        d.define(LOG_DIRS, Type.LIST, null, Importance.HIGH, "Directories holding partition logs.");
        d.define(LOG_DIR, Type.STRING, "./data", Importance.HIGH, "Log directory used when log.dirs is not set.");
        d.define(METADATA_LOG_DIR, Type.STRING, null, Importance.HIGH,
                "Where the metadata Raft log lives; defaults to the first log dir.");
        d.define(NUM_PARTITIONS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM, "Default partitions per topic.");
        d.define(DEFAULT_REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.atLeast(1), Importance.MEDIUM,
                "Default replication factor.");
        d.define(AUTO_CREATE_TOPICS, Type.BOOLEAN, true, Importance.HIGH, "Create topics on first Metadata request.");
        d.define(DELETE_TOPIC_ENABLE, Type.BOOLEAN, true, Importance.HIGH, "Allow DeleteTopics.");
        d.define(SOCKET_REQUEST_MAX_BYTES, Type.INT, 104_857_600, Range.atLeast(1), Importance.HIGH,
                "Largest request frame accepted.");
        d.define(NUM_NETWORK_THREADS, Type.INT, 3, Range.atLeast(1), Importance.HIGH, "Network (event loop) threads.");
        d.define(NUM_IO_THREADS, Type.INT, 8, Range.atLeast(1), Importance.HIGH, "Request handler threads.");
        d.define(QUEUED_MAX_REQUESTS, Type.INT, 500, Range.atLeast(1), Importance.HIGH,
                "Requests queued before the network threads stop reading.");
        d.define(CONNECTIONS_MAX_IDLE_MS, Type.LONG, 600_000L, Importance.MEDIUM, "Idle connections are closed after this.");
        d.define(BROKER_RACK, Type.STRING, null, Importance.MEDIUM, "Rack of this broker.");
        d.define(REQUEST_TIMEOUT_MS, Type.INT, 30_000, Range.atLeast(1), Importance.LOW,
                "Upper bound for controller operations a client waits on.");
        d.define(NUM_RECOVERY_THREADS_PER_DATA_DIR, Type.INT, 2, Range.atLeast(1), Importance.HIGH,
                "Threads per log directory that load (and after a crash recover) partition logs at start.");
        d.define(PRODUCER_ID_BLOCK_SIZE, Type.INT, 1000, Range.atLeast(1), Importance.LOW,
                "Producer ids reserved from the controller at a time.");
        defineStorage(d);
        defineReplication(d);
        defineGroupCoordinator(d);
        defineTransactionCoordinator(d);
        d.define(AUTHORIZER_CLASS_NAME, Type.STRING, "", Importance.HIGH, "Enables ACLs: Kafka's "
                + "org.apache.kafka.metadata.authorizer.StandardAuthorizer (or kafka.security.authorizer.AclAuthorizer) "
                + "selects Skein's built-in authorizer; empty allows everything.");
        d.define(SUPER_USERS, Type.STRING, "", Importance.MEDIUM,
                "Principals allowed everything, separated by semicolons: User:admin;User:ops.");
        d.define(ALLOW_EVERYONE_IF_NO_ACL_FOUND, Type.BOOLEAN, false, Importance.MEDIUM,
                "Allow an operation on a resource no ACL covers.");
        for (String topicConfig : topicConfigs.definition().names()) {
            for (String synonym : topicConfigs.brokerSynonyms(topicConfig)) {
                topicSynonyms.add(synonym);
                if (!d.names().contains(synonym)) {
                    ConfigDef.ConfigKey topicKey = topicConfigs.definition().configKeys().get(topicConfig);
                    Type type = synonym.endsWith(".hours") || synonym.endsWith(".minutes") ? Type.LONG : topicKey.type;
                    d.define(synonym, type, null, Importance.MEDIUM,
                            "Broker default for topic config " + topicConfig + ".");
                }
            }
        }
        this.definition = d;
    }

    private static void defineReplication(ConfigDef d) {
        d.define(REPLICA_LAG_TIME_MAX_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.HIGH,
                "A follower that has not caught up with the leader's log end for this long leaves the ISR.");
        d.define(REPLICA_FETCH_MAX_BYTES, Type.INT, 1_048_576, Range.atLeast(0), Importance.MEDIUM,
                "Bytes a follower fetches per partition per request (at least one batch).");
        d.define(REPLICA_FETCH_RESPONSE_MAX_BYTES, Type.INT, 10_485_760, Range.atLeast(0), Importance.MEDIUM,
                "Bytes a follower fetch response may carry in all (at least one batch).");
        d.define(REPLICA_FETCH_WAIT_MAX_MS, Type.INT, 500, Range.atLeast(0), Importance.MEDIUM,
                "How long a follower fetch waits at the leader for replica.fetch.min.bytes.");
        d.define(REPLICA_FETCH_MIN_BYTES, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                "Bytes a follower fetch waits for at the leader.");
        d.define(REPLICA_FETCH_BACKOFF_MS, Type.INT, 1000, Range.atLeast(0), Importance.MEDIUM,
                "Pause of a follower fetcher after a failed fetch.");
        d.define(REPLICA_SOCKET_TIMEOUT_MS, Type.INT, 30_000, Range.atLeast(1), Importance.MEDIUM,
                "Timeout of a follower's fetch request (must exceed replica.fetch.wait.max.ms).");
        d.define(NUM_REPLICA_FETCHERS, Type.INT, 1, Range.atLeast(1), Importance.HIGH,
                "Fetcher threads per source broker.");
    }

    private static void defineStorage(ConfigDef d) {
        d.define(LOG_FLUSH_SCHEDULER_INTERVAL_MS, Type.LONG, Long.MAX_VALUE, Range.atLeast(1), Importance.HIGH,
                "How often logs are checked for flush.ms (log.flush.interval.ms); the default never checks and "
                        + "relies on the page cache and replication, as Kafka.");
        d.define(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, Type.INT, 60_000, Range.atLeast(0), Importance.HIGH,
                "How often the recovery-point-offset-checkpoint of each log dir is written.");
        d.define(LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS, Type.INT, 60_000, Range.atLeast(0), Importance.HIGH,
                "How often the log-start-offset-checkpoint of each log dir is written.");
        d.define(LOG_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 300_000L, Range.atLeast(1), Importance.MEDIUM,
                "How often logs are checked for retention (retention.ms, retention.bytes, segment.ms).");
        d.define(LOG_CLEANER_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM,
                "Run the log cleaner, which compacts topics with cleanup.policy=compact.");
        d.define(LOG_CLEANER_THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM, "Log cleaner threads.");
        d.define(LOG_CLEANER_BACKOFF_MS, Type.LONG, 15_000L, Range.atLeast(0), Importance.MEDIUM,
                "How long a cleaner thread sleeps when no log needs cleaning.");
        d.define(LOG_CLEANER_IO_MAX_BYTES_PER_SECOND, Type.DOUBLE, Double.MAX_VALUE, Importance.MEDIUM,
                "Read plus write rate of all cleaner threads together.");
        d.define(LOG_CLEANER_DEDUPE_BUFFER_SIZE, Type.LONG, 134_217_728L, Range.atLeast(1_048_576), Importance.MEDIUM,
                "Memory the cleaner threads (together) build their key maps in, one hash partition at a time; "
                        + "unlike Kafka it does not limit the keys one cleaning can map (the map spills to disk).");
    }

    private static void defineGroupCoordinator(ConfigDef d) {
        d.define(OFFSETS_TOPIC_NUM_PARTITIONS, Type.INT, 50, Range.atLeast(1), Importance.HIGH,
                "Partitions of the internal __consumer_offsets topic (fixed once the topic exists).");
        d.define(OFFSETS_TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) 3, Range.atLeast(1), Importance.HIGH,
                "Replication factor of __consumer_offsets; capped at the number of registered brokers when "
                        + "the topic is created.");
        d.define(OFFSETS_TOPIC_SEGMENT_BYTES, Type.INT, 104_857_600, Range.atLeast(1), Importance.HIGH,
                "segment.bytes of __consumer_offsets.");
        d.define(OFFSETS_TOPIC_COMPRESSION_CODEC, Type.INT, 0, Importance.LOW,
                "Accepted for compatibility; group coordinator records are written uncompressed.");
        d.define(OFFSETS_LOAD_BUFFER_SIZE, Type.INT, 5 * 1024 * 1024, Range.atLeast(1), Importance.LOW,
                "Bytes read at a time when loading groups and offsets.");
        d.define(OFFSETS_COMMIT_TIMEOUT_MS, Type.INT, 5_000, Range.atLeast(1), Importance.HIGH,
                "How long an offset commit waits for the in-sync replicas of __consumer_offsets before the "
                        + "client is told to retry.");
        d.define(OFFSETS_RETENTION_MINUTES, Type.INT, 10_080, Range.atLeast(1), Importance.HIGH,
                "Committed offsets of a group that has been empty this long are deleted.");
        d.define(OFFSETS_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 600_000L, Range.atLeast(1), Importance.HIGH,
                "How often expired offsets are looked for.");
        d.define(OFFSET_METADATA_MAX_BYTES, Type.INT, 4096, Range.atLeast(0), Importance.HIGH,
                "Largest metadata string an offset commit may carry.");
        d.define(GROUP_MIN_SESSION_TIMEOUT_MS, Type.INT, 6_000, Importance.MEDIUM, "Smallest session.timeout.ms accepted.");
        d.define(GROUP_MAX_SESSION_TIMEOUT_MS, Type.INT, 1_800_000, Importance.MEDIUM,
                "Largest session.timeout.ms accepted.");
        d.define(GROUP_INITIAL_REBALANCE_DELAY_MS, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                "How long the first rebalance of an empty group waits for more members. Skein's single-node "
                        + "default is 0, as in Kafka's shipped server.properties; Kafka's built-in default is 3000.");
        d.define(GROUP_MAX_SIZE, Type.INT, Integer.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM,
                "Most members a classic group may have.");
        d.define(GROUP_CONSUMER_SESSION_TIMEOUT_MS, Type.INT, 45_000, Range.atLeast(1), Importance.MEDIUM,
                "Session timeout of consumer-protocol (KIP-848) group members.");
        d.define(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, Type.INT, 5_000, Range.atLeast(1), Importance.MEDIUM,
                "Heartbeat interval consumer-protocol group members are told to use.");
        d.define(GROUP_CONSUMER_MAX_SIZE, Type.INT, Integer.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM,
                "Most members a consumer-protocol group may have.");
    }

    private static void defineTransactionCoordinator(ConfigDef d) {
        d.define(TRANSACTION_STATE_LOG_NUM_PARTITIONS, Type.INT, 50, Range.atLeast(1), Importance.HIGH,
                "Partitions of the internal __transaction_state topic (fixed once the topic exists).");
        d.define(TRANSACTION_STATE_LOG_REPLICATION_FACTOR, Type.SHORT, (short) 3, Range.atLeast(1), Importance.HIGH,
                "Replication factor of __transaction_state; capped at the number of registered brokers when "
                        + "the topic is created.");
        d.define(TRANSACTION_STATE_LOG_SEGMENT_BYTES, Type.INT, 104_857_600, Range.atLeast(1), Importance.HIGH,
                "segment.bytes of __transaction_state.");
        d.define(TRANSACTION_STATE_LOG_MIN_ISR, Type.INT, 2, Range.atLeast(1), Importance.HIGH,
                "min.insync.replicas of __transaction_state.");
        d.define(TRANSACTION_STATE_LOG_LOAD_BUFFER_SIZE, Type.INT, 5 * 1024 * 1024, Range.atLeast(1), Importance.LOW,
                "Bytes read at a time when loading transactional ids.");
        d.define(TRANSACTION_MAX_TIMEOUT_MS, Type.INT, 900_000, Range.atLeast(1), Importance.HIGH,
                "Largest transaction.timeout.ms a producer may ask for (INVALID_TRANSACTION_TIMEOUT above it).");
        d.define(TRANSACTIONAL_ID_EXPIRATION_MS, Type.INT, 604_800_000, Range.atLeast(1), Importance.HIGH,
                "A transactional id without a transaction this long is removed.");
        d.define(TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                "How often transactions open longer than their timeout are looked for and aborted.");
        d.define(TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS, Type.INT, 3_600_000, Range.atLeast(1), Importance.LOW,
                "How often expired transactional ids are looked for.");
    }

    public ConfigDef definition() {
        return definition;
    }

    public TopicConfigs topicConfigs() {
        return topicConfigs;
    }

    public boolean isKnown(String key) {
        return definition.names().contains(key);
    }

    public boolean isTopicSynonym(String key) {
        return topicSynonyms.contains(key);
    }
}
