/**
 * End-to-end fetch-side behaviour through kafka-clients: ListOffsets by spec and long polls woken
 * by appends. Uses {@code io.skein.it.harness} only.
 */
package io.skein.it.fetch;
