package io.skein.broker.cli;

import io.skein.broker.config.BrokerConfig;
import io.skein.broker.server.SkeinServer;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Entry point of {@code skein start} (and {@code skein certs}, see {@link CertsCommand}). Runs one node in the foreground, prints exactly one line
 * starting with {@code skein ready:} once clients can connect, and on SIGTERM or SIGINT shuts down
 * cleanly and exits 0. A configuration the node cannot run with exits 2 with one message; a
 * failure during start exits 1.
 */
public final class SkeinMain {

    private static final Logger log = LoggerFactory.getLogger(SkeinMain.class);
    /** gRPC (inside Ratis) logs through java.util.logging; held so the level set on it is not garbage collected. */
    private static final java.util.logging.Logger GRPC_JUL_LOGGER =
            java.util.logging.Logger.getLogger("org.apache.ratis.thirdparty");

    private SkeinMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("certs")) {
            System.exit(CertsCommand.run(Arrays.asList(args).subList(1, args.length)));
        }
        if (args.length == 0 || !args[0].equals("start")) {
            System.err.println("usage: skein start [--config server.properties] [--set key=value]...\n       "
                    + CertsCommand.USAGE.substring("usage: ".length()));
            System.exit(2);
        }
        System.exit(start(Arrays.asList(args).subList(1, args.length)));
    }

    private static int start(List<String> args) {
        GRPC_JUL_LOGGER.setLevel(java.util.logging.Level.WARNING);
        BrokerConfig config;
        try {
            StartCommand command = StartCommand.parse(args);
            Map<String, String> properties = command.properties();
            config = BrokerConfig.from(properties);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("skein: invalid configuration: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("skein: cannot read the configuration file: " + e);
            return 2;
        }
        for (String key : config.unknownKeys()) {
            log.warn("Ignoring unknown or unsupported configuration '{}'", key);
        }
        SkeinServer server = new SkeinServer(config, Clock.systemUTC());
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        try {
            server.start();
        } catch (SkeinServer.StartupException e) {
            System.err.println("skein: cannot start: " + e.getMessage());
            log.debug("Start-up failure", e);
            server.close();
            return 1;
        }
        String listeners = server.boundListeners().entrySet().stream()
                .map(e -> e.getKey() + "://" + e.getValue().getHostString() + ":" + e.getValue().getPort())
                .collect(Collectors.joining(","));
        if (listeners.isEmpty()) {
            listeners = "controller only, no client listener";
        }
        System.out.println("skein ready: " + listeners + " (node " + config.nodeId() + ", cluster "
                + server.readyImage().clusterId() + ", log.dirs " + config.logDirs() + ")");
        System.out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Shutting down node {}", config.nodeId());
        server.close();
        log.info("Node {} stopped cleanly", config.nodeId());
        return 0;
    }
}
