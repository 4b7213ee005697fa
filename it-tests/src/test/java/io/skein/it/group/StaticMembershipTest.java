package io.skein.it.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Static membership: a member with a {@code group.instance.id} that restarts within its session
 * timeout gets its partitions back, and the other member sees no rebalance (no partition revoked
 * or assigned), with the classic protocol and with KIP-848.
 */
class StaticMembershipTest {

    private static final int PARTITIONS = 4;

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void aStaticMemberRestartingWithinItsSessionGetsItsPartitionsBackWithoutARebalance(String protocol)
            throws Exception {
        try (TestBroker broker = TestBroker.start("static-" + protocol, Map.of("offsets.topic.num.partitions", "3"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            String topic = broker.topic("static-members");
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, PARTITIONS, Duration.ofSeconds(30));
            String group = "static-" + protocol + "-" + System.nanoTime();

            PollingMember a = new PollingMember(broker.bootstrap(), topic, config(group, protocol, "a"));
            PollingMember b = new PollingMember(broker.bootstrap(), topic, config(group, protocol, "b"));
            PollingMember a2 = null;
            try {
                Clients.await("both members own two partitions", Duration.ofSeconds(60),
                        () -> a.owned().size() == 2 && b.owned().size() == 2 && disjoint(a.owned(), b.owned()));
                Thread.sleep(2_000); // let both members settle into the stable generation
                Set<TopicPartition> aOwned = a.owned();
                Set<TopicPartition> bOwned = b.owned();
                int bMoves = b.partitionMoves();

                a.close(); // a static member's close does not leave the group
                assertNull(a.failure());
                PollingMember restarted = new PollingMember(broker.bootstrap(), topic, config(group, protocol, "a"));
                a2 = restarted;
                Clients.await("the restarted member owns its old partitions", Duration.ofSeconds(30),
                        () -> restarted.owned().equals(aOwned));
                Thread.sleep(4_000); // several heartbeats: a rebalance would have reached b by now

                assertEquals(aOwned, restarted.owned());
                assertEquals(bOwned, b.owned(), "the other member kept its partitions");
                assertEquals(bMoves, b.partitionMoves(), "the other member saw no partition revoked or assigned");
                if (!broker.isExternal() && protocol.equals("classic")) {
                    assertTrue(broker.logged(l -> l.contains("Static member a of group " + group
                            + " rejoined")), "the broker logs the static rejoin");
                }
            } finally {
                a.close();
                b.close();
                if (a2 != null) {
                    a2.close();
                }
            }
            assertNull(b.failure());
        }
    }

    private static Map<String, String> config(String group, String protocol, String instance) {
        Map<String, String> config = new HashMap<>(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol,
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance,
                ConsumerConfig.CLIENT_ID_CONFIG, instance,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        if (protocol.equals("classic")) {
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "30000");
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        }
        return config;
    }

    private static boolean disjoint(Set<TopicPartition> x, Set<TopicPartition> y) {
        Set<TopicPartition> all = new HashSet<>(x);
        all.addAll(y);
        return all.size() == x.size() + y.size();
    }
}
