package io.skein.broker.config;

import io.skein.log.api.LogConfig;
import io.skein.log.api.TopicConfigs;
import io.skein.security.ListenerSecurity;
import io.skein.security.acl.AuthorizerSettings;
import io.skein.security.sasl.SaslListenerSettings;
import io.skein.security.tls.TlsListenerSettings;
import io.skein.security.tls.TlsSettingsLoader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * The validated broker configuration. Built once at start from {@code server.properties} values
 * (file, then {@code --set} overrides); a bad value throws {@link ConfigException} with Kafka's
 * message naming the key and value. Immutable.
 */
public final class BrokerConfig {

    private static final String LISTENER_PREFIX = "listener.name.";
    private final Map<String, TlsListenerSettings> tlsSettings;
    private final Map<String, SaslListenerSettings> saslSettings;

    private final Map<String, String> originals;
    private final Map<String, Object> values;
    private final List<String> unknownKeys;
    private final List<ListenerSpec> listeners;
    private final List<ListenerSpec> advertisedListeners;
    private final List<String> controllerListenerNames;
    private final SortedMap<Integer, InetSocketAddress> voters;
    private final BrokerConfigDef definition;
    private final Optional<AuthorizerSettings> authorizerSettings;

    private BrokerConfig(Map<String, String> originals, BrokerConfigDef definition) {
        this.definition = definition;
        this.originals = Collections.unmodifiableMap(new LinkedHashMap<>(originals));
        this.values = definition.definition().parse(originals);
        List<String> unknown = new ArrayList<>();
        for (String key : originals.keySet()) {
            if (!definition.isKnown(key) && !TlsSettingsLoader.isTlsKey(key) && !isListenerOverride(key)
                    && !key.startsWith("sasl.") && !key.equals("connection.failed.authentication.delay.ms")
                    && !key.equals("connections.max.reauth.ms")) {
                unknown.add(key);
            }
        }
        this.unknownKeys = List.copyOf(unknown);
        try {
            this.authorizerSettings = AuthorizerSettings.parse(getString(BrokerConfigDef.AUTHORIZER_CLASS_NAME),
                    getString(BrokerConfigDef.SUPER_USERS), getBoolean(BrokerConfigDef.ALLOW_EVERYONE_IF_NO_ACL_FOUND));
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().startsWith("super.users") ? BrokerConfigDef.SUPER_USERS
                    : BrokerConfigDef.AUTHORIZER_CLASS_NAME;
            throw new ConfigException(key, getString(key), e.getMessage());
        }
        this.controllerListenerNames = upper(list(BrokerConfigDef.CONTROLLER_LISTENER_NAMES));
        Map<String, SecurityProtocol> protocolMap = protocolMap();
        java.util.function.Function<String, SecurityProtocol> protocolOf = name -> {
            SecurityProtocol p = protocolMap.get(name);
            if (p == null && controllerListenerNames.contains(name)) {
                p = SecurityProtocol.PLAINTEXT;
            }
            return p;
        };
        this.listeners = parseListeners(BrokerConfigDef.LISTENERS, list(BrokerConfigDef.LISTENERS), protocolOf);
        List<String> advertised = list(BrokerConfigDef.ADVERTISED_LISTENERS);
        this.advertisedListeners = advertised == null
                ? listeners.stream().filter(l -> !controllerListenerNames.contains(l.name())).toList()
                : parseListeners(BrokerConfigDef.ADVERTISED_LISTENERS, advertised, protocolOf);
        Map<String, TlsListenerSettings> tls = new HashMap<>();
        Map<String, SaslListenerSettings> sasl = new HashMap<>();
        for (ListenerSpec l : listeners) {
            ListenerSecurity.requireSupported(BrokerConfigDef.LISTENERS, l.name(), l.protocol());
            if (l.protocol() == SecurityProtocol.SSL || l.protocol() == SecurityProtocol.SASL_SSL) {
                tls.put(l.name(), TlsSettingsLoader.load(l.name(), listenerConfigs(l.name())));
            }
            if (l.protocol() == SecurityProtocol.SASL_PLAINTEXT || l.protocol() == SecurityProtocol.SASL_SSL) {
                sasl.put(l.name(), SaslListenerSettings.load(l.name(), listenerConfigs(l.name())));
            }
        }
        this.tlsSettings = Map.copyOf(tls);
        this.saslSettings = Map.copyOf(sasl);
        this.voters = parseVoters(list(BrokerConfigDef.QUORUM_VOTERS));
        validateBootstrapServers();
        validateRoles();
    }

    /** {@code listener.name.<listener>.<key>}: a per-listener override of a listener setting. */
    private static boolean isListenerOverride(String key) {
        return key.startsWith(LISTENER_PREFIX) && key.indexOf('.', LISTENER_PREFIX.length()) > 0;
    }

