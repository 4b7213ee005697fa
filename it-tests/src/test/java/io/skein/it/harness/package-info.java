/**
 * Shared machinery for the end-to-end tests: starting real Skein broker processes (or pointing at
 * an external broker with {@code -Dskein.it.bootstrap=host:port}), kafka-clients factories, raw
 * Kafka framing, background traffic, external programs, and waiting with deadlines. Depends on
 * kafka-clients and JUnit only; never on Skein's own classes, which run in a separate process.
 */
package io.skein.it.harness;
