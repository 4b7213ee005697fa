/**
 * Which segments retention deletes and when the active segment rolls by time: pure decisions over
 * segment summaries, no I/O. Depends on {@code api} only.
 */
package io.skein.log.retention;
