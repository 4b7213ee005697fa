package io.skein.coordinator.group;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Offset commits appended to the shard's log but not yet known to be committed (below the high
 * watermark), and what OffsetFetch shows for their partitions meanwhile: the offset committed
 * before, so a read never exposes a commit that a leader change could still lose. The
 * {@link OffsetStore} holds the newest value (what a reload of this leader's log would find); a
 * partition leaves this view when its latest write commits. A write that never commits is kept
 * here until the shard closes (this node stops leading the partition, and the next leader reads
 * its own log).
 *
 * <p>Threading: guarded by the owning {@link GroupShard}'s lock.
 */
final class UnreplicatedOffsets {

    private record Key(String group, TopicPartition tp) {
    }

    /** The value to show, and the newest write of the partition still waiting. */
    private static final class Waiting {
        CommittedOffset visible;
        long latestWrite;
    }

    private final Map<Key, Waiting> waiting = new HashMap<>();
    private long nextWrite;

    /**
     * A commit of {@code partitions} is about to be applied to {@code store}: called before the
     * store changes, so the current values become what reads show.
     *
     * @return the id of this write, for {@link #committed}
     */
    long appending(String group, Collection<TopicPartition> partitions, OffsetStore store) {
        long id = ++nextWrite;
        for (TopicPartition tp : partitions) {
            Waiting w = waiting.computeIfAbsent(new Key(group, tp), k -> {
                Waiting fresh = new Waiting();
                fresh.visible = store.get(group, tp);
                return fresh;
            });
            w.latestWrite = id;
        }
        return id;
    }

    /** Write {@code id} is below the high watermark: its values are visible (and so are earlier ones). */
    void committed(long id, String group, Map<TopicPartition, CommittedOffset> values) {
        values.forEach((tp, value) -> {
            Key key = new Key(group, tp);
            Waiting w = waiting.get(key);
            if (w == null || w.latestWrite < id) {
                if (w != null) {
                    w.visible = value; // a later write of this partition still waits
                }
                return;
            }
            waiting.remove(key);
        });
    }

    /** The group's offsets as reads see them: {@code all} with the partitions still waiting shown as before. */
    Map<TopicPartition, CommittedOffset> visible(String group, Map<TopicPartition, CommittedOffset> all) {
        if (waiting.isEmpty()) {
            return all;
        }
        Map<TopicPartition, CommittedOffset> out = new LinkedHashMap<>();
        all.forEach((tp, value) -> {
            Waiting w = waiting.get(new Key(group, tp));
            CommittedOffset shown = w == null ? value : w.visible;
            if (shown != null) {
                out.put(tp, shown);
            }
        });
        return out;
    }
}
