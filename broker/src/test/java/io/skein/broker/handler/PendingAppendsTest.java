package io.skein.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** A producer's appends to a partition run in request order even when an earlier check answers later. */
class PendingAppendsTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    @Test
    void aLaterBatchWhoseCheckAnsweredAtOnceWaitsBehindTheEarlierPendingOne() {
        PendingAppends pending = new PendingAppends();
        List<String> appended = new CopyOnWriteArrayList<>();
        CompletableFuture<Errors> firstCheck = new CompletableFuture<>();

        CompletableFuture<Void> first = pending.enqueue(TP, 7L, firstCheck, error -> appended.add("first " + error));
        assertTrue(pending.isPending(TP, 7L));
        CompletableFuture<Void> second = pending.enqueue(TP, 7L, CompletableFuture.completedFuture(Errors.NONE),
                error -> appended.add("second " + error));

        assertEquals(List.of(), appended, "nothing runs before the first batch's check answers");
        firstCheck.complete(Errors.NONE);

        assertEquals(List.of("first NONE", "second NONE"), appended);
        assertTrue(first.isDone() && second.isDone());
        assertFalse(pending.isPending(TP, 7L));
    }

    @Test
    void aFailedEarlierAppendStillLetsTheNextOneRunAndOtherProducersAreNotHeldUp() {
        PendingAppends pending = new PendingAppends();
        List<String> appended = new CopyOnWriteArrayList<>();
        CompletableFuture<Errors> firstCheck = new CompletableFuture<>();
        pending.enqueue(TP, 7L, firstCheck, error -> {
            throw new IllegalStateException("append failed");
        });
        pending.enqueue(TP, 7L, CompletableFuture.completedFuture(Errors.NONE), error -> appended.add("second"));

        assertFalse(pending.isPending(TP, 8L));
        pending.enqueue(TP, 8L, CompletableFuture.completedFuture(Errors.NONE), error -> appended.add("other"));
        assertEquals(List.of("other"), appended);

        firstCheck.complete(Errors.NONE);
        assertEquals(List.of("other", "second"), appended);
        assertFalse(pending.isPending(TP, 7L));
    }
}
