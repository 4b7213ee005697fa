package io.skein.replication.controller;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * A broker's registration and fencing as records: registering or unfencing writes the
 * registration unfenced and gives the broker the partitions that were left without a leader
 * and whose ISR it is in; fencing writes it fenced and moves leaderships off it (see
 * {@link LeaderElection}).
 *
 * <pre>
 *   (absent) --register--> UNFENCED --fence (session expired / controlled shutdown)--> FENCED
 *                              ^------------------unfence (heartbeat) / register-----------'
 * </pre>
 *
 * <p>Stateless.
 */
final class BrokerLifecycle {

    private BrokerLifecycle() {
    }

    static Outcome register(ControllerCommand.RegisterBroker c, MetadataImage image) {
        String key = Integer.toString(c.brokerId());
        if (c.brokerId() < 0) {
            return new Outcome(List.of(), List.of(new ItemResult(key, Errors.INVALID_REQUEST,
                    "Broker id must not be negative.")), -1);
        }
        // A later registration of the same id replaces the earlier one (a restart with new endpoints).
        return serving(new MetadataRecord.RegisterBroker(c.brokerId(), c.incarnationId(),
                List.copyOf(c.endpoints()), c.rack(), false), image);
    }

    static Outcome fence(ControllerCommand.FenceBroker c, MetadataImage image) {
        String key = Integer.toString(c.brokerId());
        BrokerRegistration broker = image.brokers().get(c.brokerId());
        ItemResult stale = checkIncarnation(key, broker, c.incarnationId());
        if (stale != null) {
            return new Outcome(List.of(), List.of(stale), -1);
        }
        if (broker.fenced()) {
            return new Outcome(List.of(), List.of(new ItemResult(key, Errors.NONE, "already fenced")), -1);
        }
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.RegisterBroker(broker.id(), broker.incarnationId(), broker.endpoints(),
                broker.rack(), true));
        LeaderElection.Moves moves = LeaderElection.moveOff(c.brokerId(), image, records);
        return new Outcome(records, List.of(new ItemResult(key, Errors.NONE, "leaders moved for " + moves.moved()
                + " partitions" + (moves.leaderless() > 0 ? ", " + moves.leaderless()
                + " partitions left without a leader (no other in-sync replica)" : ""))), -1);
    }

    static Outcome unfence(ControllerCommand.UnfenceBroker c, MetadataImage image) {
        String key = Integer.toString(c.brokerId());
        BrokerRegistration broker = image.brokers().get(c.brokerId());
        ItemResult stale = checkIncarnation(key, broker, c.incarnationId());
        if (stale != null) {
            return new Outcome(List.of(), List.of(stale), -1);
        }
        if (!broker.fenced()) {
            return new Outcome(List.of(), List.of(new ItemResult(key, Errors.NONE, "not fenced")), -1);
        }
        return serving(new MetadataRecord.RegisterBroker(broker.id(), broker.incarnationId(), broker.endpoints(),
                broker.rack(), false), image);
    }

    /**
     * An unfenced {@code registration} (a new one, or an unfence), then the records of what the
     * broker's return allows: it leads the leaderless partitions whose ISR it is in, and
     * reassignments waiting for it complete.
     */
    private static Outcome serving(MetadataRecord.RegisterBroker registration, MetadataImage image) {
        int brokerId = registration.brokerId();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(registration);
        int elected = LeaderElection.electLeaderless(brokerId, image, records);
        ReassignmentProgress.completeAllCaughtUp(image, records);
        return new Outcome(records, List.of(new ItemResult(Integer.toString(brokerId), Errors.NONE, elected
                + " leaderless partitions now led by broker " + brokerId)), -1);
    }

    private static ItemResult checkIncarnation(String key, BrokerRegistration broker,
                                               org.apache.kafka.common.Uuid incarnationId) {
        if (broker == null) {
            return new ItemResult(key, Errors.BROKER_ID_NOT_REGISTERED, "Broker " + key + " is not registered.");
        }
        if (!broker.incarnationId().equals(incarnationId)) {
            return new ItemResult(key, Errors.STALE_BROKER_EPOCH, "Broker " + key
                    + " registered again with incarnation " + broker.incarnationId() + ".");
        }
        return null;
    }
}
