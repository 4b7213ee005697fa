package io.skein.log.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Kafka's topic-level configuration: names, types, defaults and validation, and for each the
 * broker-level key ({@code server.properties} synonym) that supplies the default.
 *
 * <p>Stateless; the definitions are built once per instance.
 */
public final class TopicConfigs {

    private final ConfigDef definition;
    private final Map<String, List<String>> brokerSynonyms;

    public TopicConfigs() {
        ConfigDef def = new ConfigDef();
        Map<String, List<String>> syn = new LinkedHashMap<>();
        define(def, syn, TopicConfig.CLEANUP_POLICY_CONFIG, Type.LIST, "delete",
                ValidList.in(false, TopicConfig.CLEANUP_POLICY_DELETE, TopicConfig.CLEANUP_POLICY_COMPACT),
                "log.cleanup.policy");
        define(def, syn, TopicConfig.COMPRESSION_TYPE_CONFIG, Type.STRING, "producer",
                ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), "compression.type");
        define(def, syn, TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG, Type.INT, -1, Range.between(-1, 9),
                "compression.gzip.level");
        define(def, syn, TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG, Type.INT, 9, Range.between(1, 17),
                "compression.lz4.level");
        define(def, syn, TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG, Type.INT, 3, Range.between(-131072, 22),
                "compression.zstd.level");
        define(def, syn, TopicConfig.DELETE_RETENTION_MS_CONFIG, Type.LONG, 86_400_000L, Range.atLeast(0),
                "log.cleaner.delete.retention.ms");
        define(def, syn, TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(0),
                "log.segment.delete.delay.ms");
        define(def, syn, TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, Type.LONG, Long.MAX_VALUE, Range.atLeast(1),
                "log.flush.interval.messages");
        define(def, syn, TopicConfig.FLUSH_MS_CONFIG, Type.LONG, Long.MAX_VALUE, Range.atLeast(0),
                "log.flush.interval.ms");
        define(def, syn, TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, Type.INT, 4096, Range.atLeast(0),
                "log.index.interval.bytes");
        define(def, syn, TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Type.LONG, Long.MAX_VALUE, Range.atLeast(1),
                "log.cleaner.max.compaction.lag.ms");
        define(def, syn, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Type.INT, 1_048_588, Range.atLeast(0),
                "message.max.bytes");
        define(def, syn, TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, Type.LONG, 3_600_000L, Range.atLeast(0),
                "log.message.timestamp.after.max.ms");
        define(def, syn, TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, Type.LONG, Long.MAX_VALUE,
                Range.atLeast(0), "log.message.timestamp.before.max.ms");
        define(def, syn, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, Type.STRING, "CreateTime",
                ValidString.in("CreateTime", "LogAppendTime"), "log.message.timestamp.type");
        define(def, syn, TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, Type.DOUBLE, 0.5, Range.between(0, 1),
                "log.cleaner.min.cleanable.ratio");
        define(def, syn, TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Type.LONG, 0L, Range.atLeast(0),
                "log.cleaner.min.compaction.lag.ms");
        define(def, syn, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Type.INT, 1, Range.atLeast(1),
                "min.insync.replicas");
        define(def, syn, TopicConfig.PREALLOCATE_CONFIG, Type.BOOLEAN, false, null, "log.preallocate");
        define(def, syn, TopicConfig.RETENTION_BYTES_CONFIG, Type.LONG, -1L, null, "log.retention.bytes");
        define(def, syn, TopicConfig.RETENTION_MS_CONFIG, Type.LONG, 604_800_000L, Range.atLeast(-1),
                "log.retention.ms", "log.retention.minutes", "log.retention.hours");
        define(def, syn, TopicConfig.SEGMENT_BYTES_CONFIG, Type.INT, 1_073_741_824, Range.atLeast(1_048_576),
                "log.segment.bytes");
        define(def, syn, TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, Type.INT, 10_485_760, Range.atLeast(4),
                "log.index.size.max.bytes");
        define(def, syn, TopicConfig.SEGMENT_JITTER_MS_CONFIG, Type.LONG, 0L, Range.atLeast(0),
                "log.roll.jitter.ms", "log.roll.jitter.hours");
        define(def, syn, TopicConfig.SEGMENT_MS_CONFIG, Type.LONG, 604_800_000L, Range.atLeast(1),
                "log.roll.ms", "log.roll.hours");
        define(def, syn, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, Type.BOOLEAN, false, null,
                "unclean.leader.election.enable");
        define(def, syn, TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG, Type.LONG, -2L, Range.atLeast(-2),
                "log.local.retention.ms");
        define(def, syn, TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, Type.LONG, -2L, Range.atLeast(-2),
                "log.local.retention.bytes");
        define(def, syn, TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, Type.BOOLEAN, false, null);
        define(def, syn, "leader.replication.throttled.replicas", Type.LIST, "", null);
        define(def, syn, "follower.replication.throttled.replicas", Type.LIST, "", null);
        this.definition = def;
        this.brokerSynonyms = Map.copyOf(syn);
    }

    private static void define(ConfigDef def, Map<String, List<String>> syn, String name, Type type,
                               Object defaultValue, ConfigDef.Validator validator, String... brokerKeys) {
        def.define(name, type, defaultValue, validator, Importance.MEDIUM, name);
        syn.put(name, List.of(brokerKeys));
    }

    /** The ConfigDef of all topic configs Skein knows, with Kafka's defaults. */
    public ConfigDef definition() {
        return definition;
    }

    public boolean isKnown(String name) {
        return definition.configKeys().containsKey(name);
    }

    /** The broker-level keys that supply this topic config's default, most specific first. */
    public List<String> brokerSynonyms(String topicConfig) {
        return brokerSynonyms.getOrDefault(topicConfig, List.of());
    }

    /**
     * Checks one topic config value the way Kafka does on CreateTopics and AlterConfigs.
     *
     * @throws ConfigException with Kafka's message when the name is unknown or the value invalid
     */
    public void validate(String name, String value) {
        ConfigDef.ConfigKey key = definition.configKeys().get(name);
        if (key == null) {
            throw new ConfigException("Unknown topic config name: " + name);
        }
        Object parsed = ConfigDef.parseType(name, value, key.type);
        if (key.validator != null) {
            key.validator.ensureValid(name, parsed);
        }
    }

    /**
     * Resolves the effective topic configuration: explicit topic overrides first, then the broker's
     * value for a synonym, then Kafka's default.
     *
     * @param topicOverrides configs set on the topic (name → value)
     * @param brokerConfig the broker's {@code server.properties} values (key → value)
     */
    public Map<String, Object> resolve(Map<String, String> topicOverrides, Map<String, String> brokerConfig) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (String name : definition.names()) {
            String value = topicOverrides.get(name);
            if (value == null) {
                value = brokerValue(name, brokerConfig);
            }
            if (value != null) {
                raw.put(name, value);
            }
        }
        return definition.parse(raw);
    }

    /** The broker-level value that supplies this topic config's default, converted to the topic unit; null if none. */
    public String brokerValue(String topicConfig, Map<String, String> brokerConfig) {
        for (String key : brokerSynonyms(topicConfig)) {
            String value = brokerConfig.get(key);
            if (value == null) {
                continue;
            }
            if (key.endsWith(".hours")) {
                return Long.toString(Long.parseLong(value.trim()) * 3_600_000L);
            }
            if (key.endsWith(".minutes")) {
                return Long.toString(Long.parseLong(value.trim()) * 60_000L);
            }
            return value;
        }
        return null;
    }
}
