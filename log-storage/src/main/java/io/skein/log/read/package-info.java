/**
 * The read side of a partition log: fetches as zero-copy slices of segment files, and
 * ListOffsets lookups by timestamp. Never takes the writer's lock; reads up to the published end.
 * Depends on {@code segment} and kafka-clients' record classes.
 */
package io.skein.log.read;
