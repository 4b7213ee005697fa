/** Per-partition state of idempotent producers: epochs and the last batches' sequence numbers. */
package io.skein.log.producer;
