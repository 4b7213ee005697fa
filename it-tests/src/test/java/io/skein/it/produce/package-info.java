/**
 * End-to-end produce and topic administration through kafka-clients: byte-identical round trips
 * for every compression, restart durability, Admin topic and config operations, auto-creation.
 * Uses {@code io.skein.it.harness} only.
 */
package io.skein.it.produce;
