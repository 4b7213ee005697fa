package io.skein.replication.controller;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.TopicImage;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * ElectLeaders as records, with Kafka's rules:
 * <ul>
 *   <li>PREFERRED: the first replica leads if it is an unfenced ISR member (ELECTION_NOT_NEEDED
 *       when it already leads, PREFERRED_LEADER_NOT_AVAILABLE otherwise).</li>
 *   <li>UNCLEAN (asked for explicitly, so allowed even with {@code unclean.leader.election.enable}
 *       false, as in Kafka): only for a partition without a leader (ELECTION_NOT_NEEDED
 *       otherwise); the first unfenced ISR member leads, else the first unfenced replica, which
 *       becomes the whole ISR (records it never had may be lost);
 *       ELIGIBLE_LEADERS_NOT_AVAILABLE when every replica is fenced.</li>
 * </ul>
 * A new leader bumps the leader epoch and the partition epoch. With no partition list, every
 * partition is tried and only those not answering ELECTION_NOT_NEEDED are reported.
 *
 * <p>Stateless.
 */
final class ManualElection {

    private ManualElection() {
    }

    static Outcome elect(ControllerCommand.ElectLeaders c, MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        if (c.partitions() == null) {
            for (TopicImage topic : image.topics()) {
                for (PartitionState p : topic.partitions().values()) {
                    ItemResult item = elect(c.type(), topic, p, image, records);
                    if (item.error() != Errors.ELECTION_NOT_NEEDED) {
                        items.add(item);
                    }
                }
            }
        } else {
            for (TopicPartition tp : new LinkedHashSet<>(c.partitions())) {
                TopicImage topic = image.topic(tp.topic()).orElse(null);
                PartitionState p = topic == null ? null : topic.partitions().get(tp.partition());
                if (p == null) {
                    items.add(new ItemResult(tp.toString(), Errors.UNKNOWN_TOPIC_OR_PARTITION, topic == null
                            ? "No such topic as " + tp.topic() : "No such partition as " + tp));
                } else {
                    items.add(elect(c.type(), topic, p, image, records));
                }
            }
        }
        return new Outcome(records, items, -1);
    }

    private static ItemResult elect(ElectionType type, TopicImage topic, PartitionState p, MetadataImage image,
                                    List<MetadataRecord> records) {
        String key = new TopicPartition(topic.name(), p.partition()).toString();
        return type == ElectionType.UNCLEAN ? unclean(key, topic, p, image, records)
                : preferred(key, topic, p, image, records);
    }

    private static ItemResult preferred(String key, TopicImage topic, PartitionState p, MetadataImage image,
                                        List<MetadataRecord> records) {
        int preferred = p.replicas().isEmpty() ? -1 : p.replicas().get(0);
        if (preferred == p.leader()) {
            return new ItemResult(key, Errors.ELECTION_NOT_NEEDED, null);
        }
        if (!p.isr().contains(preferred) || !PartitionChanges.unfenced(preferred, image, records)) {
            return new ItemResult(key, Errors.PREFERRED_LEADER_NOT_AVAILABLE, "Failed to elect leader for partition "
                    + key + " under strategy PreferredReplicaPartitionLeaderElectionStrategy: preferred replica "
                    + preferred + " is not an unfenced in-sync replica (ISR " + p.isr() + ").");
        }
        records.add(PartitionChanges.changed(topic.id(), p, p.replicas(), p.isr(), preferred));
        return ItemResult.ok(key);
    }

    private static ItemResult unclean(String key, TopicImage topic, PartitionState p, MetadataImage image,
                                      List<MetadataRecord> records) {
        if (p.leader() >= 0) {
            return new ItemResult(key, Errors.ELECTION_NOT_NEEDED, null);
        }
        int leader = PartitionChanges.firstUsable(p.replicas(), p.isr(), image, records);
        List<Integer> isr = p.isr();
        if (leader < 0) {
            leader = p.replicas().stream().filter(b -> PartitionChanges.unfenced(b, image, records)).findFirst()
                    .orElse(-1);
            isr = List.of(leader);
        }
        if (leader < 0) {
            return new ItemResult(key, Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, "Failed to elect leader for partition "
                    + key + " under strategy UncleanPartitionLeaderElectionStrategy: every replica "
                    + p.replicas() + " is fenced.");
        }
        records.add(PartitionChanges.changed(topic.id(), p, p.replicas(), isr, leader));
        return ItemResult.ok(key);
    }
}
