package io.skein.replication.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class BrokerSessionsTest {

    private static final long MS = 1_000_000L;
    private static final Uuid ONE = Uuid.randomUuid();
    private static final Uuid TWO = Uuid.randomUuid();

    private static ImageState brokers(Uuid incarnationOfTwo) {
        return ImageState.empty().replay(List.of(
                new MetadataRecord.RegisterBroker(1, ONE, List.of(), null, false),
                new MetadataRecord.RegisterBroker(2, incarnationOfTwo, List.of(), null, false),
                new MetadataRecord.RegisterBroker(3, Uuid.randomUuid(), List.of(), null, true)), 0);
    }

    @Test
    void expiresOnlyUnfencedBrokersSilentForLongerThanTheTimeout() {
        BrokerSessions sessions = new BrokerSessions(9000);
        sessions.leaderChanged(true, 0);
        sessions.heartbeat(1, ONE, 5000 * MS);
        sessions.heartbeat(2, TWO, 400 * MS);

        List<BrokerSessions.Expired> expired = sessions.expired(brokers(TWO), 9500 * MS);

        assertEquals(1, expired.size());
        assertEquals(2, expired.get(0).broker().id());
        assertEquals(9100, expired.get(0).silentMs());
    }

    @Test
    void aNewIncarnationStartsANewSession() {
        BrokerSessions sessions = new BrokerSessions(9000);
        sessions.leaderChanged(true, 0);
        sessions.heartbeat(2, TWO, 100 * MS);
        Uuid restarted = Uuid.randomUuid();

        List<BrokerSessions.Expired> atRegistration = sessions.expired(brokers(restarted), 20_000 * MS);
        List<BrokerSessions.Expired> later = sessions.expired(brokers(restarted), 29_500 * MS);

        assertEquals(List.of(), atRegistration.stream().filter(e -> e.broker().id() == 2).toList());
        assertEquals(List.of(2), later.stream().map(e -> e.broker().id()).filter(id -> id == 2).toList());
    }

    @Test
    void aNewLeaderCountsSessionsFromWhenItBecameLeader() {
        BrokerSessions sessions = new BrokerSessions(9000);
        sessions.leaderChanged(true, 0);
        sessions.heartbeat(1, ONE, 100 * MS);
        sessions.leaderChanged(false, 200 * MS);
        sessions.leaderChanged(true, 60_000 * MS);

        List<BrokerSessions.Expired> expired = sessions.expired(brokers(TWO), 65_000 * MS);

        assertEquals(List.of(), expired);
    }

    @Test
    void aFollowerNeverExpiresAnyone() {
        BrokerSessions sessions = new BrokerSessions(9000);
        sessions.leaderChanged(false, 0);

        assertEquals(List.of(), sessions.expired(brokers(TWO), 100_000 * MS));
    }

    @Test
    void onlyALeaderThatSawTheSessionExpireConfirmsAFence() {
        BrokerSessions sessions = new BrokerSessions(9000);
        sessions.leaderChanged(true, 0);
        sessions.heartbeat(1, ONE, 1000 * MS);

        assertFalse(sessions.confirmsExpired(1, ONE, 9500 * MS), "heard from 8.5 s ago");
        assertTrue(sessions.confirmsExpired(1, ONE, 10_500 * MS), "silent for 9.5 s");
        assertFalse(sessions.confirmsExpired(1, Uuid.randomUuid(), 10_500 * MS), "another incarnation");
        assertFalse(sessions.confirmsExpired(2, TWO, 10_500 * MS), "never seen by this leader");

        sessions.leaderChanged(false, 11_000 * MS);
        assertFalse(sessions.confirmsExpired(1, ONE, 30_000 * MS), "no longer leader");
        sessions.leaderChanged(true, 30_000 * MS);
        sessions.heartbeat(1, ONE, 30_500 * MS);
        assertFalse(sessions.confirmsExpired(1, ONE, 31_000 * MS), "a new leader that hears the broker");
    }
}
