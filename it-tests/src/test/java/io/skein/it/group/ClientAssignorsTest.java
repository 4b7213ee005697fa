package io.skein.it.group;

import static org.junit.jupiter.api.Assertions.assertNull;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every client-side assignor of kafka-clients works with the classic protocol: two members split
 * a topic's partitions between them (each partition owned by exactly one), and when one leaves the
 * other owns them all.
 */
class ClientAssignorsTest {

    private static final int PARTITIONS = 5;
    private static TestBroker broker;
    private static String topic;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start("client-assignors", Map.of("offsets.topic.num.partitions", "3"));
        topic = broker.topic("assignors");
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, PARTITIONS, Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @ValueSource(classes = {RangeAssignor.class, RoundRobinAssignor.class, StickyAssignor.class,
            CooperativeStickyAssignor.class})
    void twoMembersSplitThePartitionsAndOneTakesAllWhenTheOtherLeaves(Class<?> assignor) throws Exception {
        String group = "assignor-" + assignor.getSimpleName() + "-" + System.nanoTime();
        Map<String, String> config = Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        PollingMember first = new PollingMember(broker.bootstrap(), topic, config);
        PollingMember second = new PollingMember(broker.bootstrap(), topic, config);
        try {
            Clients.await("two members owning every partition exactly once", Duration.ofSeconds(60),
                    () -> ownedOnce(first.owned(), second.owned()));
            first.close();
            Clients.await("the remaining member owning every partition", Duration.ofSeconds(60),
                    () -> second.owned().size() == PARTITIONS);
        } finally {
            first.close();
            second.close();
        }
        assertNull(first.failure());
        assertNull(second.failure());
    }

    private static boolean ownedOnce(Set<TopicPartition> x, Set<TopicPartition> y) {
        if (x.isEmpty() || y.isEmpty()) {
            return false;
        }
        Set<TopicPartition> all = new HashSet<>(x);
        all.addAll(y);
        return all.size() == PARTITIONS && x.size() + y.size() == PARTITIONS;
    }
}
