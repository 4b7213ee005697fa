package io.skein.replication.controller;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.TopicImage;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Leader elections the controller makes when brokers come and go, clean only (the new leader is
 * always an unfenced member of the ISR, as with {@code unclean.leader.election.enable=false}):
 *
 * <ul>
 *   <li>{@link #moveOff}: a fenced broker leaves every ISR it is in, unless it is the last member
 *       (then it stays, so the partition can come back with it, and the partition has no leader);
 *       where it led, the first unfenced ISR member in replica order leads. A new leader bumps the
 *       leader epoch; every change bumps the partition epoch.</li>
 *   <li>{@link #electLeaderless}: a broker that is unfenced again leads the partitions that have no
 *       leader and whose ISR it is in.</li>
 * </ul>
 *
 * <p>The controller only ever takes brokers out of ISRs here. A broker that comes back rejoins the
 * ISRs it left through the partition leaders: once its follower has caught up, the leader asks for
 * it with AlterPartition ({@link IsrAlteration}), which admits only registered, unfenced brokers.
 *
 * <p>Stateless.
 */
final class LeaderElection {

    /** What {@link #moveOff} did. */
    record Moves(int moved, int leaderless) {
    }

    private LeaderElection() {
    }

    /** Appends the partition records that take {@code brokerId} out of leadership and ISRs. */
    static Moves moveOff(int brokerId, MetadataImage image, List<MetadataRecord> records) {
        int moved = 0;
        int leaderless = 0;
        for (TopicImage topic : image.topics()) {
            for (PartitionState p : topic.partitions().values()) {
                if (!p.isr().contains(brokerId) && p.leader() != brokerId) {
                    continue;
                }
                List<Integer> isr = new ArrayList<>(p.isr());
                isr.remove(Integer.valueOf(brokerId));
                if (isr.isEmpty()) {
                    isr.add(brokerId); // the last copy stays in the ISR: only it may lead again
                }
                int leader = p.leader();
                if (leader == brokerId) {
                    leader = firstUsable(p.replicas(), isr, brokerId, image);
                    if (leader >= 0) {
                        moved++;
                    } else {
                        leaderless++;
                    }
                }
                if (leader == p.leader() && isr.equals(p.isr())) {
                    continue;
                }
                records.add(PartitionChanges.changed(topic.id(), p, p.replicas(), List.copyOf(isr), leader));
                if (image.reassignments().containsKey(new MetadataImage.PartitionId(topic.id(), p.partition()))) {
                    ReassignmentProgress.completeIfCaughtUp(image, topic.id(), p.partition(), records);
                }
            }
        }
        return new Moves(moved, leaderless);
    }

    /** Appends the records that make {@code brokerId} lead its leaderless partitions; returns how many. */
    static int electLeaderless(int brokerId, MetadataImage image, List<MetadataRecord> records) {
        int elected = 0;
        for (TopicImage topic : image.topics()) {
            for (PartitionState p : topic.partitions().values()) {
                if (p.leader() >= 0 || !p.isr().contains(brokerId)) {
                    continue;
                }
                records.add(PartitionChanges.changed(topic.id(), p, p.replicas(), p.isr(), brokerId));
                elected++;
            }
        }
        return elected;
    }

    private static int firstUsable(List<Integer> replicas, List<Integer> isr, int excluded, MetadataImage image) {
        for (int replica : replicas) {
            BrokerRegistration b = image.brokers().get(replica);
            if (replica != excluded && isr.contains(replica) && b != null && !b.fenced()) {
                return replica;
            }
        }
        return -1;
    }
}
