package io.skein.broker.handler;

import io.skein.broker.config.BrokerConfig;
import io.skein.log.api.TopicConfigs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Describes topic and broker configs the way Kafka does: the effective value, where it comes
 * from (topic override, {@code server.properties}, Kafka's default), and its synonyms in order
 * of precedence. Passwords are never shown.
 *
 * <p>Stateless; safe on any thread.
 */
final class ConfigDescriber {

    private final BrokerConfig brokerConfig;
    private final TopicConfigs topicConfigs;

    ConfigDescriber(BrokerConfig brokerConfig) {
        this.brokerConfig = brokerConfig;
        this.topicConfigs = brokerConfig.topicConfigs();
    }

    /** One entry per topic config (or only the named keys when {@code keys} is not null). */
    List<DescribeConfigsResourceResult> describeTopic(Map<String, String> overrides, Collection<String> keys,
                                                      boolean includeSynonyms, boolean includeDocumentation) {
        List<DescribeConfigsResourceResult> out = new ArrayList<>();
        Map<String, Object> effective = topicConfigs.resolve(overrides, brokerConfig.originals());
        for (String name : topicConfigs.definition().names()) {
            if (keys != null && !keys.contains(name)) {
                continue;
            }
            ConfigDef.ConfigKey key = topicConfigs.definition().configKeys().get(name);
            List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
            ConfigSource source = ConfigSource.DEFAULT_CONFIG;
            if (overrides.containsKey(name)) {
                source = ConfigSource.TOPIC_CONFIG;
                synonyms.add(synonym(name, overrides.get(name), ConfigSource.TOPIC_CONFIG));
            }
            for (String brokerKey : topicConfigs.brokerSynonyms(name)) {
                String value = brokerConfig.originals().get(brokerKey);
                if (value != null) {
                    if (source == ConfigSource.DEFAULT_CONFIG) {
                        source = ConfigSource.STATIC_BROKER_CONFIG;
                    }
                    synonyms.add(synonym(brokerKey, value, ConfigSource.STATIC_BROKER_CONFIG));
                }
            }
            String defaultValue = key.hasDefault() ? ConfigDef.convertToString(key.defaultValue, key.type) : null;
            List<String> brokerKeys = topicConfigs.brokerSynonyms(name);
            synonyms.add(synonym(brokerKeys.isEmpty() ? name : brokerKeys.get(0), defaultValue,
                    ConfigSource.DEFAULT_CONFIG));
            out.add(entry(name, ConfigDef.convertToString(effective.get(name), key.type), source, false, key,
                    includeSynonyms ? synonyms : List.of(), includeDocumentation));
        }
        return out;
    }

    /** The broker's own configuration: every known key with its effective value. */
    List<DescribeConfigsResourceResult> describeBroker(Collection<String> keys, boolean includeSynonyms,
                                                       boolean includeDocumentation) {
        List<DescribeConfigsResourceResult> out = new ArrayList<>();
        ConfigDef def = brokerConfig.definition().definition();
        for (String name : def.names()) {
            if (keys != null && !keys.contains(name)) {
                continue;
            }
            ConfigDef.ConfigKey key = def.configKeys().get(name);
            boolean sensitive = key.type == ConfigDef.Type.PASSWORD;
            boolean given = brokerConfig.originals().containsKey(name);
            ConfigSource source = given ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
            Object value = brokerConfig.values().get(name);
            String text = sensitive || value == null ? null : ConfigDef.convertToString(value, key.type);
            List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
            if (includeSynonyms) {
                if (given) {
                    synonyms.add(synonym(name, sensitive ? null : brokerConfig.originals().get(name),
                            ConfigSource.STATIC_BROKER_CONFIG));
                }
                if (key.hasDefault() && key.defaultValue != null) {
                    synonyms.add(synonym(name, sensitive ? null : ConfigDef.convertToString(key.defaultValue, key.type),
                            ConfigSource.DEFAULT_CONFIG));
                }
            }
            out.add(entry(name, text, source, sensitive, key, synonyms, includeDocumentation).setReadOnly(true));
        }
        return out;
    }

    private static DescribeConfigsResourceResult entry(String name, String value, ConfigSource source, boolean sensitive,
                                                       ConfigDef.ConfigKey key, List<DescribeConfigsSynonym> synonyms,
                                                       boolean includeDocumentation) {
        return new DescribeConfigsResourceResult()
                .setName(name)
                .setValue(value)
                .setConfigSource(source.id())
                .setIsSensitive(sensitive)
                .setReadOnly(false)
                .setSynonyms(synonyms)
                .setConfigType(typeOf(key.type).id())
                .setDocumentation(includeDocumentation ? key.documentation : null);
    }

    private static DescribeConfigsSynonym synonym(String name, String value, ConfigSource source) {
        return new DescribeConfigsSynonym().setName(name).setValue(value).setSource(source.id());
    }

    private static ConfigType typeOf(ConfigDef.Type type) {
        return switch (type) {
            case BOOLEAN -> ConfigType.BOOLEAN;
            case STRING -> ConfigType.STRING;
            case INT -> ConfigType.INT;
            case SHORT -> ConfigType.SHORT;
            case LONG -> ConfigType.LONG;
            case DOUBLE -> ConfigType.DOUBLE;
            case LIST -> ConfigType.LIST;
            case CLASS -> ConfigType.CLASS;
            case PASSWORD -> ConfigType.PASSWORD;
        };
    }
}
