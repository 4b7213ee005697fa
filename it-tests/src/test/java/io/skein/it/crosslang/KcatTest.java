package io.skein.it.crosslang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.Processes;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** kcat (librdkafka 2.0.2) lists the cluster, and produces and consumes (without a group) keys, values and headers. */
class KcatTest {

    private static final Duration KCAT_TIMEOUT = Duration.ofSeconds(60);
    private static TestBroker broker;
    private static String listed;
    private static String roundTrip;

    @BeforeAll
    static void startBroker() throws Exception {
        Processes.require("kcat");
        broker = TestBroker.start("kcat");
        listed = broker.topic("kcat-listed");
        roundTrip = broker.topic("kcat-round-trip");
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(listed, 2, (short) 1), new NewTopic(roundTrip, 1, (short) 1)))
                    .all().get();
            Clients.awaitTopic(admin, listed, 2, Duration.ofSeconds(30));
            Clients.awaitTopic(admin, roundTrip, 1, Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void listsTheBrokerAndACreatedTopic() {
        Processes.Result r = kcat(null, "-b", broker.bootstrap(), "-L");

        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.output().contains(" 1 brokers:"), r.describe());
        assertTrue(Pattern.compile("broker \\d+ at " + Pattern.quote(broker.bootstrap())).matcher(r.output()).find(),
                r.describe());
        assertTrue(r.output().contains("topic \"" + listed + "\" with 2 partitions:"), r.describe());
        assertFalse(r.output().contains("Err"), r.describe());
    }

    @Test
    void roundTripsKeysValuesAndHeadersWithoutAConsumerGroup() {
        String input = "alpha:first value\nbeta:second value\ngamma:third: with a colon\ndelta:\n";
        Processes.Result produced = kcat(input, "-P", "-b", broker.bootstrap(), "-t", roundTrip, "-p", "0", "-K:",
                "-H", "h1=v1", "-H", "source=kcat");
        assertEquals(0, produced.exitCode(), produced.describe());

        Processes.Result consumed = kcat(null, "-C", "-b", broker.bootstrap(), "-t", roundTrip, "-p", "0",
                "-o", "beginning", "-e", "-q", "-f", "%k|%s|%h|%o\\n");

        assertEquals(0, consumed.exitCode(), consumed.describe());
        assertEquals(List.of(
                "alpha|first value|h1=v1,source=kcat|0",
                "beta|second value|h1=v1,source=kcat|1",
                "gamma|third: with a colon|h1=v1,source=kcat|2",
                "delta||h1=v1,source=kcat|3"), consumed.output().lines().toList(), consumed.describe());
    }

    private static Processes.Result kcat(String stdin, String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add("kcat");
        command.addAll(List.of(args));
        return Processes.run(command, stdin, Map.of(), KCAT_TIMEOUT);
    }
}
