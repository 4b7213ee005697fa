package io.skein.it.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Three combined Skein nodes, each in its own network namespace (its own test host), so a test
 * can cut one off from its peers while the test JVM still reaches every node.
 *
 * <p>Topology, with X, Y and the run id random per cluster: a bridge {@code skbr<run>} in the
 * root namespace holding 10.X.Y.1/24 (the test JVM's side); namespaces {@code skn<run>-1..3},
 * each joined to the bridge by a veth pair, node n at 10.X.Y.(n+1) with its client listener on
 * 9092 and its controller listener on 9093. A partition is a set of blackhole routes inside the
 * namespaces (the isolated node drops packets to its peers, the peers drop packets to it):
 * packets vanish silently as they would on a cut link, and the bridge address stays outside it.
 * The machine has no iptables or nft and its kernel lacks netem, so routes are the tool.
 *
 * <p>{@link #close()} stops the nodes and removes the namespaces and the bridge, whatever state
 * a failed start or test left them in. Not thread-safe: one test thread drives the cluster.
 */
public final class NetnsCluster implements AutoCloseable {

    private static final int CLIENT_PORT = 9092;
    private static final int CONTROLLER_PORT = 9093;
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(20);

    private final String run;
    private final String subnet;
    private final List<SkeinNode> nodes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final Set<Integer> isolated = new HashSet<>();
    private boolean bridgeCreated;

    private NetnsCluster(String run, String subnet) {
        this.run = run;
        this.subnet = subnet;
    }

    /**
     * Null if this process may create network namespaces (root or CAP_NET_ADMIN, {@code ip}
     * installed); otherwise why not, for a test to skip with.
     */
    public static String whyNamespacesAreUnavailable() {
        String probe = "skprobe" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        Processes.Result add;
        try {
            add = ip("netns", "add", probe);
        } catch (RuntimeException e) {
            return "cannot run ip: " + e.getMessage();
        }
        if (add.exitCode() != 0) {
            return "'ip netns add' failed (needs root or CAP_NET_ADMIN): " + add.output().strip();
        }
        ip("netns", "del", probe);
        return null;
    }

    /**
     * Builds the topology and starts the three nodes, waiting until each is ready.
     *
     * @param overrides settings for every node (e.g. shorter session timeouts)
     */
    public static NetnsCluster start(String name, Map<String, String> overrides) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String run = Integer.toHexString(random.nextInt(0x10000, 0xfffff));
        NetnsCluster cluster = new NetnsCluster(run, "10." + random.nextInt(100, 250) + "." + random.nextInt(1, 255));
        try {
            cluster.buildNetwork();
            cluster.launchNodes(name, overrides);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void buildNetwork() {
        String bridge = bridge();
        must("link", "add", bridge, "type", "bridge");
        bridgeCreated = true;
        must("addr", "add", subnet + ".1/24", "dev", bridge);
        must("link", "set", bridge, "up");
        for (int n = 1; n <= 3; n++) {
            String ns = namespace(n);
            must("netns", "add", ns);
            namespaces.add(ns);
            String outer = "skv" + run + n;
            String inner = "skp" + run + n;
            // One end lives in the namespace, so deleting the namespace removes the pair.
            must("link", "add", outer, "type", "veth", "peer", "name", inner, "netns", ns);
            must("link", "set", outer, "master", bridge);
            must("link", "set", outer, "up");
            must("-n", ns, "addr", "add", address(n) + "/24", "dev", inner);
            must("-n", ns, "link", "set", inner, "up");
            must("-n", ns, "link", "set", "lo", "up");
        }
    }

    private void launchNodes(String name, Map<String, String> overrides) {
        String voters = IntStream.rangeClosed(1, 3).mapToObj(n -> n + "@" + address(n) + ":" + CONTROLLER_PORT)
                .collect(Collectors.joining(","));
        Path base = Path.of("target", "it-data", name + "-" + System.nanoTime()).toAbsolutePath();
        for (int n = 1; n <= 3; n++) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("node.id", Integer.toString(n));
            settings.put("controller.quorum.voters", voters);
            settings.putAll(overrides);
            nodes.add(SkeinNode.launch(name + "-" + n, base.resolve("node-" + n), settings, address(n), CLIENT_PORT,
                    CONTROLLER_PORT, List.of("ip", "netns", "exec", namespace(n))));
        }
        nodes.forEach(SkeinNode::awaitReady);
    }

    /** Node {@code id} (1-3). */
    public SkeinNode node(int id) {
        return nodes.get(id - 1);
    }

    /** The client addresses of the given nodes, comma-separated. */
    public String bootstrap(int... ids) {
        return IntStream.of(ids).mapToObj(id -> node(id).bootstrap()).collect(Collectors.joining(","));
    }

    /** Every node's client address, comma-separated. */
    public String bootstrap() {
        return bootstrap(1, 2, 3);
    }

    /**
     * Cuts node {@code id} off from the other two nodes (both directions); the test JVM still
     * reaches all three.
     */
    public void isolate(int id) {
        if (!isolated.add(id)) {
            throw new IllegalStateException("node " + id + " is already isolated");
        }
        for (int peer : peers(id)) {
            must("-n", namespace(id), "route", "add", "blackhole", address(peer) + "/32");
            must("-n", namespace(peer), "route", "add", "blackhole", address(id) + "/32");
        }
    }

    /** Undoes {@link #isolate(int)}. */
    public void heal(int id) {
        if (!isolated.remove(id)) {
            throw new IllegalStateException("node " + id + " is not isolated");
        }
        for (int peer : peers(id)) {
            must("-n", namespace(id), "route", "del", "blackhole", address(peer) + "/32");
            must("-n", namespace(peer), "route", "del", "blackhole", address(id) + "/32");
        }
    }

    private static List<Integer> peers(int id) {
        return IntStream.rangeClosed(1, 3).filter(n -> n != id).boxed().toList();
    }

    private String namespace(int n) {
        return "skn" + run + "-" + n;
    }

    private String bridge() {
        return "skbr" + run;
    }

    private String address(int n) {
        return subnet + "." + (n + 1);
    }

    /** Stops the nodes, then removes the namespaces (and with them the veth pairs) and the bridge. */
    @Override
    public void close() {
        nodes.forEach(SkeinNode::close); // each a clean stop, or kill -9 if that fails
        // A namespace outlives its name while a process still runs in it, so the nodes go first.
        for (String ns : namespaces) {
            ip("netns", "del", ns);
        }
        namespaces.clear();
        if (bridgeCreated) {
            ip("link", "del", bridge());
            bridgeCreated = false;
        }
    }

    private static void must(String... args) {
        Processes.Result r = ip(args);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("ip " + String.join(" ", args) + " failed: " + r.describe());
        }
    }

    private static Processes.Result ip(String... args) {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        return Processes.run(command, null, Map.of(), IP_TIMEOUT);
    }
}
