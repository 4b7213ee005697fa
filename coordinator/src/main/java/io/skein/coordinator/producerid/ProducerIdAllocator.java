package io.skein.coordinator.producerid;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * Hands out producer ids from blocks reserved through the controller.
 *
 * <p>Threading: any thread may call {@link #nextId()}; the current block is guarded by this
 * object's monitor, and at most one block request is in flight at a time (callers arriving while
 * it is pending wait on the same future).
 */
public final class ProducerIdAllocator {

    private final IntFunction<CompletableFuture<Long>> reserveBlock;
    private final int blockSize;
    private long next = -1;
    private long end = -1;
    private CompletableFuture<Void> pendingBlock;

    /**
     * @param reserveBlock asks the controller for {@code blockSize} ids and returns the first one
     * @param blockSize ids reserved at a time
     */
    public ProducerIdAllocator(IntFunction<CompletableFuture<Long>> reserveBlock, int blockSize) {
        this.reserveBlock = reserveBlock;
        this.blockSize = blockSize;
    }

    /** The next unused producer id, reserving a new block from the controller when needed. */
    public CompletableFuture<Long> nextId() {
        CompletableFuture<Void> waitFor;
        synchronized (this) {
            if (next >= 0 && next < end) {
                return CompletableFuture.completedFuture(next++);
            }
            if (pendingBlock == null) {
                CompletableFuture<Void> block = reserveBlock.apply(blockSize).thenAccept(this::installBlock);
                pendingBlock = block;
                block.whenComplete((v, e) -> clearPending(block));
                waitFor = block;
            } else {
                waitFor = pendingBlock;
            }
        }
        return waitFor.thenCompose(v -> nextId());
    }

    private synchronized void installBlock(long start) {
        next = start;
        end = start + blockSize;
    }

    private synchronized void clearPending(CompletableFuture<Void> block) {
        if (pendingBlock == block) {
            pendingBlock = null;
        }
    }
}
