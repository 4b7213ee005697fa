package io.skein.log.internal;

/**
 * The high watermark of one log: one past the last offset consumers may read. Never above the log
 * end offset; moved up only by {@link #advanceTo} (the replica manager, as the ISR confirms) or,
 * while it {@linkplain #setFollowsLogEnd follows the log end} (this log is its partition's only
 * in-sync replica), by every append; moved down only when truncation cuts below it.
 *
 * <p>Threading: written by the log's writer under the log's append lock; read by any thread
 * without it, hence {@code value} is volatile. {@code followsLogEnd} is read and written under
 * the lock only.
 */
final class HighWatermark {

    private volatile long value;
    private boolean followsLogEnd;

    HighWatermark(long initial, boolean followsLogEnd) {
        this.value = initial;
        this.followsLogEnd = followsLogEnd;
    }

    long get() {
        return value;
    }

    /** Moves up to {@code offset} capped at the log end; returns whether it moved. */
    boolean advanceTo(long offset, long logEndOffset) {
        long target = Math.min(offset, logEndOffset);
        if (target <= value) {
            return false;
        }
        value = target;
        return true;
    }

    void setFollowsLogEnd(boolean follows, long logEndOffset) {
        followsLogEnd = follows;
        logEndMoved(logEndOffset);
    }

    /** After an append: follows the new end if it should. */
    void logEndMoved(long logEndOffset) {
        if (followsLogEnd) {
            advanceTo(logEndOffset, logEndOffset);
        }
    }

    /** Truncation cut the log to {@code logEndOffset}: the high watermark is never above the end. */
    void truncatedTo(long logEndOffset) {
        value = Math.min(value, logEndOffset);
    }

    /** The log was emptied and restarts at {@code offset}. */
    void resetTo(long offset) {
        value = offset;
    }
}
