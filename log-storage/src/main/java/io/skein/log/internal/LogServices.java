package io.skein.log.internal;

import java.time.Clock;

/**
 * What every partition log of a registry shares: the clock (retention, segment.ms, flush.ms; a
 * test passes its own), the deleter of retired segment files, the flusher of rolled segments, and
 * whether logs start as their partition's sole replica (the high watermark follows the log end
 * offset; a single node) or replicated (the high watermark restored from
 * {@code replication-offset-checkpoint} and moved by the replica manager), and what to do after a
 * log was truncated (write the recovery-point checkpoint at once, as Kafka does, so a crash does
 * not trust a recovery point past the new end; called without any log lock held).
 */
record LogServices(Clock clock, SegmentFileDeleter deleter, RolledSegmentFlusher flusher, boolean soleReplica,
                   Runnable afterTruncation) {
}
