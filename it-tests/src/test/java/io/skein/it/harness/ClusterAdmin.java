package io.skein.it.harness;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * What the multi-node tests ask Admin again and again: create a topic replicated on all three
 * nodes and wait until every replica is in sync, describe a partition, its leader and its ISR, and
 * the set of registered (unfenced) brokers.
 */
public final class ClusterAdmin {

    private ClusterAdmin() {
    }

    /**
     * Creates the topic with replication factor 3 and {@code min.insync.replicas=minInsync}, then
     * waits until every partition has a leader that answers ({@link Clients#awaitTopic}) and all
     * three replicas of every partition are in the ISR.
     */
    public static TopicDescription createReplicated(Admin admin, String topic, int partitions, int minInsync,
                                                    Duration timeout) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 3)
                .configs(Map.of("min.insync.replicas", Integer.toString(minInsync))))).all().get();
        Clients.awaitTopic(admin, topic, partitions, timeout);
        return awaitFullIsr(admin, topic, timeout);
    }

    /** Waits until every partition of the topic has a leader and all three replicas in its ISR. */
    public static TopicDescription awaitFullIsr(Admin admin, String topic, Duration timeout) {
        TopicDescription[] last = new TopicDescription[1];
        Clients.await("every replica of " + topic + " in the ISR", timeout, () -> {
            try {
                last[0] = describe(admin, topic);
                return last[0].partitions().stream().allMatch(p -> p.leader() != null && p.isr().size() == 3);
            } catch (Exception e) {
                return false;
            }
        });
        return last[0];
    }

    public static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    /** Partition {@code partition} of the topic as Admin describes it now. */
    public static TopicPartitionInfo partition(Admin admin, String topic, int partition) throws Exception {
        return describe(admin, topic).partitions().get(partition);
    }

    /** The leader of partition 0 of the topic. */
    public static int leaderOf(Admin admin, String topic) throws Exception {
        return partition(admin, topic, 0).leader().id();
    }

    /** The ISR of partition 0 of the topic; empty while Admin cannot describe it (for polling). */
    public static Set<Integer> isr(Admin admin, String topic) {
        try {
            return ids(partition(admin, topic, 0).isr());
        } catch (Exception e) {
            return Set.of();
        }
    }

    /** The ids of the brokers Admin lists: registered and not fenced. */
    public static Set<Integer> brokerIds(Admin admin) throws Exception {
        return ids(admin.describeCluster().nodes().get());
    }

    private static Set<Integer> ids(Collection<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toSet());
    }
}
