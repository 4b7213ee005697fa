package io.skein.broker.purgatory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A parked request. {@link #complete()} runs at most once, whichever comes first: the condition
 * (checked by {@link #tryComplete}) or the timeout.
 *
 * <p>Threading: tryComplete and the timeout may race on different threads; the CAS on
 * {@code completed} lets exactly one of them run {@link #onComplete()}.
 */
public abstract class DelayedOperation {

    private final AtomicBoolean completed = new AtomicBoolean();

    /** Called when a watched key changed; return true when the operation can now complete. */
    protected abstract boolean isSatisfied();

    /** Produces the response; runs exactly once. */
    protected abstract void onComplete();

    /** Completes the operation if its condition now holds. @return true if this call completed it */
    public final boolean tryComplete() {
        return isSatisfied() && complete();
    }

    /** Completes the operation now (timeout or shutdown). @return true if this call completed it */
    public final boolean complete() {
        if (completed.compareAndSet(false, true)) {
            onComplete();
            return true;
        }
        return false;
    }

    public final boolean isCompleted() {
        return completed.get();
    }
}
