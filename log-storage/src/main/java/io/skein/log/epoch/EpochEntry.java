package io.skein.log.epoch;

/**
 * One leader epoch and the offset of the first batch appended in it.
 *
 * @param epoch the partition leader epoch (non-negative)
 * @param startOffset the first offset written under this epoch
 */
public record EpochEntry(int epoch, long startOffset) {

    public EpochEntry {
        if (epoch < 0 || startOffset < 0) {
            throw new IllegalArgumentException("invalid leader epoch entry: epoch " + epoch + ", start offset "
                    + startOffset);
        }
    }
}
