package io.skein.replication.controller;

import io.skein.replication.api.ControllerCommand.AlterPartition;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.TopicImage;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;

/**
 * A partition leader's request to change its ISR (AlterPartition), checked as Kafka's controller
 * checks it, in this order:
 *
 * <ol>
 *   <li>unknown topic id or partition: UNKNOWN_TOPIC_ID / UNKNOWN_TOPIC_OR_PARTITION;</li>
 *   <li>the sender is not the partition's leader: NOT_LEADER_OR_FOLLOWER;</li>
 *   <li>the sender's leader epoch is not the current one: FENCED_LEADER_EPOCH;</li>
 *   <li>the partition epoch the sender saw is not the current one (someone else changed the
 *       partition since): INVALID_UPDATE_VERSION;</li>
 *   <li>the new ISR is empty, has duplicates, names a non-replica or leaves the leader out:
 *       INVALID_REQUEST;</li>
 *   <li>the new ISR adds a broker that is fenced or not registered: INELIGIBLE_REPLICA (a broker
 *       rejoins ISRs only while it heartbeats).</li>
 * </ol>
 *
 * An accepted change writes one partition record with the new ISR and the partition epoch bumped;
 * leader and leader epoch stay. When the change brings every replica a reassignment adds into the
 * ISR, the reassignment completes in the same entry ({@link ReassignmentProgress}). An ISR equal to
 * the current one is accepted without a record.
 *
 * <p>Stateless.
 */
final class IsrAlteration {

    private IsrAlteration() {
    }

    static Outcome alter(AlterPartition c, MetadataImage image) {
        String key = c.topicId() + "-" + c.partition();
        Optional<TopicImage> topic = image.topic(c.topicId());
        if (topic.isEmpty()) {
            return refuse(key, Errors.UNKNOWN_TOPIC_ID, "Topic id " + c.topicId() + " does not exist.");
        }
        PartitionState p = topic.get().partitions().get(c.partition());
        if (p == null) {
            return refuse(key, Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "Partition " + topic.get().name() + "-" + c.partition() + " does not exist.");
        }
        String name = topic.get().name() + "-" + c.partition();
        if (p.leader() != c.leaderId()) {
            return refuse(key, Errors.NOT_LEADER_OR_FOLLOWER, "Broker " + c.leaderId() + " is not the leader of "
                    + name + " (the leader is " + p.leader() + ").");
        }
        if (p.leaderEpoch() != c.leaderEpoch()) {
            return refuse(key, Errors.FENCED_LEADER_EPOCH, "Leader epoch " + c.leaderEpoch() + " of " + name
                    + " is not the current one, " + p.leaderEpoch() + ".");
        }
        if (p.partitionEpoch() != c.partitionEpoch()) {
            return refuse(key, Errors.INVALID_UPDATE_VERSION, "Partition epoch " + c.partitionEpoch() + " of " + name
                    + " is not the current one, " + p.partitionEpoch() + ".");
        }
        String invalid = invalidIsr(c.newIsr(), p, c.leaderId());
        if (invalid != null) {
            return refuse(key, Errors.INVALID_REQUEST, "ISR " + c.newIsr() + " of " + name + " " + invalid + ".");
        }
        for (int replica : c.newIsr()) {
            BrokerRegistration broker = image.brokers().get(replica);
            if (!p.isr().contains(replica) && (broker == null || broker.fenced())) {
                return refuse(key, Errors.INELIGIBLE_REPLICA, "Broker " + replica + " cannot join the ISR of " + name
                        + ": it is " + (broker == null ? "not registered" : "fenced") + ".");
            }
        }
        if (c.newIsr().equals(p.isr())) {
            return new Outcome(List.of(), List.of(ItemResult.ok(key)), -1);
        }
        List<MetadataRecord> records = new ArrayList<>();
        records.add(PartitionChanges.changed(c.topicId(), p, p.replicas(), List.copyOf(c.newIsr()), p.leader()));
        // an added replica that just joined the ISR may complete a reassignment in the same entry
        boolean completed = ReassignmentProgress.completeIfCaughtUp(image, c.topicId(), c.partition(), records) != null;
        return new Outcome(List.copyOf(records), List.of(new ItemResult(key, Errors.NONE,
                "ISR of " + name + " " + p.isr() + " -> " + c.newIsr()
                        + (completed ? "; its reassignment completed" : ""))), -1);
    }

    private static String invalidIsr(List<Integer> isr, PartitionState p, int leader) {
        if (isr == null || isr.isEmpty()) {
            return "is empty";
        }
        Set<Integer> seen = new HashSet<>();
        for (int replica : isr) {
            if (!seen.add(replica)) {
                return "names broker " + replica + " twice";
            }
            if (!p.replicas().contains(replica)) {
                return "names broker " + replica + ", which is not a replica " + p.replicas();
            }
        }
        return seen.contains(leader) ? null : "leaves out the leader " + leader;
    }

    private static Outcome refuse(String key, Errors error, String message) {
        return new Outcome(List.of(), List.of(new ItemResult(key, error, message)), -1);
    }
}
