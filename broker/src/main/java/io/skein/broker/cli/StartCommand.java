package io.skein.broker.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The arguments of {@code skein start}: an optional {@code server.properties} file and
 * {@code --set key=value} overrides, merged with the overrides winning.
 */
record StartCommand(Path configFile, Map<String, String> overrides) {

    /** @throws IllegalArgumentException with a usage message for malformed arguments */
    static StartCommand parse(List<String> args) {
        Path file = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--config" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--config needs a file");
                    }
                    file = Path.of(args.get(++i));
                }
                case "--set" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--set needs key=value");
                    }
                    String kv = args.get(++i);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--set expects key=value, got '" + kv + "'");
                    }
                    overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                }
                default -> throw new IllegalArgumentException("Unknown argument '" + arg + "'");
            }
        }
        return new StartCommand(file, overrides);
    }

    /** The file's properties overlaid with the --set values. */
    Map<String, String> properties() throws IOException {
        Map<String, String> merged = new LinkedHashMap<>();
        if (configFile != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            for (String name : p.stringPropertyNames()) {
                merged.put(name, p.getProperty(name).trim());
            }
        }
        merged.putAll(overrides);
        return merged;
    }
}
