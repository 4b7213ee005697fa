/** One segment (a .log file and its index) and the batch-header layout used to walk it. */
package io.skein.log.segment;
