package io.skein.coordinator.group;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * An immutable set of partitions, by topic id: what a consumer-protocol member owns, should own,
 * or must give up.
 */
final class Assignment {

    static final Assignment EMPTY = new Assignment(Map.of());

    private final Map<Uuid, Set<Integer>> partitions;

    private Assignment(Map<Uuid, Set<Integer>> partitions) {
        this.partitions = partitions;
    }

    static Assignment of(Map<Uuid, ? extends Set<Integer>> partitions) {
        Map<Uuid, Set<Integer>> copy = new TreeMap<>();
        partitions.forEach((topic, ps) -> {
            if (!ps.isEmpty()) {
                copy.put(topic, Collections.unmodifiableSet(new TreeSet<>(ps)));
            }
        });
        return copy.isEmpty() ? EMPTY : new Assignment(Collections.unmodifiableMap(copy));
    }

    Map<Uuid, Set<Integer>> partitions() {
        return partitions;
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    int size() {
        return partitions.values().stream().mapToInt(Set::size).sum();
    }

    boolean contains(Uuid topic, int partition) {
        Set<Integer> ps = partitions.get(topic);
        return ps != null && ps.contains(partition);
    }

    /** The partitions in this assignment and not in {@code other}. */
    Assignment minus(Assignment other) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        partitions.forEach((topic, ps) -> {
            Set<Integer> left = new TreeSet<>(ps);
            left.removeAll(other.partitions.getOrDefault(topic, Set.of()));
            out.put(topic, left);
        });
        return of(out);
    }

    /** The partitions in both. */
    Assignment intersect(Assignment other) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        partitions.forEach((topic, ps) -> {
            Set<Integer> both = new TreeSet<>(ps);
            both.retainAll(other.partitions.getOrDefault(topic, Set.of()));
            out.put(topic, both);
        });
        return of(out);
    }

    Assignment union(Assignment other) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        partitions.forEach((topic, ps) -> out.put(topic, new TreeSet<>(ps)));
        other.partitions.forEach((topic, ps) -> out.computeIfAbsent(topic, t -> new TreeSet<>()).addAll(ps));
        return of(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Assignment a && a.partitions.equals(partitions);
    }

    @Override
    public int hashCode() {
        return partitions.hashCode();
    }

    @Override
    public String toString() {
        return partitions.toString();
    }
}
