package io.skein.replication.metadata;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.PartitionId;
import io.skein.replication.api.MetadataImage.Reassignment;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Partition reassignments in an image: replaying their records ({@link #apply}) and writing them
 * back as records for a snapshot ({@link #of}).
 *
 * <p>Stateless.
 */
final class ReassignmentRecords {

    private static final Comparator<PartitionId> ORDER = Comparator
            .comparing((PartitionId p) -> p.topicId().toString()).thenComparingInt(PartitionId::partition);

    private ReassignmentRecords() {
    }

    /** Appends one {@link MetadataRecord.Reassignment} per reassignment in progress, in a fixed order. */
    static void of(MetadataImage image, List<MetadataRecord> records) {
        image.reassignments().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(ORDER))
                .forEach(e -> records.add(new MetadataRecord.Reassignment(e.getKey().topicId(), e.getKey().partition(),
                        e.getValue().target(), e.getValue().original())));
    }

    /**
     * Applies a {@link MetadataRecord.Reassignment} or {@link MetadataRecord.ReassignmentEnded} to a
     * mutable copy of the reassignments (made by the caller on the first such record of a batch).
     */
    static void apply(MetadataRecord record, Map<PartitionId, Reassignment> reassignments) {
        if (record instanceof MetadataRecord.Reassignment r) {
            reassignments.put(new PartitionId(r.topicId(), r.partition()),
                    new Reassignment(List.copyOf(r.target()), List.copyOf(r.original())));
        } else if (record instanceof MetadataRecord.ReassignmentEnded r) {
            reassignments.remove(new PartitionId(r.topicId(), r.partition()));
        } else {
            throw new IllegalArgumentException("not a reassignment record: " + record);
        }
    }

    /** Drops the reassignments of a removed topic. */
    static void removeTopic(MetadataRecord.RemoveTopic r, Map<PartitionId, Reassignment> reassignments) {
        reassignments.keySet().removeIf(p -> p.topicId().equals(r.topicId()));
    }

    static Map<PartitionId, Reassignment> copy(Map<PartitionId, Reassignment> base) {
        return new HashMap<>(base);
    }
}
