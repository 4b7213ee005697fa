package io.skein.security.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.SslConfigs;

/**
 * Where a TLS listener's keystore and truststore came from, so a store renewed in place can be
 * noticed and loaded again: the files named by {@code ssl.keystore.location} and
 * {@code ssl.truststore.location} (inline PEM stores have none) with their modification time
 * and size as seen when they were loaded, and the settings to load them with.
 *
 * <p>Immutable; {@link #changed} may be called from any thread.
 */
public final class TlsStoreFiles {

    private final String listenerName;
    private final Map<String, String> sslConfigs;
    private final List<Path> files;
    private final List<String> stamps;

    private TlsStoreFiles(String listenerName, Map<String, String> sslConfigs, List<Path> files, List<String> stamps) {
        this.listenerName = listenerName;
        this.sslConfigs = sslConfigs;
        this.files = files;
        this.stamps = stamps;
    }

    /** Records the store files as they are now; call before reading them, so a change during the read is seen later. */
    static TlsStoreFiles snapshot(String listenerName, Map<String, String> sslConfigs) {
        List<Path> files = new ArrayList<>();
        for (String key : List.of(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG)) {
            String location = sslConfigs.get(key);
            if (location != null && !location.isBlank()) {
                files.add(Path.of(location.trim()));
            }
        }
        return new TlsStoreFiles(listenerName, Map.copyOf(sslConfigs), List.copyOf(files), stamps(files));
    }

    /** The store files, for log lines. */
    public List<Path> files() {
        return files;
    }

    /** A store file was replaced, rewritten or removed since it was loaded. */
    public boolean changed() {
        return !files.isEmpty() && !stamps.equals(stamps(files));
    }

    /** The same files stamped as they are now: a change that could not be loaded is not retried until the next one. */
    public TlsStoreFiles asTheyAreNow() {
        return new TlsStoreFiles(listenerName, sslConfigs, files, stamps(files));
    }

    /**
     * Loads the listener's TLS settings again from the same configuration (the renewed files).
     *
     * @throws org.apache.kafka.common.config.ConfigException when the files cannot be loaded
     */
    public TlsListenerSettings reload() {
        return TlsSettingsLoader.load(listenerName, sslConfigs);
    }

    private static List<String> stamps(List<Path> files) {
        List<String> stamps = new ArrayList<>();
        for (Path file : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                stamps.add(a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + Objects.toString(a.fileKey()));
            } catch (IOException e) {
                stamps.add("missing");
            }
        }
        return stamps;
    }
}
