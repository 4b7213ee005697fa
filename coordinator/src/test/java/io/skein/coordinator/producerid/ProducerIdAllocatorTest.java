package io.skein.coordinator.producerid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProducerIdAllocatorTest {

    @Test
    void handsOutUniqueIdsAcrossBlocks() {
        AtomicLong nextBlock = new AtomicLong(100);
        AtomicInteger reservations = new AtomicInteger();
        ProducerIdAllocator allocator = new ProducerIdAllocator(count -> {
            reservations.incrementAndGet();
            return CompletableFuture.completedFuture(nextBlock.getAndAdd(count));
        }, 3);

        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            ids.add(allocator.nextId().join());
        }

        assertEquals(Set.of(100L, 101L, 102L, 103L, 104L, 105L, 106L), ids);
        assertEquals(3, reservations.get());
    }

    @Test
    void callersWaitingForOneBlockShareTheReservation() {
        CompletableFuture<Long> block = new CompletableFuture<>();
        AtomicInteger reservations = new AtomicInteger();
        ProducerIdAllocator allocator = new ProducerIdAllocator(count -> {
            reservations.incrementAndGet();
            return block;
        }, 10);

        CompletableFuture<Long> a = allocator.nextId();
        CompletableFuture<Long> b = allocator.nextId();
        block.complete(0L);

        assertEquals(Set.of(0L, 1L), Set.of(a.join(), b.join()));
        assertEquals(1, reservations.get());
    }
}
