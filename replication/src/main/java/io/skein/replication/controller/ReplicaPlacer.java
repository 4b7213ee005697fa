package io.skein.replication.controller;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Places replicas round-robin over the unfenced brokers, starting at a random broker: replica
 * {@code i} of the {@code p}-th new partition goes to broker {@code (start + p + i) mod n} of a
 * list in id order, or, when brokers have different {@code broker.rack}s, of a list that takes one
 * broker from each rack in turn (racks by name, brokers by id), so a partition's replicas land in
 * as many racks as possible. The random start spreads leaders of many small topics over the
 * cluster. The placement is decided once, by the controller, and written into the partition
 * records; replay never recomputes it.
 *
 * <p>Threading: used by the controller's single computing thread; the {@link Random} is its.
 */
final class ReplicaPlacer {

    private final Random random;

    ReplicaPlacer(Random random) {
        this.random = random;
    }

    /** Unfenced brokers in id order, the candidates for new replicas. */
    static List<BrokerRegistration> usableBrokers(MetadataImage image) {
        return image.brokers().values().stream().filter(b -> !b.fenced()).toList();
    }

    /**
     * @param brokers at least {@code replicationFactor} of them
     * @return {@code partitions} replica lists; the first replica of each is its leader
     */
    List<List<Integer>> place(List<BrokerRegistration> brokers, int partitions, int replicationFactor) {
        int n = brokers.size();
        if (replicationFactor > n) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " > " + n + " brokers");
        }
        List<BrokerRegistration> order = rackAlternating(brokers);
        int start = random.nextInt(n);
        List<List<Integer>> placement = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            for (int i = 0; i < replicationFactor; i++) {
                replicas.add(order.get((start + p + i) % n).id());
            }
            placement.add(List.copyOf(replicas));
        }
        return List.copyOf(placement);
    }

    /** The brokers with racks interleaved: rack a, rack b, rack c, rack a, ...; unchanged with fewer than two racks. */
    static List<BrokerRegistration> rackAlternating(List<BrokerRegistration> brokers) {
        java.util.TreeMap<String, java.util.ArrayDeque<BrokerRegistration>> byRack = new java.util.TreeMap<>();
        brokers.stream().sorted(java.util.Comparator.comparingInt(BrokerRegistration::id)).forEach(b -> byRack
                .computeIfAbsent(b.rack() == null ? "" : b.rack(), r -> new java.util.ArrayDeque<>()).add(b));
        if (byRack.size() < 2) {
            return brokers;
        }
        List<BrokerRegistration> order = new ArrayList<>(brokers.size());
        while (order.size() < brokers.size()) {
            for (java.util.ArrayDeque<BrokerRegistration> rack : byRack.values()) {
                if (!rack.isEmpty()) {
                    order.add(rack.poll());
                }
            }
        }
        return order;
    }
}
