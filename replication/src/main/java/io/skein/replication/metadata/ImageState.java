package io.skein.replication.metadata;

import io.skein.replication.api.MetadataImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The immutable metadata image. {@link #replay} is the only way to a new state: it copies what
 * the records change and shares the rest. {@code version} counts applied record batches and is the
 * same on every replica; {@code offset} is the Raft log index last applied.
 */
public final class ImageState implements MetadataImage {

    private static final ImageState EMPTY = new ImageState(-1, 0, null, -1, Collections.emptySortedMap(), Map.of(),
            Map.of(), 0);

    private final long offset;
    private final long version;
    private final String clusterId;
    private final int controllerId;
    private final SortedMap<Integer, BrokerRegistration> brokers;
    private final Map<String, TopicImage> byName;
    private final Map<Uuid, TopicImage> byId;
    private final long nextProducerId;

    private ImageState(long offset, long version, String clusterId, int controllerId,
                       SortedMap<Integer, BrokerRegistration> brokers, Map<String, TopicImage> byName,
                       Map<Uuid, TopicImage> byId, long nextProducerId) {
        this.offset = offset;
        this.version = version;
        this.clusterId = clusterId;
        this.controllerId = controllerId;
        this.brokers = brokers;
        this.byName = byName;
        this.byId = byId;
        this.nextProducerId = nextProducerId;
    }

    public static ImageState empty() {
        return EMPTY;
    }

    /** Applies one entry's records; the version goes up by one. */
    public ImageState replay(List<MetadataRecord> records, long newOffset) {
        String cluster = clusterId;
        SortedMap<Integer, BrokerRegistration> newBrokers = brokers;
        Map<String, TopicImage> names = null;
        Map<Uuid, TopicImage> ids = null;
        long producerIds = nextProducerId;
        for (MetadataRecord record : records) {
            if (record instanceof MetadataRecord.ClusterId r) {
                cluster = r.clusterId();
            } else if (record instanceof MetadataRecord.RegisterBroker r) {
                TreeMap<Integer, BrokerRegistration> copy = new TreeMap<>(newBrokers);
                copy.put(r.brokerId(), new BrokerRegistration(r.brokerId(), r.incarnationId(), r.endpoints(), r.rack(),
                        false));
                newBrokers = Collections.unmodifiableSortedMap(copy);
            } else if (record instanceof MetadataRecord.ProducerIds r) {
                producerIds = Math.max(producerIds, r.nextProducerId());
            } else {
                if (names == null) {
                    names = new HashMap<>(byName);
                    ids = new HashMap<>(byId);
                }
                applyTopicRecord(record, names, ids);
            }
        }
        return new ImageState(newOffset, version + 1, cluster, controllerId, newBrokers,
                names == null ? byName : Collections.unmodifiableMap(names),
                ids == null ? byId : Collections.unmodifiableMap(ids), producerIds);
    }

    private static void applyTopicRecord(MetadataRecord record, Map<String, TopicImage> names, Map<Uuid, TopicImage> ids) {
        if (record instanceof MetadataRecord.Topic r) {
            TopicImage t = new TopicImage(r.name(), r.topicId(), Collections.emptySortedMap(), Map.of());
            names.put(r.name(), t);
            ids.put(r.topicId(), t);
        } else if (record instanceof MetadataRecord.Partition r) {
            TopicImage t = ids.get(r.topicId());
            if (t == null) {
                throw new IllegalStateException("partition record for unknown topic id " + r.topicId());
            }
            TreeMap<Integer, PartitionState> partitions = new TreeMap<>(t.partitions());
            partitions.put(r.partition(), new PartitionState(r.partition(), r.replicas(), r.isr(), r.leader(),
                    r.leaderEpoch(), r.partitionEpoch()));
            put(names, ids, new TopicImage(t.name(), t.id(), Collections.unmodifiableSortedMap(partitions), t.configs()));
        } else if (record instanceof MetadataRecord.Config r) {
            TopicImage t = ids.get(r.topicId());
            if (t == null) {
                throw new IllegalStateException("config record for unknown topic id " + r.topicId());
            }
            Map<String, String> configs = new LinkedHashMap<>(t.configs());
            if (r.value() == null) {
                configs.remove(r.key());
            } else {
                configs.put(r.key(), r.value());
            }
            put(names, ids, new TopicImage(t.name(), t.id(), t.partitions(), Collections.unmodifiableMap(configs)));
        } else if (record instanceof MetadataRecord.RemoveTopic r) {
            TopicImage t = ids.remove(r.topicId());
            if (t != null) {
                names.remove(t.name());
            }
        }
    }

    private static void put(Map<String, TopicImage> names, Map<Uuid, TopicImage> ids, TopicImage t) {
        names.put(t.name(), t);
        ids.put(t.id(), t);
    }

    /** The same state at a later log offset (an entry without records). */
    public ImageState atOffset(long newOffset) {
        return new ImageState(newOffset, version, clusterId, controllerId, brokers, byName, byId, nextProducerId);
    }

    /** The same state with another known controller. */
    public ImageState withController(int newControllerId) {
        return new ImageState(offset, version, clusterId, newControllerId, brokers, byName, byId, nextProducerId);
    }

    public long version() {
        return version;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public String clusterId() {
        return clusterId;
    }

    @Override
    public int controllerId() {
        return controllerId;
    }

    @Override
    public SortedMap<Integer, BrokerRegistration> brokers() {
        return brokers;
    }

    @Override
    public Collection<TopicImage> topics() {
        List<TopicImage> list = new ArrayList<>(byName.values());
        list.sort((a, b) -> a.name().compareTo(b.name()));
        return list;
    }

    @Override
    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public Optional<TopicImage> topic(Uuid id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<PartitionState> partition(TopicPartition partition) {
        TopicImage t = byName.get(partition.topic());
        return t == null ? Optional.empty() : Optional.ofNullable(t.partitions().get(partition.partition()));
    }

    @Override
    public long nextProducerId() {
        return nextProducerId;
    }
}
