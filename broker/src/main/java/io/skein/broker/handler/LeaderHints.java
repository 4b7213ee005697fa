package io.skein.broker.handler;

import io.skein.replication.api.Endpoint;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataImage.PartitionState;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a partition's leader is, for the current-leader hints of KIP-951: Produce (v10+) and Fetch
 * (v12+) answers to NOT_LEADER_OR_FOLLOWER carry the leader's id and epoch, and the response lists
 * that leader's endpoint on the listener the client used, so clients go there without a
 * Metadata round trip.
 *
 * <p>Stateless.
 */
final class LeaderHints {

    /** A known, unfenced leader and its endpoint on the client's listener. */
    record Hint(int leaderId, int leaderEpoch, Endpoint endpoint, String rack) {
    }

    private LeaderHints() {
    }

    static Optional<Hint> of(MetadataImage image, TopicPartition tp, String listenerName) {
        Optional<PartitionState> state = image.partition(tp);
        if (state.isEmpty() || state.get().leader() < 0) {
            return Optional.empty();
        }
        BrokerRegistration leader = image.brokers().get(state.get().leader());
        if (leader == null || leader.fenced()) {
            return Optional.empty();
        }
        return MetadataHandler.endpointFor(leader, listenerName)
                .map(ep -> new Hint(leader.id(), state.get().leaderEpoch(), ep, leader.rack()));
    }
}
