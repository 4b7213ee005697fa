package io.skein.it.crosslang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.Processes;
import io.skein.it.harness.SkeinNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** kcat (librdkafka) lists, produces and consumes against Skein. */
class KcatTest {

    private static SkeinNode node;

    @BeforeAll
    static void start() throws Exception {
        Processes.require("kcat");
        node = SkeinNode.start("kcat", Path.of("target", "it-data", "kcat-" + System.nanoTime()));
        try (Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("kcat-topic", 2, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void listsBrokerAndTopic() {
        Processes.Result r = Processes.run(List.of("kcat", "-b", node.bootstrap(), "-L"), null, Map.of(), 60);

        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("broker 1 at 127.0.0.1:" + node.clientPort()), r.output());
        assertTrue(r.output().contains("topic \"kcat-topic\" with 2 partitions"), r.output());
    }

    @Test
    void roundTripsKeysValuesAndHeaders() {
        String input = "alpha:first value\nbeta:second value\ngamma:third value\n";
        Processes.Result produced = Processes.run(List.of("kcat", "-b", node.bootstrap(), "-t", "kcat-rt", "-P",
                "-p", "0", "-K:", "-H", "h1=v1", "-H", "source=kcat"), input, Map.of(), 60);
        assertEquals(0, produced.exitCode(), produced.output());

        Processes.Result consumed = Processes.run(List.of("kcat", "-b", node.bootstrap(), "-t", "kcat-rt", "-C",
                "-p", "0", "-o", "beginning", "-e", "-q", "-f", "%k|%s|%h|%o\\n"), null, Map.of(), 60);

        assertEquals(0, consumed.exitCode(), consumed.output());
        assertEquals(List.of("alpha|first value|h1=v1,source=kcat|0", "beta|second value|h1=v1,source=kcat|1",
                "gamma|third value|h1=v1,source=kcat|2"), consumed.output().lines().toList());
    }
}
