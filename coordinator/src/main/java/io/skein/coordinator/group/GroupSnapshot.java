package io.skein.coordinator.group;

import java.util.List;

/**
 * A classic group as persisted in its metadata record: enough to restore the generation, the
 * leader and every member's subscription and assignment when the coordinator moves or restarts.
 *
 * @param protocolType null for a group that only commits offsets
 * @param stateTimestampMs when the group entered its current state (offset expiry of empty groups counts from it)
 */
record GroupSnapshot(String protocolType, int generationId, String protocolName, String leaderId,
                     long stateTimestampMs, List<Member> members) {

    /** One member with its selected protocol's metadata and its assignment. */
    record Member(String memberId, String groupInstanceId, String clientId, String clientHost,
                  int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }
}
