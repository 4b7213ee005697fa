package io.skein.broker.purgatory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PurgatoryTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static final class Waiting extends DelayedOperation {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicInteger completions = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);

        @Override
        protected boolean isSatisfied() {
            return ready.get();
        }

        @Override
        protected void onComplete() {
            completions.incrementAndGet();
            done.countDown();
        }
    }

    @Test
    void completesWatcherWhenItsKeyChanges() {
        Purgatory<String> purgatory = new Purgatory<>(scheduler);
        Waiting op = new Waiting();
        purgatory.watch(op, List.of("a", "b"), 60_000);
        assertFalse(op.isCompleted());

        op.ready.set(true);
        purgatory.checkAndComplete("b");

        assertTrue(op.isCompleted());
        assertEquals(1, op.completions.get());
    }

    @Test
    void completesOnTimeoutExactlyOnce() throws InterruptedException {
        Purgatory<String> purgatory = new Purgatory<>(scheduler);
        Waiting op = new Waiting();

        purgatory.watch(op, List.of("a"), 50);

        assertTrue(op.done.await(10, TimeUnit.SECONDS));
        op.ready.set(true);
        purgatory.checkAndComplete("a");
        assertEquals(1, op.completions.get());
    }

    @Test
    void completesAtOnceWhenAlreadySatisfiedWhileParking() {
        Purgatory<String> purgatory = new Purgatory<>(scheduler);
        Waiting op = new Waiting();
        op.ready.set(true);

        purgatory.watch(op, List.of("a"), 60_000);

        assertTrue(op.isCompleted());
    }
}
