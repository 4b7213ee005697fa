package io.skein.log.api;

/**
 * What a read found.
 *
 * @param records the batches read, {@link LogSlice#EMPTY} when there is nothing at the offset yet
 * @param highWatermark the high watermark when the read ran
 * @param logStartOffset the log start offset when the read ran
 * @param logEndOffset the log end offset when the read ran
 */
public record LogReadResult(LogSlice records, long highWatermark, long logStartOffset, long logEndOffset) {
}
