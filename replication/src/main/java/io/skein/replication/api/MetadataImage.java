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
