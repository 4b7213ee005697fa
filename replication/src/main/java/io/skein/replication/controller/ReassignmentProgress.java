package io.skein.replication.controller;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.PartitionId;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.Reassignment;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * Completes a partition reassignment once it has caught up (KIP-455): when every replica being
 * added is in the ISR, the replicas become the target, the replicas being removed leave the ISR,
 * and a leader being removed hands over to the first unfenced in-sync target replica (new leader
 * epoch). A reassignment whose completion would leave no in-sync replica, or no replica able to
 * lead, waits for the next ISR or broker change.
 *
 * <p>Every command that changes an ISR, a leader or a broker's fencing calls
 * {@link #completeIfCaughtUp} (or {@link #completeAllCaughtUp}) after appending its own records,
 * so the check sees the state the batch leads to: today {@link LeaderElection},
 * {@link BrokerLifecycle} and {@link PartitionReassignment}; AlterPartition (ISR changes sent by
 * partition leaders) must call it too.
 *
 * <p>Stateless.
 */
final class ReassignmentProgress {

    private ReassignmentProgress() {
    }

    /**
     * Completes the partition's reassignment if it has caught up, as of the image plus the
     * {@code records} already computed for the same log entry. The completed state replaces the
     * partition's last record in {@code records} (keeping its epochs where that record already
     * bumped them, since the intermediate state is never published) or is appended, followed by a
     * {@link MetadataRecord.ReassignmentEnded}.
     *
     * <p>Cost: one scan of {@code records}; callers looping over many partitions skip those
     * without a reassignment in {@code image.reassignments()}.
     *
     * @return the partition's final record when the reassignment completed, else null
     */
    static MetadataRecord.Partition completeIfCaughtUp(MetadataImage image, Uuid topicId, int partition,
                                                      List<MetadataRecord> records) {
        Reassignment reassignment = pendingReassignment(image, topicId, partition, records);
        if (reassignment == null) {
            return null;
        }
        PartitionState base = image.topic(topicId).map(t -> t.partitions().get(partition)).orElse(null);
        int index = lastPartitionRecord(records, topicId, partition);
        MetadataRecord.Partition current = index >= 0 ? (MetadataRecord.Partition) records.get(index)
                : base == null ? null : new MetadataRecord.Partition(topicId, partition, base.replicas(), base.isr(),
                base.leader(), base.leaderEpoch(), base.partitionEpoch());
        if (current == null || !current.isr().containsAll(reassignment.adding())) {
            return null;
        }
        List<Integer> isr = PartitionChanges.without(current.isr(), reassignment.removing());
        if (isr.isEmpty()) {
            return null;
        }
        int leader = current.leader();
        if (!reassignment.target().contains(leader) || !isr.contains(leader)) {
            leader = PartitionChanges.firstUsable(reassignment.target(), isr, image, records);
            if (leader < 0) {
                return null; // the old leader keeps leading until a target replica can take over
            }
        }
        boolean pending = index >= 0;
        boolean leaderEpochBumped = pending && base != null && current.leaderEpoch() > base.leaderEpoch();
        int leaderEpoch = leader == current.leader() || leaderEpochBumped ? current.leaderEpoch()
                : current.leaderEpoch() + 1;
        int partitionEpoch = pending ? current.partitionEpoch() : current.partitionEpoch() + 1;
        MetadataRecord.Partition done = new MetadataRecord.Partition(topicId, partition,
                List.copyOf(reassignment.target()), isr, leader, leaderEpoch, partitionEpoch);
        if (pending) {
            records.set(index, done);
        } else {
            records.add(done);
        }
        records.add(new MetadataRecord.ReassignmentEnded(topicId, partition));
        return done;
    }

    /**
     * {@link #completeIfCaughtUp} for every reassignment in the image (after a broker was unfenced
     * or registered: it may be the replica a removed leader was waiting for); returns how many completed.
     */
    static int completeAllCaughtUp(MetadataImage image, List<MetadataRecord> records) {
        int completed = 0;
        for (PartitionId id : new ArrayList<>(image.reassignments().keySet())) {
            if (completeIfCaughtUp(image, id.topicId(), id.partition(), records) != null) {
                completed++;
            }
        }
        return completed;
    }

    /** The reassignment as of the image plus the pending records; null when none is in progress. */
    private static Reassignment pendingReassignment(MetadataImage image, Uuid topicId, int partition,
                                                    List<MetadataRecord> records) {
        for (int i = records.size() - 1; i >= 0; i--) {
            MetadataRecord r = records.get(i);
            if (r instanceof MetadataRecord.Reassignment started && started.topicId().equals(topicId)
                    && started.partition() == partition) {
                return new Reassignment(started.target(), started.original());
            }
            if (r instanceof MetadataRecord.ReassignmentEnded ended && ended.topicId().equals(topicId)
                    && ended.partition() == partition) {
                return null;
            }
            if (r instanceof MetadataRecord.RemoveTopic removed && removed.topicId().equals(topicId)) {
                return null;
            }
        }
        return image.reassignments().get(new PartitionId(topicId, partition));
    }

    private static int lastPartitionRecord(List<MetadataRecord> records, Uuid topicId, int partition) {
        for (int i = records.size() - 1; i >= 0; i--) {
            if (records.get(i) instanceof MetadataRecord.Partition p && p.topicId().equals(topicId)
                    && p.partition() == partition) {
                return i;
            }
        }
        return -1;
    }
}
