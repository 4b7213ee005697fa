/**
 * Validation of a produce request's record batches before they are appended (format, CRC,
 * sizes, per-record rules), allocation-free for uncompressed batches. Depends on {@code api},
 * {@code segment.BatchHeader} and kafka-clients' record classes.
 */
package io.skein.log.append;
