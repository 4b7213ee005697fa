package io.skein.replication.controller;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerCommand.ReassignmentTarget;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.PartitionId;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.Reassignment;
import io.skein.replication.api.MetadataImage.TopicImage;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * AlterPartitionReassignments (KIP-455) as records. Starting a reassignment makes the replicas
 * the target followed by the current replicas not in it, and leaves the ISR alone; it completes
 * (see {@link ReassignmentProgress}) once every added replica is in the ISR, at once when nothing
 * is added (a reorder or a removal). A new target for a partition already being reassigned
 * replaces the old one, measured from the same original replicas. Cancelling reverts to the
 * original replicas: added replicas leave the ISR, and one of them leading hands over to the
 * first unfenced in-sync original replica.
 *
 * <pre>
 *   (none) --target--> IN_PROGRESS --every adding replica in the ISR--> (none, replicas = target)
 *                        |  ^ new target
 *                        '--+---cancel (null target)--> (none, replicas = original)
 * </pre>
 *
 * <p>Stateless.
 */
final class PartitionReassignment {

    private PartitionReassignment() {
    }

    static Outcome alter(ControllerCommand.AlterPartitionReassignments c, MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        Set<TopicPartition> seen = new HashSet<>();
        for (ReassignmentTarget t : c.partitions()) {
            TopicPartition tp = new TopicPartition(t.topic(), t.partition());
            String key = tp.toString();
            TopicImage topic = image.topic(t.topic()).orElse(null);
            PartitionState p = topic == null ? null : topic.partitions().get(t.partition());
            if (p == null) {
                items.add(new ItemResult(key, Errors.UNKNOWN_TOPIC_OR_PARTITION, topic == null
                        ? "No such topic as " + t.topic() : "No such partition as " + key));
            } else if (!seen.add(tp)) {
                items.add(new ItemResult(key, Errors.INVALID_REQUEST, "Partition " + key
                        + " appears more than once in the request."));
            } else if (t.replicas() == null) {
                items.add(cancel(key, topic, p, image, records));
            } else {
                ItemResult invalid = validate(key, t.replicas(), image);
                if (invalid == null && !c.allowReplicationFactorChange()) {
                    invalid = sameReplicationFactor(key, topic, p, t.replicas(), image);
                }
                items.add(invalid != null ? invalid : start(key, topic, p, t.replicas(), image, records));
            }
        }
        return new Outcome(records, items, -1);
    }

    private static ItemResult validate(String key, List<Integer> target, MetadataImage image) {
        if (target.isEmpty()) {
            return new ItemResult(key, Errors.INVALID_REPLICA_ASSIGNMENT,
                    "The manual partition assignment includes an empty replica list.");
        }
        Set<Integer> distinct = new HashSet<>();
        for (int broker : target) {
            if (!distinct.add(broker)) {
                return new ItemResult(key, Errors.INVALID_REPLICA_ASSIGNMENT,
                        "The manual partition assignment includes the broker " + broker + " more than once.");
            }
            if (!image.brokers().containsKey(broker)) {
                return new ItemResult(key, Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment "
                        + "includes broker " + broker + ", but no such broker is registered.");
            }
        }
        return null;
    }

    private static ItemResult sameReplicationFactor(String key, TopicImage topic, PartitionState p,
                                                    List<Integer> target, MetadataImage image) {
        Reassignment ongoing = image.reassignments().get(new PartitionId(topic.id(), p.partition()));
        int current = ongoing != null ? ongoing.original().size() : p.replicas().size();
        return current == target.size() ? null : new ItemResult(key, Errors.INVALID_REPLICATION_FACTOR,
                "The replication factor is changed from " + current + " to " + target.size());
    }

    private static ItemResult start(String key, TopicImage topic, PartitionState p, List<Integer> target,
                                    MetadataImage image, List<MetadataRecord> records) {
        Reassignment ongoing = image.reassignments().get(new PartitionId(topic.id(), p.partition()));
        if (ongoing == null && target.equals(p.replicas())) {
            return ItemResult.ok(key); // already there: nothing to do, as in Kafka
        }
        List<Integer> original = ongoing != null ? ongoing.original() : p.replicas();
        Reassignment reassignment = new Reassignment(List.copyOf(target), original);
        List<Integer> replicas = reassignment.merged();
        List<Integer> isr = PartitionChanges.retain(p.isr(), replicas);
        if (isr.isEmpty()) {
            return new ItemResult(key, Errors.INVALID_REPLICA_ASSIGNMENT, "The new target " + target
                    + " drops every in-sync replica " + p.isr() + " of the reassignment in progress; cancel it first.");
        }
        int leader = replicas.contains(p.leader()) ? p.leader() : PartitionChanges.firstUsable(replicas, isr,
                image, records);
        records.add(PartitionChanges.changed(topic.id(), p, replicas, isr, leader));
        records.add(new MetadataRecord.Reassignment(topic.id(), p.partition(), reassignment.target(), original));
        ReassignmentProgress.completeIfCaughtUp(image, topic.id(), p.partition(), records);
        return ItemResult.ok(key);
    }

    private static ItemResult cancel(String key, TopicImage topic, PartitionState p, MetadataImage image,
                                     List<MetadataRecord> records) {
        Reassignment ongoing = image.reassignments().get(new PartitionId(topic.id(), p.partition()));
        if (ongoing == null) {
            return new ItemResult(key, Errors.NO_REASSIGNMENT_IN_PROGRESS, "No reassignment is in progress for "
                    + "partition " + key + ".");
        }
        List<Integer> original = ongoing.original();
        List<Integer> isr = PartitionChanges.retain(p.isr(), original);
        int leader = original.contains(p.leader()) && isr.contains(p.leader()) ? p.leader()
                : PartitionChanges.firstUsable(original, isr, image, records);
        String message = null;
        if (isr.isEmpty()) {
            // Only added replicas were in sync: as Kafka, revert uncleanly to an original replica.
            int chosen = original.stream().filter(b -> PartitionChanges.unfenced(b, image, records)).findFirst()
                    .orElse(-1);
            isr = List.of(chosen >= 0 ? chosen : original.get(0));
            leader = chosen;
            message = "No original replica was in sync; reverted uncleanly with ISR " + isr + ".";
        }
        records.add(PartitionChanges.changed(topic.id(), p, original, isr, leader));
        records.add(new MetadataRecord.ReassignmentEnded(topic.id(), p.partition()));
        return new ItemResult(key, Errors.NONE, message);
    }
}
