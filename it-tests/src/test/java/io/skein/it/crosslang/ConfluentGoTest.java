package io.skein.it.crosslang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Processes;
import io.skein.it.harness.SkeinNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * confluent-kafka-go (Debian's 0.11.6 on the system librdkafka) produces 1,000 messages with
 * acks=all and idempotence, checks every delivery report and reads them all back.
 */
class ConfluentGoTest {

    @Test
    void idempotentGoProducerDeliversAndEveryMessageIsReadBack() {
        Processes.require("go");
        Path binary = Path.of("target", "go", "produceconsume").toAbsolutePath();
        Processes.Result build = Processes.run(List.of("go", "build", "-o", binary.toString(),
                "./src/test/go/produceconsume"), null, Map.of("GO111MODULE", "off", "GOPATH", "/usr/share/gocode",
                "GOCACHE", Path.of("target", "go", "cache").toAbsolutePath().toString(),
                "GOFLAGS", ""), 600);
        assertEquals(0, build.exitCode(), "go build failed (run ./skein test to install Go and confluent-kafka-go):\n"
                + build.output());

        try (SkeinNode node = SkeinNode.start("go", Path.of("target", "it-data", "go-" + System.nanoTime()))) {
            Processes.Result run = Processes.run(List.of(binary.toString(), node.bootstrap(), "go-topic", "1000"),
                    null, Map.of(), 180);

            assertEquals(0, run.exitCode(), run.output());
            assertTrue(run.output().contains("delivered 1000"), run.output());
            assertTrue(run.output().contains("consumed 1000"), run.output());
        }
    }
}
