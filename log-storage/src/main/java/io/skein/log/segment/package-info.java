/**
 * One segment of a partition log (a {@code .log} file and its offset, time and aborted-transaction
 * indexes), the ordered collection of a log's segments with its published end, and the
 * record-batch header layout used to walk segment files without parsing records. Depends on
 * {@code index} and the JDK only.
 */
package io.skein.log.segment;
