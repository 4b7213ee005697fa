package io.skein.log.segment;

/**
 * The published end of a partition log: readers see batches below {@code offset} only, which
 * lie in segments before {@code segment} or below {@code position} in it. Immutable; the writer
 * replaces it (a single volatile write) after the bytes are in the file.
 *
 * @param offset the log end offset (one past the last appended offset)
 * @param segment the active segment when this end was published
 * @param position the size of the active segment's complete batches
 */
public record LogEnd(long offset, LogSegment segment, int position) {

    /**
     * How far a reader may read in {@code s}: all of an older segment, up to {@link #position} in
     * the active one, nothing in a segment rolled after this end was published.
     */
    public int readableBytesOf(LogSegment s) {
        if (s == segment) {
            return position;
        }
        return s.baseOffset() < segment.baseOffset() ? s.size() : 0;
    }
}
