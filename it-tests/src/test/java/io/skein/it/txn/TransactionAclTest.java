package io.skein.it.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skein.it.harness.AclNode;
import io.skein.it.harness.Clients;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transactions under ACLs, with Kafka's rules: a transactional producer needs WRITE on its
 * transactional id (TransactionalIdAuthorizationException otherwise), sending offsets READ on the
 * group (GroupAuthorizationException otherwise); describing or listing a transaction needs
 * DESCRIBE on its id.
 */
class TransactionAclTest {

    private static final String TOPIC = "txn-acl";
    private static SkeinNode node;

    @BeforeAll
    static void start() throws Exception {
        node = AclNode.start("transaction-acl", TestBroker.freshDataDir("transaction-acl").resolve("data"), Map.of(
                "transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3"));
        try (Admin admin = admin("admin")) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            Clients.awaitTopic(admin, TOPIC, 1, Duration.ofSeconds(30));
            admin.createAcls(List.of(
                    allow("User:alice", ResourceType.TRANSACTIONAL_ID, "alice-tx", AclOperation.WRITE),
                    allow("User:alice", ResourceType.TOPIC, TOPIC, AclOperation.WRITE),
                    allow("User:alice", ResourceType.TOPIC, TOPIC, AclOperation.READ),
                    allow("User:alice", ResourceType.GROUP, "alice-group", AclOperation.READ))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static AclBinding allow(String principal, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    private static Admin admin(String user) {
        return Clients.admin(node.bootstrap(), AclNode.login(user));
    }

    private static KafkaProducer<byte[], byte[]> producer(String user, String transactionalId) {
        Map<String, String> config = AclNode.login(user);
        config.put("max.block.ms", "20000");
        return TxnClients.producer(node.bootstrap(), transactionalId, config);
    }

    @Test
    void aProducerWithWriteOnItsIdCommitsWithOffsetsOfAGroupItMayRead() throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (KafkaProducer<byte[], byte[]> producer = producer("alice", "alice-tx")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, null, TxnClients.bytes("allowed")));
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(1)),
                    new ConsumerGroupMetadata("alice-group"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, null, TxnClients.bytes("no-group")));
            KafkaException refused = assertThrows(KafkaException.class, () -> producer.sendOffsetsToTransaction(
                    Map.of(tp, new OffsetAndMetadata(2)), new ConsumerGroupMetadata("other-group")));
            assertInstanceOf(GroupAuthorizationException.class,
                    refused instanceof GroupAuthorizationException ? refused : refused.getCause(), refused.toString());
        }
        try (Admin admin = admin("admin")) {
            assertEquals(1L, admin.listConsumerGroupOffsets("alice-group").partitionsToOffsetAndMetadata().get()
                    .get(tp).offset());
        }
    }

    @Test
    void aTransactionalIdWithoutWriteIsRefused() {
        try (KafkaProducer<byte[], byte[]> producer = producer("alice", "someone-elses-tx")) {
            assertThrows(TransactionalIdAuthorizationException.class, producer::initTransactions);
        }
    }

    @Test
    void describingATransactionNeedsDescribeOnItsId() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer("alice", "alice-tx")) {
            producer.initTransactions();
        }
        try (Admin bob = admin("bob")) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> bob.describeTransactions(
                    List.of("alice-tx")).description("alice-tx").get());
            assertInstanceOf(TransactionalIdAuthorizationException.class, e.getCause());
            assertFalse(bob.listTransactions().all().get().stream()
                    .anyMatch(t -> t.transactionalId().equals("alice-tx")), "bob does not see alice's id");
        }
        try (Admin alice = admin("alice")) {
            assertEquals(org.apache.kafka.clients.admin.TransactionState.EMPTY, alice.describeTransactions(
                    List.of("alice-tx")).description("alice-tx").get().state());
        }
    }
}
