package io.skein.coordinator.group;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

/** Reads the topics a consumer group's members subscribe to from their protocol metadata. */
final class ConsumerSubscriptions {

    private ConsumerSubscriptions() {
    }

    /**
     * The topics any member of a {@code consumer} group subscribes to, or null when the group does
     * not use the consumer protocol or a subscription cannot be read.
     */
    static Set<String> topics(ClassicGroup group) {
        if (!ConsumerProtocol.PROTOCOL_TYPE.equals(group.protocolType()) || group.protocolName() == null) {
            return null;
        }
        Set<String> topics = new HashSet<>();
        for (GroupMember m : group.members()) {
            try {
                topics.addAll(ConsumerProtocol.deserializeSubscription(
                        ByteBuffer.wrap(m.metadataFor(group.protocolName()))).topics());
            } catch (RuntimeException e) {
                return null;
            }
        }
        return topics;
    }
}
