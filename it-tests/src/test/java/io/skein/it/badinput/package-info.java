/**
 * Malformed and unsupported input on raw sockets, checked against Kafka 4.4's answers while well-
 * behaved clients keep working. Uses {@code io.skein.it.harness} only.
 */
package io.skein.it.badinput;
