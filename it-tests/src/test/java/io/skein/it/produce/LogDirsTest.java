package io.skein.it.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.KafkaTools;
import io.skein.it.harness.Processes;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * DescribeLogDirs through Admin and Kafka's {@code kafka-log-dirs} tool: the node's log dir with
 * each partition's size on disk and the file system's capacity.
 */
class LogDirsTest {

    @Test
    void logDirsListEveryPartitionWithItsSize() throws Exception {
        try (TestBroker broker = TestBroker.start("log-dirs");
             Admin admin = Clients.admin(broker.bootstrap())) {
            String topic = broker.topic("log-dirs");
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, 2, Duration.ofSeconds(30));
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>(topic, 0, null, new byte[1000]));
                }
                producer.flush();
            }
            int nodeId = admin.describeCluster().nodes().get().iterator().next().id();
            Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(nodeId)).allDescriptions().get()
                    .get(nodeId);
            assertEquals(1, dirs.size(), dirs.toString());
            LogDirDescription dir = dirs.values().iterator().next();
            assertEquals(null, dir.error());
            ReplicaInfo p0 = dir.replicaInfos().get(new TopicPartition(topic, 0));
            ReplicaInfo p1 = dir.replicaInfos().get(new TopicPartition(topic, 1));
            assertTrue(p0.size() > 100_000, "partition 0 holds the 100 KB produced: " + p0);
            assertEquals(0, p1.size());
            assertTrue(dir.totalBytes().orElse(0) > 0 && dir.usableBytes().orElse(0) > 0, dir.toString());

            Processes.Result tool = KafkaTools.run("org.apache.kafka.tools.LogDirsCommand", List.of(
                    "--bootstrap-server", broker.bootstrap(), "--describe", "--topic-list", topic), Duration.ofMinutes(1));
            assertEquals(0, tool.exitCode(), tool.describe());
            assertTrue(tool.output().contains("\"partition\":\"" + topic + "-0\""), tool.describe());
        }
    }
}
