/** Validation of incoming record batches before they are appended (format, CRC, sizes, per-record rules). */
package io.skein.log.append;
