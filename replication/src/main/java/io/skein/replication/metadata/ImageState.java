package io.skein.replication.metadata;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.ScramCredentialInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;

/**
 * The immutable {@link MetadataImage}. {@link #replay} is the only way to a new state: it copies
 * what a batch of records changes and shares the rest with the previous image. Topics are indexed
 * by name and by id (hash maps, O(1) lookups); ACL bindings by their id.
 *
 * <p>{@link #version()} counts the record batches applied and is the same on every replica that
 * applied the same log; the controller's compare-and-set on log entries is keyed on it.
 * {@link #offset()} is the last metadata log index applied, including entries without records.
 * {@link #controllerId()} is local knowledge (who this node thinks leads), not replicated state.
 *
 * <p>Threading: immutable, shared freely.
 */
public final class ImageState implements MetadataImage {

    private static final ImageState EMPTY = new ImageState(-1, 0, null, -1, Collections.emptySortedMap(), Map.of(),
            Map.of(), 0, Map.of(), Map.of(), Map.of());

    private final long offset;
    private final long version;
    private final String clusterId;
    private final int controllerId;
    private final SortedMap<Integer, BrokerRegistration> brokers;
    private final Map<String, TopicImage> byName;
    private final Map<Uuid, TopicImage> byId;
    private final long nextProducerId;
    private final Map<String, Map<String, ScramCredentialInfo>> scram;
    private final Map<Uuid, AclBinding> acls;
    private final Map<PartitionId, Reassignment> reassignments;

    ImageState(long offset, long version, String clusterId, int controllerId,
               SortedMap<Integer, BrokerRegistration> brokers, Map<String, TopicImage> byName,
               Map<Uuid, TopicImage> byId, long nextProducerId, Map<String, Map<String, ScramCredentialInfo>> scram,
               Map<Uuid, AclBinding> acls, Map<PartitionId, Reassignment> reassignments) {
        this.offset = offset;
        this.version = version;
        this.clusterId = clusterId;
        this.controllerId = controllerId;
        this.brokers = brokers;
        this.byName = byName;
        this.byId = byId;
        this.nextProducerId = nextProducerId;
        this.scram = scram;
        this.acls = acls;
        this.reassignments = reassignments;
    }

    /** The image before any record: offset -1, version 0, no cluster id, no controller known. */
    public static ImageState empty() {
        return EMPTY;
    }

    /**
     * Applies one log entry's records.
     *
     * @return the next image: at {@code newOffset}, version one higher
     * @throws MetadataCorruptionException when a record names a topic the image does not have
     */
    public ImageState replay(List<MetadataRecord> records, long newOffset) {
        ImageDelta delta = new ImageDelta(this);
        records.forEach(delta::apply);
        return delta.build(newOffset);
    }

    /**
     * The image a snapshot describes: its records replayed on the empty image, at the snapshot's
     * offset and version (not the version replaying them would count).
     */
    static ImageState restored(List<MetadataRecord> records, long offset, long version) {
        ImageState replayed = EMPTY.replay(records, offset);
        return new ImageState(offset, version, replayed.clusterId, -1, replayed.brokers, replayed.byName,
                replayed.byId, replayed.nextProducerId, replayed.scram, replayed.acls, replayed.reassignments);
    }

    /** The same facts at a later log offset (an entry that changed nothing). */
    public ImageState atOffset(long newOffset) {
        return new ImageState(newOffset, version, clusterId, controllerId, brokers, byName, byId, nextProducerId,
                scram, acls, reassignments);
    }

    /** The same facts with another known controller. */
    public ImageState withController(int newControllerId) {
        return new ImageState(offset, version, clusterId, newControllerId, brokers, byName, byId, nextProducerId,
                scram, acls, reassignments);
    }

    /** The number of record batches applied to reach this image. */
    public long version() {
        return version;
    }

    Map<String, TopicImage> byName() {
        return byName;
    }

    Map<Uuid, TopicImage> byId() {
        return byId;
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

    /** All topics, sorted by name (a fresh list per call). */
    @Override
    public Collection<TopicImage> topics() {
        List<TopicImage> list = new ArrayList<>(byName.values());
        list.sort(Comparator.comparing(TopicImage::name));
        return Collections.unmodifiableList(list);
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

    @Override
    public Map<String, Map<String, ScramCredentialInfo>> scramCredentials() {
        return scram;
    }

    @Override
    public Map<Uuid, AclBinding> acls() {
        return acls;
    }

    @Override
    public Map<PartitionId, Reassignment> reassignments() {
        return reassignments;
    }

    @Override
    public String toString() {
        return "MetadataImage(offset=" + offset + ", version=" + version + ", clusterId=" + clusterId
                + ", controller=" + controllerId + ", brokers=" + brokers.keySet() + ", topics=" + byName.size() + ")";
    }
}
