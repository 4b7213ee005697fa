/** The disk-backed implementations of the log-storage API: the partition log, its loader and the registry of log directories. */
package io.skein.log.internal;
