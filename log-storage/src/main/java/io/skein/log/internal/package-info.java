/**
 * The disk-backed implementation of the log-storage API: the log directories and their registry,
 * the partition log and its append algorithm, the loader that opens a partition directory, and
 * the small durable files (partition.metadata, locks, clean-shutdown markers). May depend on every
 * other package of the module.
 */
package io.skein.log.internal;
