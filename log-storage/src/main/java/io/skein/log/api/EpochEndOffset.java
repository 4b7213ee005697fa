package io.skein.log.api;

/**
 * The answer to "where does my epoch end in your log" (OffsetForLeaderEpoch, KIP-101/KIP-279):
 * the largest epoch at or below the requested one and the offset where it ends (the start of the
 * next higher epoch, or the log end offset for the latest epoch); both {@value #UNDEFINED} when the
 * log knows no such epoch.
 */
public record EpochEndOffset(int epoch, long endOffset) {

    /** Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET. */
    public static final int UNDEFINED = -1;

    public static final EpochEndOffset UNDEFINED_ANSWER = new EpochEndOffset(UNDEFINED, UNDEFINED);

    public boolean defined() {
        return epoch != UNDEFINED;
    }
}
