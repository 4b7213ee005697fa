package io.skein.it.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One real Skein broker process for end-to-end tests: started with the same main class and
 * arguments as {@code ./skein start}, with its data under the given directory. A single node
 * ({@link #start}) takes free loopback ports; cluster harnesses {@link #launch} nodes on the ports
 * (and, for {@link NetnsCluster}, the host and command prefix) they chose. Settings shared by
 * every node of a cluster name a node's own ports with {@link #CLIENT_PORT} and
 * {@link #CONTROLLER_PORT}. Output goes to {@code <dataDir>/../<name>.out}.
 *
 * <p>Not thread-safe: one test thread drives a node.
 */
public final class SkeinNode implements AutoCloseable {

    public static final String MAIN_CLASS = "io.skein.broker.cli.SkeinMain";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final Path dataDir;
    private final Map<String, String> overrides;
    private final int clientPort;
    private final int controllerPort;
    /** The address both listeners bind and clients dial. */
    private final String host;
    /** Words before the java command (e.g. {@code ip netns exec <ns>}); empty for a plain launch. */
    private final List<String> commandPrefix;
    /** In an override's value, stands for this node's client port (e.g. in {@code listeners}). */
    public static final String CLIENT_PORT = "{clientPort}";
    /** In an override's value, stands for this node's controller port. */
    public static final String CONTROLLER_PORT = "{controllerPort}";
    private Process process;
    private Thread pump;
    private CompletableFuture<String> ready;
    private String readyLine;

    private SkeinNode(String name, Path dataDir, Map<String, String> overrides, String host, int clientPort,
                      int controllerPort, List<String> commandPrefix) {
        this.name = name;
        this.dataDir = dataDir;
        this.overrides = new LinkedHashMap<>(overrides);
        this.host = host;
        this.clientPort = clientPort;
        this.controllerPort = controllerPort;
        this.commandPrefix = List.copyOf(commandPrefix);
    }

    /**
     * Launches a node on the given ports without waiting for it to be ready (a member of a
     * multi-node quorum is ready only once a majority runs); call {@link #awaitReady()} next.
     */
    public static SkeinNode launch(String name, Path dataDir, Map<String, String> overrides, int clientPort,
                                   int controllerPort) {
        return launch(name, dataDir, overrides, "127.0.0.1", clientPort, controllerPort, List.of());
    }

    /**
     * Like {@link #launch(String, Path, Map, int, int)}, with both listeners on {@code host} and
     * the java command run after {@code commandPrefix} (e.g. {@code ip netns exec <ns>}, which
     * execs java in place, so signals still reach the broker).
     */
    public static SkeinNode launch(String name, Path dataDir, Map<String, String> overrides, String host,
                                   int clientPort, int controllerPort, List<String> commandPrefix) {
        SkeinNode node = new SkeinNode(name, dataDir, overrides, host, clientPort, controllerPort, commandPrefix);
        try {
            Files.createDirectories(dataDir);
            Files.deleteIfExists(node.outputFile()); // restarts append; a new node starts a new file
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        node.launchProcess();
        return node;
    }

    /** Launches the process again on the same ports and data (after kill or stop) without waiting. */
    public void relaunch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("node " + name + " is still running");
        }
        launchProcess();
    }

    public int controllerPort() {
        return controllerPort;
    }

    /**
     * Starts a single-node broker (one-voter quorum) on free loopback ports and waits until it
     * prints its ready line.
     */
    public static SkeinNode start(String name, Path dataDir, Map<String, String> overrides) {
        SkeinNode node = launch(name, dataDir, overrides, freePort(), freePort());
        node.awaitReady();
        return node;
    }

    public static SkeinNode start(String name, Path dataDir) {
        return start(name, dataDir, Map.of());
    }

    /** "host:port" of the PLAINTEXT listener (127.0.0.1 unless launched on another host). */
    public String bootstrap() {
        return host + ":" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The line the broker printed when it became ready. */
    public String readyLine() {
        return readyLine;
    }

    public long pid() {
        return process.pid();
    }

    /** The arguments ./skein start would get for this node (after "start"). */
    public List<String> startArguments() {
        List<String> args = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node.id", "1");
        settings.put("listeners", "PLAINTEXT://" + host + ":" + clientPort + ",CONTROLLER://" + host + ":" + controllerPort);
        settings.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        settings.put("log.dirs", dataDir.toString());
        settings.putAll(overrides);
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v.replace(CLIENT_PORT, Integer.toString(clientPort))
                    .replace(CONTROLLER_PORT, Integer.toString(controllerPort)));
        });
        return args;
    }

    private void launchProcess() {
        try {
            Files.createDirectories(dataDir);
            List<String> command = new ArrayList<>(commandPrefix);
            command.addAll(javaCommand(startArguments()));
            Path out = outputFile();
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            process = pb.start();
            CompletableFuture<String> readyFuture = new CompletableFuture<>();
            ready = readyFuture;
            Process p = process;
            pump = new Thread(() -> pump(p, out, readyFuture), "skein-node-output-" + name);
            pump.setDaemon(true);
            pump.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the launched process prints its ready line. */
    public void awaitReady() {
        try {
            readyLine = ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("node " + name + " did not print 'skein ready:' within "
                    + READY_TIMEOUT + "; output in " + outputFile() + ":\n" + tail(outputFile()), e);
        }
    }

    /** The java command line for the broker main class with the given arguments after "start". */
    public static List<String> javaCommand(List<String> startArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Dio.netty.leakDetection.level=paranoid"); // a leaked buffer shows up as a LEAK: line
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.add("start");
        command.addAll(startArgs);
        return command;
    }

    private Path outputFile() {
        return dataDir.resolveSibling(name + ".out");
    }

    private static void pump(Process p, Path out, CompletableFuture<String> ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = r.readLine()) != null) {
                w.println(line);
                if (line.startsWith("skein ready:")) {
                    ready.complete(line);
                }
            }
            ready.completeExceptionally(new IllegalStateException("process exited with " + p.waitFor()));
        } catch (Exception e) {
            ready.completeExceptionally(e);
        }
    }

    /** Everything this node has printed so far (all its runs, if restarted). */
    public List<String> outputLines() {
        try {
            return Files.readAllLines(outputFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether this node has printed a line matching {@code line}, waiting up to 10 s for it: the
     * output reaches the file through a pump thread, so a line may trail what caused it.
     */
    public boolean logged(Predicate<String> line) {
        return Clients.waitFor(() -> outputLines().stream().anyMatch(line), Duration.ofSeconds(10));
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The last lines of this node's output, for assertion messages. */
    public String outputTail() {
        return tail(outputFile());
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    public int stop() {
        if (process == null || !process.isAlive()) {
            return process == null ? 0 : process.exitValue();
        }
        process.toHandle().destroy(); // SIGTERM; unlike Process.destroy() it leaves our end of stdout open
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("node " + name + " did not stop within 60 s of SIGTERM");
            }
            pump.join(10_000); // the last lines of output are copied before anyone reads them
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kill -9. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the process again on the same ports and data after {@link #kill()} and waits until it is ready. */
    public void restartAfterKill() {
        relaunch();
        awaitReady();
    }

    /**
     * Stops cleanly and starts again on the same ports and data; returns the stop's exit code
     * (asserting it is 0 is up to the caller).
     */
    public int restart() {
        int code = stop();
        launchProcess();
        awaitReady();
        return code;
    }

    /** Stops cleanly (SIGTERM); kill -9 if that fails. Never throws. */
    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            kill();
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
