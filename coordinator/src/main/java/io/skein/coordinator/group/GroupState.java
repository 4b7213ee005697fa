package io.skein.coordinator.group;

import java.util.Locale;

/** The states of a classic group, with the names Kafka's tools print. */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String displayName;

    GroupState(String displayName) {
        this.displayName = displayName;
    }

    /** The name used on the wire (DescribeGroups, ListGroups) and by {@code kafka-consumer-groups}. */
    public String displayName() {
        return displayName;
    }

    /** True when {@code filter} names this state, ignoring case, as ListGroups' states filter does. */
    public boolean matches(String filter) {
        return displayName.toLowerCase(Locale.ROOT).equals(filter.toLowerCase(Locale.ROOT));
    }
}
