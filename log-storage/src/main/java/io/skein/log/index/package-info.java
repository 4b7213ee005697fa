/** On-disk indexes of a segment: the sparse offset index (Kafka's .index format). Indexes can always be rebuilt from the log. */
package io.skein.log.index;
