package io.skein.replication.api;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Every cluster fact as of one metadata log offset. Immutable and shared freely between threads;
 * a new image replaces the old one after each applied batch of records.
 */
public interface MetadataImage {

    /** The offset of the last metadata log entry applied; -1 for the empty image. */
    long offset();

    /** The cluster id, or null before the first controller wrote it. */
    String clusterId();

    /** The current Raft leader's node id, or -1 when unknown. */
    int controllerId();

    SortedMap<Integer, BrokerRegistration> brokers();

    Collection<TopicImage> topics();

    Optional<TopicImage> topic(String name);

    Optional<TopicImage> topic(Uuid id);

    Optional<PartitionState> partition(TopicPartition partition);

    /** The next producer id the controller will hand out. */
    long nextProducerId();

    /** SCRAM credentials: user → mechanism name → credential. */
    Map<String, Map<String, ScramCredentialInfo>> scramCredentials();

    /** ACL bindings by the id the controller gave each. */
    Map<Uuid, org.apache.kafka.common.acl.AclBinding> acls();

    /** Partition reassignments in progress (AlterPartitionReassignments), by partition. */
    Map<PartitionId, Reassignment> reassignments();

    /** A partition named by its topic's id. */
    record PartitionId(Uuid topicId, int partition) {
    }

    /**
     * A reassignment in progress (KIP-455): the partition's replicas are {@code target} followed by
     * the {@code original} replicas not in it, until every replica being added is in the ISR.
     *
     * @param target the replicas asked for, in the order asked
     * @param original the replicas before the reassignment, to revert to on cancel
     */
    record Reassignment(java.util.List<Integer> target, java.util.List<Integer> original) {

        /** Replicas being added: target minus original. */
        public java.util.List<Integer> adding() {
            return target.stream().filter(r -> !original.contains(r)).toList();
        }

        /** Replicas being removed: original minus target. */
        public java.util.List<Integer> removing() {
            return original.stream().filter(r -> !target.contains(r)).toList();
        }

        /** The replicas while in progress: target, then the original ones being removed. */
        public java.util.List<Integer> merged() {
            java.util.List<Integer> merged = new java.util.ArrayList<>(target);
            merged.addAll(removing());
            return java.util.List.copyOf(merged);
        }
    }

    /** A stored SCRAM credential (salted; the password itself is never stored). */
    record ScramCredentialInfo(byte[] salt, byte[] storedKey, byte[] serverKey, int iterations) {
    }

    /** One registered broker. */
    record BrokerRegistration(int id, Uuid incarnationId, java.util.List<Endpoint> endpoints, String rack,
                              boolean fenced) {
    }

    /** One topic: its partitions (by partition index) and its config overrides. */
    record TopicImage(String name, Uuid id, SortedMap<Integer, PartitionState> partitions,
                      Map<String, String> configs) {
    }

    /** One partition's replica placement and leadership. */
    record PartitionState(int partition, java.util.List<Integer> replicas, java.util.List<Integer> isr,
                          int leader, int leaderEpoch, int partitionEpoch) {
    }
}
