package io.skein.replication.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.Endpoint;
import io.skein.replication.api.QuorumSettings.ControllerSettings;
import io.skein.replication.controller.Controller;
import io.skein.replication.metadata.ImageState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImageLedgerTest {

    private final List<ImageState> published = new ArrayList<>();
    private ImageLedger ledger;

    private static ControllerCommand create(String name) {
        return new ControllerCommand.CreateTopics(List.of(
                new ControllerCommand.NewTopic(name, 1, (short) 1, Map.of(), Map.of())), false);
    }

    @BeforeEach
    void registerOneBroker() {
        ledger = new ImageLedger(new Controller(new ControllerSettings(1, (short) 1, Map.of()), new Random(1)),
                (previous, current) -> published.add(current));
        ImageLedger.Proposal register = ledger.propose(new ControllerCommand.RegisterBroker(1, Uuid.randomUuid(),
                List.of(new Endpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")), null));
        ledger.apply(register.entry(), 1);
    }

    @Test
    void secondProposalSeesTheFirstBeforeItIsApplied() {
        ledger.propose(create("t"));

        ImageLedger.Proposal second = ledger.propose(create("t"));

        assertEquals(Errors.TOPIC_ALREADY_EXISTS, second.result().items().get(0).error());
    }

    @Test
    void entriesAppendedInProposalOrderAllApply() {
        ImageLedger.Proposal a = ledger.propose(create("a"));
        ImageLedger.Proposal b = ledger.propose(create("b"));

        boolean aStale = ledger.apply(a.entry(), 2).stale();
        boolean bStale = ledger.apply(b.entry(), 3).stale();

        assertFalse(aStale);
        assertFalse(bStale);
        assertTrue(ledger.image().topic("a").isPresent());
        assertTrue(ledger.image().topic("b").isPresent());
    }

    @Test
    void entryAppendedBeforeTheOneItWasComputedAfterIsStaleAndChangesNothing() {
        ImageLedger.Proposal a = ledger.propose(create("a"));
        ImageLedger.Proposal b = ledger.propose(create("b"));

        ImageLedger.Applied bFirst = ledger.apply(b.entry(), 2);
        ImageLedger.Applied aSecond = ledger.apply(a.entry(), 3);

        assertTrue(bFirst.stale());
        assertFalse(aSecond.stale());
        assertTrue(ledger.image().topic("b").isEmpty());
        assertEquals(3, ledger.image().offset());
    }

    @Test
    void retryAfterStaleIsComputedAgainstTheCommittedImage() {
        ImageLedger.Proposal a = ledger.propose(create("a"));
        ImageLedger.Proposal b = ledger.propose(create("b"));
        ledger.apply(b.entry(), 2);
        ledger.apply(a.entry(), 3);

        ImageLedger.Proposal retry = ledger.propose(create("b"));

        assertFalse(ledger.apply(retry.entry(), 4).stale());
        assertTrue(ledger.image().topic("b").isPresent());
    }

    @Test
    void cancelledProposalIsForgotten() {
        ledger.propose(create("lost"));
        ledger.discardPending();

        ImageLedger.Proposal again = ledger.propose(create("lost"));

        assertEquals(Errors.NONE, again.result().items().get(0).error());
        assertFalse(ledger.apply(again.entry(), 2).stale());
    }

    @Test
    void leaderChangeIsPublishedWithTheCommittedFacts() {
        published.clear();

        ledger.leaderChanged(3);

        assertEquals(1, published.size());
        assertEquals(3, published.get(0).controllerId());
        assertEquals(1, published.get(0).brokers().size());
        assertEquals(3, ledger.image().controllerId());
    }
}
