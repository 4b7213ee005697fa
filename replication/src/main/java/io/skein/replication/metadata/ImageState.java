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
 * Everything else is {@link Facts}, what the records build, held in one record so that an image
 * at another offset, with another controller or restored from a snapshot passes them on whole.
 *
 * <p>Threading: immutable, shared freely.
 */
public final class ImageState implements MetadataImage {

    /** The replicated facts of an image: what its records build, with unmodifiable collections. */
    record Facts(String clusterId, SortedMap<Integer, BrokerRegistration> brokers, Map<String, TopicImage> byName,
                 Map<Uuid, TopicImage> byId, long nextProducerId, Map<String, Map<String, ScramCredentialInfo>> scram,
                 Map<Uuid, AclBinding> acls, Map<PartitionId, Reassignment> reassignments) {
    }

    private static final ImageState EMPTY = new ImageState(-1, 0, -1, new Facts(null, Collections.emptySortedMap(),
            Map.of(), Map.of(), 0, Map.of(), Map.of(), Map.of()));

    private final long offset;
    private final long version;
    private final int controllerId;
    private final Facts facts;

    ImageState(long offset, long version, int controllerId, Facts facts) {
        this.offset = offset;
        this.version = version;
        this.controllerId = controllerId;
        this.facts = facts;
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
        return new ImageState(offset, version, -1, EMPTY.replay(records, offset).facts);
    }

    /** The same facts at a later log offset (an entry that changed nothing). */
    public ImageState atOffset(long newOffset) {
        return new ImageState(newOffset, version, controllerId, facts);
    }

    /** The same facts with another known controller. */
    public ImageState withController(int newControllerId) {
        return new ImageState(offset, version, newControllerId, facts);
    }

    /** The number of record batches applied to reach this image. */
    public long version() {
        return version;
    }

    Map<String, TopicImage> byName() {
        return facts.byName();
    }

    Map<Uuid, TopicImage> byId() {
        return facts.byId();
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public String clusterId() {
        return facts.clusterId();
    }

    @Override
    public int controllerId() {
        return controllerId;
    }

    @Override
    public SortedMap<Integer, BrokerRegistration> brokers() {
        return facts.brokers();
    }

    /** All topics, sorted by name (a fresh list per call). */
    @Override
    public Collection<TopicImage> topics() {
        List<TopicImage> list = new ArrayList<>(facts.byName().values());
        list.sort(Comparator.comparing(TopicImage::name));
        return Collections.unmodifiableList(list);
    }

    @Override
    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(facts.byName().get(name));
    }

    @Override
    public Optional<TopicImage> topic(Uuid id) {
        return Optional.ofNullable(facts.byId().get(id));
    }

    @Override
    public Optional<PartitionState> partition(TopicPartition partition) {
        TopicImage t = facts.byName().get(partition.topic());
        return t == null ? Optional.empty() : Optional.ofNullable(t.partitions().get(partition.partition()));
    }

    @Override
    public long nextProducerId() {
        return facts.nextProducerId();
    }

    @Override
    public Map<String, Map<String, ScramCredentialInfo>> scramCredentials() {
        return facts.scram();
    }

    @Override
    public Map<Uuid, AclBinding> acls() {
        return facts.acls();
    }

    @Override
    public Map<PartitionId, Reassignment> reassignments() {
        return facts.reassignments();
    }

    @Override
    public String toString() {
        return "MetadataImage(offset=" + offset + ", version=" + version + ", clusterId=" + facts.clusterId()
                + ", controller=" + controllerId + ", brokers=" + facts.brokers().keySet() + ", topics="
                + facts.byName().size() + ")";
    }
}
