/**
 * The public face of log storage: one partition's log on disk ({@link io.skein.log.api.PartitionLog}),
 * the registry of all logs in the configured log directories ({@link io.skein.log.api.LogRegistry}),
 * and the values they exchange with callers. Depends only on kafka-clients (record-batch format,
 * error codes). Everything outside this package is internal to the module.
 */
package io.skein.log.api;
