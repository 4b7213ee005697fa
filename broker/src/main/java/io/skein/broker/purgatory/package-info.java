/**
 * Requests parked until something happens or time runs out: long-poll fetches woken by appends
 * (and, with replication, produce requests waiting for the high watermark).
 */
package io.skein.broker.purgatory;
