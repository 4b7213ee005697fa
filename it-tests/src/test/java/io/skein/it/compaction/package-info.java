/**
 * End-to-end log compaction through kafka-clients against a real broker process: the latest value
 * per key survives at its offset, deleted keys go, keyless records are refused. Uses
 * {@code io.skein.it.harness} only.
 */
package io.skein.it.compaction;
