package io.skein.it.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * Three combined (broker and controller) Skein processes on free loopback ports forming one
 * three-voter metadata quorum: node ids 1, 2, 3, data under {@code <base>/node-N}. The processes
 * are launched together (each becomes ready only once a majority of voters runs).
 *
 * <p>Not thread-safe: one test thread drives the cluster.
 */
public final class ThreeNodeCluster implements AutoCloseable {

    private final List<SkeinNode> nodes = new ArrayList<>();
    private final List<SkeinNode> brokerOnly = new ArrayList<>();
    private String name;
    private Path base;
    private String voters;
    private Map<String, String> overrides;
    private final java.util.Set<Integer> taken = new java.util.HashSet<>();

    private ThreeNodeCluster() {
    }

    /**
     * Starts a broker-only node ({@code process.roles=broker}, no controller listener) with this id
     * that follows the cluster's metadata quorum, and waits until it is ready. Closed with the cluster.
     */
    public SkeinNode addBrokerOnlyNode(int id) {
        int clientPort = stablePort(taken);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node.id", Integer.toString(id));
        settings.put("process.roles", "broker");
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        settings.put("controller.quorum.voters", voters);
        settings.putAll(overrides);
        SkeinNode node = SkeinNode.launch(name + "-" + id, base.resolve("node-" + id), settings, clientPort,
                stablePort(taken));
        brokerOnly.add(node);
        node.awaitReady();
        return node;
    }

    /**
     * @param overrides settings for every node (e.g. shorter session timeouts)
     */
    public static ThreeNodeCluster start(String name, Map<String, String> overrides) {
        return start(name, overrides, false);
    }

    /**
     * Like {@link #start(String, Map)}; with {@code dedicatedController} node 3 is a controller
     * only ({@code process.roles=controller}, no client listener): two brokers, three voters.
     */
    public static ThreeNodeCluster start(String name, Map<String, String> overrides, boolean dedicatedController) {
        Path base = Path.of("target", "it-data", name + "-" + System.nanoTime());
        int[] clientPorts = new int[3];
        int[] controllerPorts = new int[3];
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            clientPorts[i] = stablePort(taken);
            controllerPorts[i] = stablePort(taken);
        }
        String voters = "1@127.0.0.1:" + controllerPorts[0] + ",2@127.0.0.1:" + controllerPorts[1]
                + ",3@127.0.0.1:" + controllerPorts[2];
        ThreeNodeCluster cluster = new ThreeNodeCluster();
        cluster.name = name;
        cluster.base = base;
        cluster.voters = voters;
        cluster.overrides = Map.copyOf(overrides);
        cluster.taken.addAll(taken);
        try {
            for (int i = 0; i < 3; i++) {
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("node.id", Integer.toString(i + 1));
                settings.put("controller.quorum.voters", voters);
                settings.putAll(overrides);
                if (dedicatedController && i == 2) {
                    settings.put("process.roles", "controller");
                    settings.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPorts[i]);
                }
                cluster.nodes.add(SkeinNode.launch(name + "-" + (i + 1), base.resolve("node-" + (i + 1)), settings,
                        clientPorts[i], controllerPorts[i]));
            }
            cluster.nodes.forEach(SkeinNode::awaitReady);
        } catch (RuntimeException e) {
            cluster.nodes.forEach(SkeinNode::kill);
            throw e;
        }
        return cluster;
    }

    /**
     * A free port below the kernel's ephemeral range (32768 and up), so the nodes' own outgoing
     * connections (Raft between voters) cannot take it in the seconds before a listener binds it.
     */
    private static int stablePort(java.util.Set<Integer> taken) {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            if (taken.contains(port)) {
                continue;
            }
            try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                taken.add(port);
                return port;
            } catch (java.io.IOException e) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free port between 20000 and 32000");
    }

    public static ThreeNodeCluster start(String name) {
        return start(name, Map.of());
    }

    /** Node {@code id} (1-3). */
    public SkeinNode node(int id) {
        return nodes.get(id - 1);
    }

    /** Every running node's client address, comma-separated. */
    public String bootstrap() {
        return nodes.stream().filter(SkeinNode::isAlive).map(SkeinNode::bootstrap).collect(Collectors.joining(","));
    }

    /** kill -9 of node {@code id}. */
    public void kill(int id) {
        node(id).kill();
    }

    /** Starts node {@code id} again (after kill or stop) and waits until it is ready. */
    public void restart(int id) {
        node(id).relaunch();
        node(id).awaitReady();
    }

    /**
     * Restarts every node that is not running (a test that failed half-way must not leave the next
     * one with a node down) and waits until Admin lists brokers 1, 2 and 3, registered and
     * unfenced. For a cluster of three combined nodes.
     */
    public void awaitAllServing(Duration timeout) {
        for (int id = 1; id <= 3; id++) {
            if (!node(id).isAlive()) {
                restart(id);
            }
        }
        try (Admin admin = Clients.admin(bootstrap())) {
            Clients.await("all three brokers registered and unfenced", timeout, () -> {
                try {
                    return ClusterAdmin.brokerIds(admin).equals(Set.of(1, 2, 3));
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Override
    public void close() {
        brokerOnly.forEach(SkeinNode::close); // each a clean stop, or kill -9 if that fails
        nodes.forEach(SkeinNode::close);
    }
}
