package io.skein.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.AclNode;
import io.skein.it.harness.Clients;
import io.skein.it.harness.KafkaTools;
import io.skein.it.harness.Processes;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ACLs end to end on a SASL_PLAINTEXT broker with {@code authorizer.class.name} set to Kafka's
 * StandardAuthorizer and {@code super.users=User:admin}: the admin manages ACLs with kafka-clients'
 * Admin and with Kafka's own {@code kafka-acls} tool; alice may do what her ACLs allow (a PREFIXED
 * topic pattern, a group), bob is refused with Kafka's exceptions and does not see what he may not
 * describe; DENY beats ALLOW; deleted ACLs stop allowing; ACLs survive a restart.
 */
class AclTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static SkeinNode node;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = TestBroker.freshDataDir("acl");
        node = AclNode.start("acl", dir.resolve("data"), Map.of("offsets.topic.replication.factor", "1"));
        try (Admin admin = admin("admin")) {
            admin.createTopics(List.of(new NewTopic("orders-1", 1, (short) 1), new NewTopic("shared", 1, (short) 1),
                    new NewTopic("orders-denied", 1, (short) 1), new NewTopic("audit", 1, (short) 1))).all().get();
            admin.createAcls(List.of(
                    allow("User:alice", ResourceType.TOPIC, "orders-", PatternType.PREFIXED, AclOperation.WRITE),
                    allow("User:alice", ResourceType.TOPIC, "orders-", PatternType.PREFIXED, AclOperation.READ),
                    allow("User:alice", ResourceType.GROUP, "billing", PatternType.LITERAL, AclOperation.READ),
                    allow("User:bob", ResourceType.TOPIC, "shared", PatternType.LITERAL, AclOperation.READ),
                    new AclBinding(new ResourcePattern(ResourceType.TOPIC, "orders-denied", PatternType.LITERAL),
                            new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.DENY))))
                    .all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
                                    AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    private static Map<String, String> security(String user) {
        return AclNode.login(user);
    }

    private static String bootstrap() {
        return node.bootstrap();
    }

    private static Admin admin(String user) {
        Map<String, Object> p = new HashMap<>(security(user));
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        return Admin.create(p);
    }

    private static KafkaProducer<byte[], byte[]> producer(String user) {
        Map<String, String> p = new HashMap<>(security(user));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return Clients.producer(bootstrap(), p);
    }

    private static KafkaConsumer<byte[], byte[]> groupConsumer(String user, String group) {
        return groupConsumer(user, group, Map.of());
    }

    private static KafkaConsumer<byte[], byte[]> groupConsumer(String user, String group, Map<String, String> extra) {
        Map<String, String> c = new HashMap<>(security(user));
        c.putAll(extra);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return Clients.consumer(bootstrap(), c);
    }

    private static Throwable sendFailure(KafkaProducer<byte[], byte[]> producer, String topic) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> producer.send(new ProducerRecord<>(topic, "v".getBytes())).get());
        return e.getCause();
    }

    private static Set<String> topicsSeenBy(String user) throws Exception {
        try (Admin admin = admin(user)) {
            return admin.listTopics().names().get();
        }
    }

    private static Collection<AclBinding> describe(AclBindingFilter filter) throws Exception {
        try (Admin admin = admin("admin")) {
            return admin.describeAcls(filter).values().get();
        }
    }

    @Test
    void aliceProducesAndConsumesInHerGroup() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer("alice")) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("orders-1", ("v" + i).getBytes())).get();
            }
        }
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer("alice", "billing")) {
            consumer.subscribe(List.of("orders-1"));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read.size() < 10 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(read::add);
            }
            consumer.commitSync();
        }
        assertEquals(10, read.size());
        assertEquals("v9", new String(read.get(9).value()));
    }

    @Test
    void bobIsRefusedWithKafkasExceptionsAndSeesOnlyWhatHeMayDescribe() throws Exception {
        Map<String, String> noIdempotence = new HashMap<>(security("bob"));
        noIdempotence.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        noIdempotence.put(ProducerConfig.ACKS_CONFIG, "1");
        noIdempotence.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap(), noIdempotence)) {
            assertInstanceOf(TopicAuthorizationException.class, sendFailure(producer, "orders-1"));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer("bob", "billing")) {
            consumer.subscribe(List.of("shared"));
            assertThrows(GroupAuthorizationException.class, () -> {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(300));
                }
            });
        }
        Set<String> bobSees = topicsSeenBy("bob");
        assertTrue(bobSees.contains("shared"), bobSees.toString());
        assertFalse(bobSees.contains("orders-1") || bobSees.contains("orders-denied"), bobSees.toString());
        assertTrue(topicsSeenBy("alice").containsAll(Set.of("orders-1", "orders-denied")));
        assertFalse(topicsSeenBy("alice").contains("shared"));
        assertTrue(node.logged(l -> l.contains("Principal = User:bob is Denied operation = DESCRIBE")
                && l.contains("Topic:LITERAL:orders-1")), node.outputTail());
    }

    @Test
    void denyBeatsAPrefixedAllow() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer("alice")) {
            assertInstanceOf(TopicAuthorizationException.class, sendFailure(producer, "orders-denied"));
        }
    }

    @Test
    void aTransactionalIdNeedsItsOwnAcl() {
        Map<String, String> transactional = new HashMap<>(security("alice"));
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-alice");
        transactional.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap(), transactional)) {
            assertThrows(TransactionalIdAuthorizationException.class, producer::initTransactions);
        }
    }

    @Test
    void onlySuperUsersManageAclsAndBadBindingsAreRefused() throws Exception {
        try (Admin alice = admin("alice")) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> alice.createAcls(List.of(
                    allow("User:alice", ResourceType.TOPIC, "*", PatternType.LITERAL, AclOperation.ALL))).all().get());
            assertInstanceOf(ClusterAuthorizationException.class, e.getCause());
            e = assertThrows(ExecutionException.class, () -> alice.describeAcls(AclBindingFilter.ANY).values().get());
            assertInstanceOf(ClusterAuthorizationException.class, e.getCause());
        }
        try (Admin admin = admin("admin")) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> admin.createAcls(List.of(
                    allow("alice", ResourceType.TOPIC, "x", PatternType.LITERAL, AclOperation.READ))).all().get());
            assertInstanceOf(InvalidRequestException.class, e.getCause());
        }
    }

    @Test
    void describeAndDeleteWithFiltersThenAliceIsRefused() throws Exception {
        AclBinding auditWrite = allow("User:alice", ResourceType.TOPIC, "audit", PatternType.LITERAL,
                AclOperation.WRITE);
        AclBinding auditDescribe = allow("User:bob", ResourceType.TOPIC, "audit", PatternType.LITERAL,
                AclOperation.DESCRIBE);
        try (Admin admin = admin("admin")) {
            admin.createAcls(List.of(auditWrite, auditDescribe)).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = producer("alice")) {
            producer.send(new ProducerRecord<>("audit", "before".getBytes())).get();
        }
        AclBindingFilter aliceOnAudit = new AclBindingFilter(
                new ResourcePatternFilter(ResourceType.TOPIC, "audit", PatternType.MATCH),
                new AccessControlEntryFilter("User:alice", null, AclOperation.ANY, AclPermissionType.ANY));
        assertEquals(Set.of(auditWrite), new HashSet<>(describe(aliceOnAudit)));
        // MATCH also finds the PREFIXED orders- bindings that cover a topic named orders-7
        AclBindingFilter coveringOrders7 = new AclBindingFilter(
                new ResourcePatternFilter(ResourceType.TOPIC, "orders-7", PatternType.MATCH),
                AccessControlEntryFilter.ANY);
        assertEquals(2, describe(coveringOrders7).size());

        try (Admin admin = admin("admin")) {
            Collection<AclBinding> deleted = admin.deleteAcls(List.of(aliceOnAudit)).all().get();
            assertEquals(List.of(auditWrite), new ArrayList<>(deleted));
        }
        assertEquals(Set.of(auditDescribe), new HashSet<>(describe(new AclBindingFilter(
                new ResourcePatternFilter(ResourceType.TOPIC, "audit", PatternType.LITERAL),
                AccessControlEntryFilter.ANY))));
        try (KafkaProducer<byte[], byte[]> producer = producer("alice")) {
            assertInstanceOf(TopicAuthorizationException.class, sendFailure(producer, "audit"));
        }
    }

    @Test
    void topicAdministrationNeedsItsOwnOperations() throws Exception {
        try (Admin admin = admin("admin")) {
            admin.createAcls(List.of(allow("User:alice", ResourceType.TOPIC, "mine-", PatternType.PREFIXED,
                    AclOperation.CREATE))).all().get();
        }
        try (Admin alice = admin("alice")) {
            alice.createTopics(List.of(new NewTopic("mine-1", 1, (short) 1))).all().get();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> alice.createTopics(List.of(new NewTopic("theirs-1", 1, (short) 1))).all().get());
            assertInstanceOf(TopicAuthorizationException.class, e.getCause());
            e = assertThrows(ExecutionException.class, () -> alice.deleteTopics(List.of("mine-1")).all().get());
            assertInstanceOf(TopicAuthorizationException.class, e.getCause());
            e = assertThrows(ExecutionException.class, () -> alice.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, "mine-1"))).all().get());
            assertInstanceOf(TopicAuthorizationException.class, e.getCause());
            e = assertThrows(ExecutionException.class, () -> alice.deleteRecords(Map.of(
                    new TopicPartition("mine-1", 0), org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(0)))
                    .all().get());
            assertInstanceOf(TopicAuthorizationException.class, e.getCause(), "DeleteRecords needs DELETE on the topic");
        }
        try (Admin admin = admin("admin")) {
            assertTrue(admin.listTopics().names().get().contains("mine-1"));
            assertFalse(admin.listTopics().names().get().contains("theirs-1"));
        }
    }

    @Test
    void listGroupsShowsOnlyGroupsTheCallerMayDescribe() throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer("alice", "billing")) {
            TopicPartition tp = new TopicPartition("orders-1", 0);
            consumer.assign(List.of(tp));
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(0)));
        }
        assertTrue(groupsSeenBy("alice").contains("billing"));
        assertTrue(groupsSeenBy("admin").contains("billing"));
        assertFalse(groupsSeenBy("bob").contains("billing"));
    }

    private static Set<String> groupsSeenBy(String user) throws Exception {
        try (Admin admin = admin(user)) {
            Set<String> ids = new HashSet<>();
            admin.listGroups().all().get().forEach(g -> ids.add(g.groupId()));
            return ids;
        }
    }

    @Test
    void consumerProtocolGroupsAreCheckedToo() throws Exception {
        Map<String, String> consumerProtocol = Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer("alice", "billing", consumerProtocol)) {
            consumer.subscribe(List.of("orders-1"));
            Clients.await("alice's KIP-848 member gets an assignment", WAIT, () -> {
                consumer.poll(Duration.ofMillis(200));
                return !consumer.assignment().isEmpty();
            });
        }
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer("bob", "billing", consumerProtocol)) {
            consumer.subscribe(List.of("shared"));
            assertThrows(GroupAuthorizationException.class, () -> {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(300));
                }
            });
        }
    }

    @Test
    void kafkasAclToolAddsAndListsAcls() throws Exception {
        Path config = dir.resolve("admin.properties");
        StringBuilder text = new StringBuilder();
        security("admin").forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, text.toString());
        Processes.Result added = aclTool(config, "--add", "--allow-principal", "User:alice", "--operation", "Read",
                "--topic", "t");
        assertEquals(0, added.exitCode(), added.describe());
        assertTrue(describe(new AclBindingFilter(new ResourcePatternFilter(ResourceType.TOPIC, "t",
                PatternType.LITERAL), AccessControlEntryFilter.ANY))
                .contains(allow("User:alice", ResourceType.TOPIC, "t", PatternType.LITERAL, AclOperation.READ)));
        Processes.Result listed = aclTool(config, "--list", "--topic", "t");
        assertEquals(0, listed.exitCode(), listed.describe());
        assertTrue(listed.output().contains("principal=User:alice") && listed.output().contains("operation=READ"),
                listed.describe());
    }

    private static Processes.Result aclTool(Path config, String... args) {
        List<String> toolArgs = new ArrayList<>(List.of("--bootstrap-server", bootstrap(), "--command-config",
                config.toString()));
        toolArgs.addAll(List.of(args));
        return KafkaTools.run("org.apache.kafka.tools.AclCommand", toolArgs, Duration.ofSeconds(60));
    }

    @Test
    void aclsSurviveARestart() throws Exception {
        AclBinding durable = allow("User:bob", ResourceType.GROUP, "durable-", PatternType.PREFIXED,
                AclOperation.DESCRIBE);
        try (Admin admin = admin("admin")) {
            admin.createAcls(List.of(durable)).all().get();
        }
        assertEquals(0, node.restart(), node.outputTail());
        assertTrue(describe(AclBindingFilter.ANY).contains(durable));
        assertTrue(topicsSeenBy("alice").contains("orders-1"));
        assertFalse(topicsSeenBy("bob").contains("orders-1"));
    }

    @Test
    void withoutAnAuthorizerAclApisAreSecurityDisabled() throws Exception {
        try (SkeinNode open = SkeinNode.start("acl-open", TestBroker.freshDataDir("acl-open"));
             Admin admin = Clients.admin(open.bootstrap())) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.describeAcls(AclBindingFilter.ANY).values().get());
            assertInstanceOf(SecurityDisabledException.class, e.getCause());
        }
    }

    @Test
    void anUnknownAuthorizerStopsTheStart() {
        List<String> args = List.of("--set", "listeners=PLAINTEXT://127.0.0.1:" + SkeinNode.freePort()
                        + ",CONTROLLER://127.0.0.1:" + SkeinNode.freePort(),
                "--set", "controller.quorum.voters=1@127.0.0.1:" + SkeinNode.freePort(),
                "--set", "log.dirs=" + TestBroker.freshDataDir("acl-refused"),
                "--set", "authorizer.class.name=com.example.MyAuthorizer");
        Processes.Result r = Processes.run(SkeinNode.javaCommand(args), null, Map.of(), Duration.ofSeconds(60));
        assertNotEquals(0, r.exitCode(), r.describe());
        assertTrue(r.output().contains("com.example.MyAuthorizer"), r.describe());
    }
}
