package io.skein.coordinator.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The server-side assignors of consumer-protocol groups, by the names clients ask for in
 * {@code group.remote.assignor}: {@code uniform} (balanced and sticky: members keep what they had
 * up to their fair share) and {@code range} (per topic, contiguous ranges in member order, so
 * co-partitioned topics line up).
 */
final class ServerAssignors {

    static final String UNIFORM = "uniform";
    static final String RANGE = "range";
    static final List<String> NAMES = List.of(UNIFORM, RANGE);

    /** A member as the assignor sees it. */
    record MemberSpec(String memberId, Set<String> topics, Assignment previous) {
    }

    private ServerAssignors() {
    }

    static boolean isKnown(String name) {
        return NAMES.contains(name);
    }

    /** Computes the target assignment of every member. */
    static Map<String, Assignment> assign(String assignor, List<MemberSpec> members,
                                          Map<String, TopicsView.TopicInfo> topics) {
        return RANGE.equals(assignor) ? range(members, topics) : uniform(members, topics);
    }

    private static Map<String, Assignment> range(List<MemberSpec> members, Map<String, TopicsView.TopicInfo> topics) {
        Map<String, Map<Uuid, Set<Integer>>> out = new HashMap<>();
        for (TopicsView.TopicInfo topic : topics.values()) {
            List<String> subscribers = members.stream().filter(m -> m.topics().contains(topic.name()))
                    .map(MemberSpec::memberId).sorted().toList();
            if (subscribers.isEmpty()) {
                continue;
            }
            int per = topic.partitions() / subscribers.size();
            int extra = topic.partitions() % subscribers.size();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int count = per + (i < extra ? 1 : 0);
                Set<Integer> ps = new TreeSet<>();
                for (int p = next; p < next + count; p++) {
                    ps.add(p);
                }
                next += count;
                out.computeIfAbsent(subscribers.get(i), m -> new HashMap<>()).put(topic.id(), ps);
            }
        }
        return finish(members, out);
    }

    /**
     * Balanced and sticky: every member first keeps the partitions it had that it still
     * subscribes to, up to its quota; the rest go one at a time to the eligible member with the
     * fewest partitions.
     */
    private static Map<String, Assignment> uniform(List<MemberSpec> members, Map<String, TopicsView.TopicInfo> topics) {
        List<MemberSpec> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(MemberSpec::memberId));
        Map<String, Map<Uuid, Set<Integer>>> out = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        sorted.forEach(m -> counts.put(m.memberId(), 0));
        Map<Uuid, TopicsView.TopicInfo> byId = new HashMap<>();
        topics.values().forEach(t -> byId.put(t.id(), t));
        int total = 0;
        for (TopicsView.TopicInfo t : topics.values()) {
            if (sorted.stream().anyMatch(m -> m.topics().contains(t.name()))) {
                total += t.partitions();
            }
        }
        int floor = sorted.isEmpty() ? 0 : total / sorted.size();
        int[] extraSlots = {sorted.isEmpty() ? 0 : total % sorted.size()};
        Set<String> taken = new TreeSet<>();
        // keep up to the fair share; a member with more keeps one extra while extra slots remain
        for (int round = 0; round < 2; round++) {
            for (MemberSpec m : sorted) {
                int limit = round == 0 ? floor : floor + 1;
                boolean[] usedExtra = {false};
                m.previous().partitions().forEach((topicId, ps) -> {
                    TopicsView.TopicInfo t = byId.get(topicId);
                    if (t == null || !m.topics().contains(t.name())) {
                        return;
                    }
                    for (int p : ps) {
                        if (p >= t.partitions() || counts.get(m.memberId()) >= limit || taken.contains(topicId + "-" + p)) {
                            continue;
                        }
                        if (limit > floor) {
                            if (usedExtra[0] || extraSlots[0] == 0) {
                                continue;
                            }
                            usedExtra[0] = true;
                            extraSlots[0]--;
                        }
                        taken.add(topicId + "-" + p);
                        out.computeIfAbsent(m.memberId(), x -> new HashMap<>())
                                .computeIfAbsent(topicId, x -> new TreeSet<>()).add(p);
                        counts.merge(m.memberId(), 1, Integer::sum);
                    }
                });
            }
        }
        Map<String, TopicsView.TopicInfo> ordered = new TreeMap<>(topics);
        for (TopicsView.TopicInfo t : ordered.values()) {
            for (int p = 0; p < t.partitions(); p++) {
                if (taken.contains(t.id() + "-" + p)) {
                    continue;
                }
                MemberSpec best = null;
                for (MemberSpec m : sorted) {
                    if (m.topics().contains(t.name())
                            && (best == null || counts.get(m.memberId()) < counts.get(best.memberId()))) {
                        best = m;
                    }
                }
                if (best != null) {
                    out.computeIfAbsent(best.memberId(), x -> new HashMap<>())
                            .computeIfAbsent(t.id(), x -> new TreeSet<>()).add(p);
                    counts.merge(best.memberId(), 1, Integer::sum);
                }
            }
        }
        return finish(members, out);
    }

    private static Map<String, Assignment> finish(List<MemberSpec> members, Map<String, Map<Uuid, Set<Integer>>> raw) {
        Map<String, Assignment> out = new HashMap<>();
        for (MemberSpec m : members) {
            out.put(m.memberId(), Assignment.of(raw.getOrDefault(m.memberId(), Map.of())));
        }
        return out;
    }
}
