package io.skein.replication.metadata;

import io.skein.replication.api.Endpoint;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;

/** One fact in the metadata log. Replaying the records in log order rebuilds the image. */
public sealed interface MetadataRecord {

    /** Written once, by the first controller to lead. */
    record ClusterId(String clusterId) implements MetadataRecord {
    }

    /** A broker (re)registered; a later registration of the same id replaces the earlier one. */
    record RegisterBroker(int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack, boolean fenced)
            implements MetadataRecord {
    }

    record Topic(String name, Uuid topicId) implements MetadataRecord {
    }

    /** A partition's full state; a later record for the same partition replaces it. */
    record Partition(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr, int leader,
                     int leaderEpoch, int partitionEpoch) implements MetadataRecord {
    }

    /** A topic config set (value not null) or removed (value null). */
    record Config(Uuid topicId, String key, String value) implements MetadataRecord {
    }

    record RemoveTopic(Uuid topicId) implements MetadataRecord {
    }

    /**
     * A user's SCRAM credential for one mechanism (SCRAM-SHA-256 or SCRAM-SHA-512), as Kafka
     * stores it: salt, stored key, server key and iteration count, never the password. A later
     * record for the same user and mechanism replaces it.
     */
    record ScramCredential(String user, String mechanism, byte[] salt, byte[] storedKey, byte[] serverKey,
                           int iterations) implements MetadataRecord {
    }

    /** A user's SCRAM credential for one mechanism was deleted. */
    record RemoveScramCredential(String user, String mechanism) implements MetadataRecord {
    }

    /**
     * An access control entry (ACL binding) with the id the controller gave it. Stored as Kafka's
     * {@link AclBinding}: resource type, name and pattern type, principal, host, operation and
     * permission. Ids never repeat, so a removal names exactly one entry.
     */
    record AccessControlEntry(Uuid id, AclBinding binding) implements MetadataRecord {
    }

    /** The access control entry with this id was deleted. */
    record RemoveAccessControlEntry(Uuid id) implements MetadataRecord {
    }

    /** Producer ids below {@code nextProducerId} are handed out (the last block went to {@code brokerId}). */
    record ProducerIds(int brokerId, long nextProducerId) implements MetadataRecord {
    }

    /**
     * A reassignment of a partition started (or was replaced by a new target); the partition's
     * replicas are written by a {@link Partition} record of the same entry.
     */
    record Reassignment(Uuid topicId, int partition, List<Integer> target, List<Integer> original)
            implements MetadataRecord {
    }

    /** The partition's reassignment completed or was cancelled. */
    record ReassignmentEnded(Uuid topicId, int partition) implements MetadataRecord {
    }
}
