package io.skein.log.retention;

/**
 * What retention needs to know of one segment.
 *
 * @param baseOffset the segment's first offset
 * @param nextBaseOffset the next segment's base offset, -1 for the active segment
 * @param sizeInBytes bytes of complete batches
 * @param largestTimestamp the largest batch timestamp, or the file's modification time when the
 *     batches carry none
 */
public record SegmentSummary(long baseOffset, long nextBaseOffset, long sizeInBytes, long largestTimestamp) {

    public boolean active() {
        return nextBaseOffset < 0;
    }
}