    /**
     * A listener's settings as Kafka resolves them: every original key, with
     * {@code listener.name.<listener lower-case>.<key>} overriding {@code <key>}.
     */
    public Map<String, String> listenerConfigs(String listenerName) {
        String prefix = LISTENER_PREFIX + listenerName.toLowerCase(Locale.ROOT) + ".";
        Map<String, String> resolved = new HashMap<>();
        originals.forEach((k, v) -> {
            if (!k.startsWith(LISTENER_PREFIX)) {
                resolved.put(k, v);
            }
        });
        originals.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                resolved.put(k.substring(prefix.length()), v);
            }
        });
        return resolved;
    }

    /** The TLS settings of an SSL listener, loaded (keystores read) when the config was parsed; null otherwise. */
    public TlsListenerSettings tlsSettings(String listenerName) {
        return tlsSettings.get(listenerName);
    }

    /** The SASL settings of a SASL_PLAINTEXT or SASL_SSL listener; null otherwise. */
    public SaslListenerSettings saslSettings(String listenerName) {
        return saslSettings.get(listenerName);
    }

    /** The authorizer to run, or empty when {@code authorizer.class.name} is not set (everything allowed). */
    public Optional<AuthorizerSettings> authorizerSettings() {
        return authorizerSettings;
    }

    /** Parses and validates; throws ConfigException on the first bad value. */
    public static BrokerConfig from(Map<String, String> properties) {
        return new BrokerConfig(properties, new BrokerConfigDef(new TopicConfigs()));
    }

    private void validateRoles() {
        if (clientListeners().isEmpty() && processRoles().contains("broker")) {
            throw new ConfigException(BrokerConfigDef.LISTENERS, originals.getOrDefault(BrokerConfigDef.LISTENERS,
                    String.valueOf(definition.definition().configKeys().get(BrokerConfigDef.LISTENERS).defaultValue)),
                    "A broker needs at least one listener that is not a controller listener");
        }
        if (processRoles().contains("controller")) {
            if (!voters.containsKey(nodeId())) {
                throw new ConfigException(BrokerConfigDef.QUORUM_VOTERS, voters.toString(),
                        "Node " + nodeId() + " has the controller role but is not one of the voters");
            }
            if (controllerListener() == null) {
                throw new ConfigException(BrokerConfigDef.LISTENERS, listeners.toString(),
                        "A controller needs a listener named in " + BrokerConfigDef.CONTROLLER_LISTENER_NAMES
                                + " " + controllerListenerNames);
            }
        }
    }

    /**
     * Skein's quorum is static (the voters are configured), so bootstrap servers add no member;
     * each must be a voter's address, which catches a cluster whose two lists disagree.
     */
    private void validateBootstrapServers() {
        for (String entry : list(BrokerConfigDef.QUORUM_BOOTSTRAP_SERVERS)) {
            String e = entry.trim();
            boolean known = voters.values().stream()
                    .anyMatch(v -> (v.getHostString() + ":" + v.getPort()).equals(e));
            if (!known) {
                throw new ConfigException(BrokerConfigDef.QUORUM_BOOTSTRAP_SERVERS, entry, "Skein's controller quorum "
                        + "is static: every bootstrap server must be one of " + BrokerConfigDef.QUORUM_VOTERS + " "
                        + voters);
            }
        }
    }

    /** True when this node serves clients and hosts partitions. */
    public boolean isBroker() {
        return processRoles().contains("broker");
    }

    /** True when this node is a voter of the metadata quorum. */
    public boolean isController() {
        return processRoles().contains("controller");
    }

    private Map<String, SecurityProtocol> protocolMap() {
        Map<String, SecurityProtocol> map = new HashMap<>();
        for (String entry : list(BrokerConfigDef.LISTENER_SECURITY_PROTOCOL_MAP)) {
            int colon = entry.indexOf(':');
            String value = entry.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            if (colon <= 0 || !SecurityProtocol.names().contains(value)) {
                throw new ConfigException(BrokerConfigDef.LISTENER_SECURITY_PROTOCOL_MAP, entry,
                        "Expected LISTENER_NAME:PROTOCOL with PROTOCOL one of " + SecurityProtocol.names());
            }
            map.put(entry.substring(0, colon).trim().toUpperCase(Locale.ROOT), SecurityProtocol.forName(value));
        }
        return map;
    }

    private static List<ListenerSpec> parseListeners(String key, List<String> entries,
                                                     java.util.function.Function<String, SecurityProtocol> protocolOf) {
        List<ListenerSpec> result = new ArrayList<>();
        for (String entry : entries) {
            ListenerSpec spec = ListenerSpec.parse(key, entry.trim(), protocolOf);
            if (result.stream().anyMatch(l -> l.name().equals(spec.name()))) {
                throw new ConfigException(key, entry, "Listener name " + spec.name() + " appears more than once");
            }
            result.add(spec);
        }
        return List.copyOf(result);
    }

    private static SortedMap<Integer, InetSocketAddress> parseVoters(List<String> entries) {
        SortedMap<Integer, InetSocketAddress> result = new TreeMap<>();
        for (String entry : entries) {
            String e = entry.trim();
            int at = e.indexOf('@');
            int colon = e.lastIndexOf(':');
            try {
                int id = Integer.parseInt(e.substring(0, at));
                String host = e.substring(at + 1, colon);
                int port = Integer.parseInt(e.substring(colon + 1));
                result.put(id, InetSocketAddress.createUnresolved(host, port));
            } catch (RuntimeException ex) {
                throw new ConfigException(BrokerConfigDef.QUORUM_VOTERS, entry, "Expected id@host:port");
            }
        }
        if (result.isEmpty()) {
            throw new ConfigException(BrokerConfigDef.QUORUM_VOTERS, "", "At least one voter is required");
        }
        return Collections.unmodifiableSortedMap(result);
    }

    @SuppressWarnings("unchecked")
    private List<String> list(String key) {
        return (List<String>) values.get(key);
    }

    private static List<String> upper(List<String> names) {
        return names.stream().map(n -> n.trim().toUpperCase(Locale.ROOT)).toList();
    }

    public int nodeId() {
        return (Integer) values.get(BrokerConfigDef.NODE_ID);
    }

    public List<String> processRoles() {
        return list(BrokerConfigDef.PROCESS_ROLES);
    }

    public List<ListenerSpec> listeners() {
        return listeners;
    }

    /** Listeners that serve clients (every listener but the controller listeners). */
    public List<ListenerSpec> clientListeners() {
        return listeners.stream().filter(l -> !controllerListenerNames.contains(l.name())).toList();
    }

    public List<ListenerSpec> advertisedListeners() {
        return advertisedListeners;
    }

    /**
     * The name of the listener the metadata quorum's traffic uses (the first of
     * {@code controller.listener.names}) and its protocol from
     * {@code listener.security.protocol.map} (PLAINTEXT when unmapped), on voters and broker-only
     * nodes alike.
     */
    public ListenerSpec.Named controllerListenerProtocol() {
        String name = controllerListenerNames.isEmpty() ? "CONTROLLER" : controllerListenerNames.get(0);
        return new ListenerSpec.Named(name, protocolMap().getOrDefault(name, SecurityProtocol.PLAINTEXT));
    }

    /** The first controller listener, or null. */
    public ListenerSpec controllerListener() {
        return listeners.stream().filter(l -> controllerListenerNames.contains(l.name())).findFirst().orElse(null);
    }

    public SortedMap<Integer, InetSocketAddress> voters() {
        return voters;
    }

    public List<Path> logDirs() {
        List<String> dirs = list(BrokerConfigDef.LOG_DIRS);
        if (dirs == null || dirs.isEmpty()) {
            dirs = List.of((String) values.get(BrokerConfigDef.LOG_DIR));
        }
        return dirs.stream().map(d -> Path.of(d.trim()).toAbsolutePath().normalize()).toList();
    }

    /** Where the metadata Raft log lives. */
    public Path metadataLogDir() {
        String dir = (String) values.get(BrokerConfigDef.METADATA_LOG_DIR);
        Path base = dir == null ? logDirs().get(0) : Path.of(dir).toAbsolutePath().normalize();
        return base.resolve("__cluster_metadata-0");
    }

    public int getInt(String key) {
        return ((Number) values.get(key)).intValue();
    }

    public long getLong(String key) {
        return ((Number) values.get(key)).longValue();
    }

    public short getShort(String key) {
        return ((Number) values.get(key)).shortValue();
    }

    public boolean getBoolean(String key) {
        return (Boolean) values.get(key);
    }

    public String getString(String key) {
        Object v = values.get(key);
        return v == null ? null : v.toString();
    }

    /** The keys and values exactly as given (file and --set), for topic defaults and DescribeConfigs. */
    public Map<String, String> originals() {
        return originals;
    }

    /** Keys given that Skein does not know (warned about at start). */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    public BrokerConfigDef definition() {
        return definition;
    }

    public TopicConfigs topicConfigs() {
        return definition.topicConfigs();
    }

    /** The effective value of every known key, as text, for DescribeConfigs and the start-up dump. */
    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

    /** A topic's {@code min.insync.replicas}: its override, else this broker's default, else 1. */
    public int minInSyncReplicas(Map<String, String> topicOverrides) {
        Object value = topicConfigs().resolve(topicOverrides, originals)
                .get(org.apache.kafka.common.config.TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        return value instanceof Number n ? n.intValue() : 1;
    }

    /** The log config for a topic with these overrides on this broker. */
    public LogConfig logConfig(Map<String, String> topicOverrides) {
        return LogConfig.from(topicConfigs().resolve(topicOverrides, originals));
    }

    /**
     * The listener brokers use to reach each other: {@code inter.broker.listener.name}, else the
     * first advertised listener (Kafka's default is the PLAINTEXT one).
     */
    public ListenerSpec interBrokerListener() {
        String name = getString(BrokerConfigDef.INTER_BROKER_LISTENER_NAME);
        for (ListenerSpec l : advertisedListeners) {
            if (name == null || l.name().equalsIgnoreCase(name)) {
                return l;
            }
        }
        throw new ConfigException(BrokerConfigDef.INTER_BROKER_LISTENER_NAME, name,
                "names no advertised listener " + advertisedListeners);
    }
}
