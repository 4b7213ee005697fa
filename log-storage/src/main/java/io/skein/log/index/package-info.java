/**
 * On-disk indexes of a segment: the sparse, memory-mapped offset index in Kafka's {@code .index}
 * format, the time index in its {@code .timeindex} format, and the aborted-transaction index in
 * its {@code .txnindex} format. Indexes can always be rebuilt from the log (the transaction index
 * by replaying producer state over it). JDK only.
 */
package io.skein.log.index;
