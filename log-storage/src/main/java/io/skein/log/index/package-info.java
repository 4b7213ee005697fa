/**
 * On-disk indexes of a segment: the sparse, memory-mapped offset index in Kafka's {@code .index}
 * format and the time index in its {@code .timeindex} format. Indexes can always be rebuilt from the log. JDK only.
 */
package io.skein.log.index;
