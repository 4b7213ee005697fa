package io.skein.replication.controller;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.metadata.MetadataRecord;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * Small rules shared by the cluster operations (elections, reassignments, ISR changes): who may
 * lead, how a change moves a partition's epochs, and list arithmetic on replica lists that keeps
 * their order.
 *
 * <p>Stateless.
 */
final class PartitionChanges {

    private PartitionChanges() {
    }

    /**
     * Whether a broker is registered and unfenced, counting registrations already among
     * {@code pending} (records of the same command, not yet in the image).
     */
    static boolean unfenced(int brokerId, MetadataImage image, List<MetadataRecord> pending) {
        for (int i = pending.size() - 1; i >= 0; i--) {
            if (pending.get(i) instanceof MetadataRecord.RegisterBroker r && r.brokerId() == brokerId) {
                return !r.fenced();
            }
        }
        BrokerRegistration b = image.brokers().get(brokerId);
        return b != null && !b.fenced();
    }

    /**
     * The partition record that changes {@code p} to these replicas, ISR and leader: every change
     * bumps the partition epoch, a new leader (including none) also bumps the leader epoch.
     */
    static MetadataRecord.Partition changed(Uuid topicId, PartitionState p, List<Integer> replicas,
                                            List<Integer> isr, int leader) {
        return new MetadataRecord.Partition(topicId, p.partition(), replicas, isr, leader,
                leader == p.leader() ? p.leaderEpoch() : p.leaderEpoch() + 1, p.partitionEpoch() + 1);
    }

    /** The first of {@code candidates}, in order, that is in the ISR and unfenced; -1 if none. */
    static int firstUsable(List<Integer> candidates, List<Integer> isr, MetadataImage image,
                           List<MetadataRecord> pending) {
        for (int replica : candidates) {
            if (isr.contains(replica) && unfenced(replica, image, pending)) {
                return replica;
            }
        }
        return -1;
    }

    /** The members of {@code list} that are in {@code keep}, in {@code list}'s order. */
    static List<Integer> retain(List<Integer> list, Collection<Integer> keep) {
        return list.stream().filter(keep::contains).toList();
    }

    /** The members of {@code list} that are not in {@code drop}, in {@code list}'s order. */
    static List<Integer> without(List<Integer> list, Collection<Integer> drop) {
        return list.stream().filter(b -> !drop.contains(b)).toList();
    }
}
