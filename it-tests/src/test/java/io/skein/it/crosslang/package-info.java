/**
 * Clients in other languages against the broker: kcat and confluent-kafka-go (both on the system
 * librdkafka), installed by {@code ./skein test}. Uses {@code io.skein.it.harness} only.
 */
package io.skein.it.crosslang;
