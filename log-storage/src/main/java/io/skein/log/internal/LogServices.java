package io.skein.log.internal;

import java.time.Clock;

/**
 * What every partition log of a registry shares: the clock (retention, segment.ms, flush.ms; a
 * test passes its own), the deleter of retired segment files and the flusher of rolled segments.
 */
record LogServices(Clock clock, SegmentFileDeleter deleter, RolledSegmentFlusher flusher) {
}
