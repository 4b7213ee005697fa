/**
 * End-to-end retention, DeleteRecords and recovery of damaged segment files through kafka-clients
 * against a real broker process. Uses {@code io.skein.it.harness} only.
 */
package io.skein.it.retention;
