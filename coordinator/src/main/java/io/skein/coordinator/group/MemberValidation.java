package io.skein.coordinator.group;

import org.apache.kafka.common.protocol.Errors;

/** The member checks every classic-group request makes, in Kafka's order. */
final class MemberValidation {

    private MemberValidation() {
    }

    /**
     * FENCED_INSTANCE_ID when {@code instanceId} is held by a different member id (a newer
     * incarnation of a static member), UNKNOWN_MEMBER_ID when the member is not in the group,
     * otherwise NONE.
     */
    static Errors check(ClassicGroup group, String memberId, String instanceId) {
        if (instanceId != null) {
            String current = group.staticMemberId(instanceId);
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return group.has(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }
}
