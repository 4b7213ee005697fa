package io.skein.log.internal;

import java.time.Clock;

/**
 * What every partition log of a registry shares: the clock (retention, segment.ms, flush.ms; a
 * test passes its own) and the deleter of retired segment files.
 */
record LogServices(Clock clock, SegmentFileDeleter deleter) {
}
