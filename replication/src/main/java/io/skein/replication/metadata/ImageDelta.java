package io.skein.replication.metadata;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.TopicImage;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;

/**
 * The changes one batch of records makes to an {@link ImageState}, collected in mutable copies that
 * are made only for what the batch touches, then frozen into the next image. Copying a topic's
 * partition map once per batch (not once per record) keeps creating a topic with many partitions
 * linear.
 *
 * <p>Threading: confined to the thread running {@link ImageState#replay}; never escapes it.
 */
final class ImageDelta {

    private final ImageState base;
    private String clusterId;
    private long nextProducerId;
    private TreeMap<Integer, BrokerRegistration> brokers;
    private Map<String, TopicImage> byName;
    private Map<Uuid, TopicImage> byId;
    private Map<String, Map<String, MetadataImage.ScramCredentialInfo>> scram;
    private Map<Uuid, AclBinding> acls;
    private Map<MetadataImage.PartitionId, MetadataImage.Reassignment> reassignments;
    /** Topics changed by this batch, by id, with their partitions and configs still mutable. */
    private final Map<Uuid, MutableTopic> touched = new LinkedHashMap<>();

    private static final class MutableTopic {
        final String name;
        final TreeMap<Integer, PartitionState> partitions;
        final Map<String, String> configs;

        MutableTopic(TopicImage t) {
            this.name = t.name();
            this.partitions = new TreeMap<>(t.partitions());
            this.configs = new LinkedHashMap<>(t.configs());
        }
    }

    ImageDelta(ImageState base) {
        this.base = base;
        this.clusterId = base.clusterId();
        this.nextProducerId = base.nextProducerId();
    }

    void apply(MetadataRecord record) {
        if (record instanceof MetadataRecord.ClusterId r) {
            clusterId = r.clusterId();
        } else if (record instanceof MetadataRecord.RegisterBroker r) {
            if (brokers == null) {
                brokers = new TreeMap<>(base.brokers());
            }
            brokers.put(r.brokerId(), new BrokerRegistration(r.brokerId(), r.incarnationId(), r.endpoints(), r.rack(),
                    r.fenced()));
        } else if (record instanceof MetadataRecord.ProducerIds r) {
            nextProducerId = Math.max(nextProducerId, r.nextProducerId());
        } else if (record instanceof MetadataRecord.Topic r) {
            topics();
            TopicImage created = new TopicImage(r.name(), r.topicId(), Collections.emptySortedMap(), Map.of());
            byName.put(r.name(), created);
            byId.put(r.topicId(), created);
            touched.put(r.topicId(), new MutableTopic(created));
        } else if (record instanceof MetadataRecord.Partition r) {
            topic(r.topicId(), record).partitions.put(r.partition(), new PartitionState(r.partition(), r.replicas(),
                    r.isr(), r.leader(), r.leaderEpoch(), r.partitionEpoch()));
        } else if (record instanceof MetadataRecord.Config r) {
            MutableTopic t = topic(r.topicId(), record);
            if (r.value() == null) {
                t.configs.remove(r.key());
            } else {
                t.configs.put(r.key(), r.value());
            }
        } else if (record instanceof MetadataRecord.ScramCredential r) {
            scram();
            Map<String, MetadataImage.ScramCredentialInfo> mechanisms = new HashMap<>(scram.getOrDefault(r.user(), Map.of()));
            mechanisms.put(r.mechanism(), new MetadataImage.ScramCredentialInfo(r.salt(), r.storedKey(), r.serverKey(),
                    r.iterations()));
            scram.put(r.user(), Map.copyOf(mechanisms));
        } else if (record instanceof MetadataRecord.RemoveScramCredential r) {
            scram();
            Map<String, MetadataImage.ScramCredentialInfo> mechanisms = new HashMap<>(scram.getOrDefault(r.user(), Map.of()));
            mechanisms.remove(r.mechanism());
            if (mechanisms.isEmpty()) {
                scram.remove(r.user());
            } else {
                scram.put(r.user(), Map.copyOf(mechanisms));
            }
        } else if (record instanceof MetadataRecord.AccessControlEntry r) {
            acls();
            acls.put(r.id(), r.binding());
        } else if (record instanceof MetadataRecord.RemoveAccessControlEntry r) {
            acls();
            acls.remove(r.id());
        } else if (record instanceof MetadataRecord.Reassignment
                || record instanceof MetadataRecord.ReassignmentEnded) {
            ReassignmentRecords.apply(record, reassignments());
        } else if (record instanceof MetadataRecord.RemoveTopic r) {
            ReassignmentRecords.removeTopic(r, reassignments());
            topics();
            TopicImage removed = byId.remove(r.topicId());
            if (removed != null) {
                byName.remove(removed.name());
            }
            touched.remove(r.topicId());
        } else {
            throw new IllegalArgumentException("unknown metadata record " + record);
        }
    }

    private void scram() {
        if (scram == null) {
            scram = new HashMap<>(base.scramCredentials());
        }
    }

    private Map<MetadataImage.PartitionId, MetadataImage.Reassignment> reassignments() {
        if (reassignments == null) {
            reassignments = ReassignmentRecords.copy(base.reassignments());
        }
        return reassignments;
    }

    private void acls() {
        if (acls == null) {
            acls = new HashMap<>(base.acls());
        }
    }

    private void topics() {
        if (byName == null) {
            byName = new HashMap<>(base.byName());
            byId = new HashMap<>(base.byId());
        }
    }

    private MutableTopic topic(Uuid id, MetadataRecord record) {
        topics();
        MutableTopic t = touched.get(id);
        if (t == null) {
            TopicImage existing = byId.get(id);
            if (existing == null) {
                // The controller only writes records for topics it sees in the image it computed
                // against, and entries apply in log order, so this is a corrupt log.
                throw new MetadataCorruptionException("record " + record + " names unknown topic id " + id);
            }
            t = new MutableTopic(existing);
            touched.put(id, t);
        }
        return t;
    }

    ImageState build(long offset) {
        for (Map.Entry<Uuid, MutableTopic> e : touched.entrySet()) {
            MutableTopic t = e.getValue();
            SortedMap<Integer, PartitionState> partitions = Collections.unmodifiableSortedMap(t.partitions);
            TopicImage frozen = new TopicImage(t.name, e.getKey(), partitions, Collections.unmodifiableMap(t.configs));
            byName.put(t.name, frozen);
            byId.put(e.getKey(), frozen);
        }
        return new ImageState(offset, base.version() + 1, base.controllerId(), new ImageState.Facts(clusterId,
                brokers == null ? base.brokers() : Collections.unmodifiableSortedMap(brokers),
                byName == null ? base.byName() : Collections.unmodifiableMap(byName),
                byId == null ? base.byId() : Collections.unmodifiableMap(byId),
                nextProducerId, scram == null ? base.scramCredentials() : Map.copyOf(scram),
                acls == null ? base.acls() : Collections.unmodifiableMap(acls),
                reassignments == null ? base.reassignments() : Collections.unmodifiableMap(reassignments)));
    }
}
