package io.skein.it.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one of Apache Kafka's own command-line tools (kafka-tools from Maven Central, e.g.
 * {@code org.apache.kafka.tools.consumer.group.ConsumerGroupCommand}, the class behind
 * {@code kafka-consumer-groups.sh}) in a JVM of its own, on the classpath the {@code it-tools}
 * module resolved, so the tools' dependencies never mix with the broker's.
 */
public final class KafkaTools {

    private static final Path CLASSPATH_FILE = Path.of("..", "it-tools", "target", "kafka-tools.classpath");

    private KafkaTools() {
    }

    public static Processes.Result run(String mainClass, List<String> args, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(classpath());
        command.add(mainClass);
        command.addAll(args);
        return Processes.run(command, null, Map.of(), timeout);
    }

    private static String classpath() {
        try {
            return Files.readString(CLASSPATH_FILE).trim();
        } catch (IOException e) {
            throw new AssertionError(CLASSPATH_FILE.toAbsolutePath() + " is missing: build the it-tools module first "
                    + "(mvn verify from the project root, or ./skein test)", e);
        }
    }
}
