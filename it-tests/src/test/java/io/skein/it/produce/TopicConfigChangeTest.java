package io.skein.it.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.RawKafkaConnection;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ResponseHeader;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/**
 * Topic configs changed with Admin's incrementalAlterConfigs and the legacy alterConfigs: the
 * change shows in DescribeConfigs, takes effect on the running log at once (max.message.bytes),
 * survives a restart, and bad changes get Kafka's errors without changing anything.
 */
class TopicConfigChangeTest {

    private static Map<String, ConfigEntry> describe(Admin admin, ConfigResource resource) throws Exception {
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        return config.entries().stream().collect(java.util.stream.Collectors.toMap(ConfigEntry::name, e -> e));
    }

    private static void alter(Admin admin, ConfigResource resource, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get();
    }

    private static Throwable failure(Admin admin, ConfigResource resource, Collection<AlterConfigOp> ops) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get());
        return e.getCause();
    }

    /** The legacy AlterConfigs (Admin dropped it in 4.0; older clients and tools still send it), raw. */
    private static void legacyAlterConfigs(TestBroker broker, String topic, String key, String value) throws Exception {
        try (RawKafkaConnection c = RawKafkaConnection.open(broker.host(), broker.port(), Duration.ofSeconds(10))) {
            AlterConfigsRequestData request = new AlterConfigsRequestData();
            AlterConfigsRequestData.AlterConfigsResource r = new AlterConfigsRequestData.AlterConfigsResource()
                    .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName(topic);
            r.configs().add(new AlterConfigsRequestData.AlterableConfig().setName(key).setValue(value));
            request.resources().add(r);
            short version = 2;
            c.sendRequest(ApiKeys.ALTER_CONFIGS, version, 7, request, version);
            ByteBuffer frame = c.readFrame();
            ResponseHeader.parse(frame, ApiKeys.ALTER_CONFIGS.responseHeaderVersion(version));
            AlterConfigsResponseData response = new AlterConfigsResponseData(new ByteBufferAccessor(frame), version);
            assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode(),
                    response.responses().get(0).errorMessage());
        }
    }

    @Test
    void configChangesApplyLiveAndSurviveARestart() throws Exception {
        try (TestBroker broker = TestBroker.start("topic-config-change");
             Admin admin = Clients.admin(broker.bootstrap())) {
            String topic = broker.topic("configured");
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, 1, Duration.ofSeconds(30));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);

            alter(admin, resource,
                    new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND),
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", "2000"), AlterConfigOp.OpType.SET));
            Map<String, ConfigEntry> entries = describe(admin, resource);
            assertEquals("3600000", entries.get("retention.ms").value());
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, entries.get("retention.ms").source());
            assertEquals("delete,compact", entries.get("cleanup.policy").value());

            // the running log enforces the new limit at once
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap(),
                    Map.of(ProducerConfig.RETRIES_CONFIG, "0"))) {
                ExecutionException tooLarge = assertThrows(ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>(topic, new byte[] {1}, new byte[5000])).get());
                assertInstanceOf(RecordTooLargeException.class, tooLarge.getCause());
                producer.send(new ProducerRecord<>(topic, new byte[] {1}, new byte[100])).get();
            }

            alter(admin, resource, new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE),
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT));
            entries = describe(admin, resource);
            assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, entries.get("retention.ms").source());
            assertEquals("compact", entries.get("cleanup.policy").value());

            // bad changes: nothing of the request is applied
            assertInstanceOf(InvalidConfigurationException.class, failure(admin, resource, List.of(
                    new AlterConfigOp(new ConfigEntry("segment.bytes", "20000000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("retention.ms", "soon"), AlterConfigOp.OpType.SET))));
            assertFalse(describe(admin, resource).get("segment.bytes").source()
                    == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, "the valid half was not applied either");
            assertInstanceOf(InvalidConfigurationException.class, failure(admin, resource, List.of(
                    new AlterConfigOp(new ConfigEntry("no.such.config", "1"), AlterConfigOp.OpType.SET))));
            assertInstanceOf(InvalidConfigurationException.class, failure(admin, resource, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "1"), AlterConfigOp.OpType.APPEND))));
            assertInstanceOf(UnknownTopicOrPartitionException.class, failure(admin,
                    new ConfigResource(ConfigResource.Type.TOPIC, broker.topic("missing")), List.of(
                            new AlterConfigOp(new ConfigEntry("retention.ms", "1"), AlterConfigOp.OpType.SET))));
            assertInstanceOf(InvalidRequestException.class, failure(admin,
                    new ConfigResource(ConfigResource.Type.BROKER, "1"), List.of(
                            new AlterConfigOp(new ConfigEntry("log.retention.ms", "1"), AlterConfigOp.OpType.SET))));

            // validate-only changes nothing; the legacy AlterConfigs replaces the whole set
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("retention.bytes", "1000000"), AlterConfigOp.OpType.SET))),
                    new org.apache.kafka.clients.admin.AlterConfigsOptions().validateOnly(true)).all().get();
            assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, describe(admin, resource).get("retention.bytes").source());
            legacyAlterConfigs(broker, topic, "retention.bytes", "1000000");
            entries = describe(admin, resource);
            assertEquals("1000000", entries.get("retention.bytes").value());
            assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, entries.get("cleanup.policy").source(),
                    "AlterConfigs drops the overrides it does not name");

            if (!broker.isExternal()) {
                broker.restart();
                entries = describe(admin, resource);
                assertEquals("1000000", entries.get("retention.bytes").value());
                assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, entries.get("retention.bytes").source());
                assertTrue(entries.get("max.message.bytes").source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            }
        }
    }
}
