/**
 * The controller's decisions: validates commands against a {@link io.skein.replication.api.MetadataImage}
 * and computes the metadata records to write and the results to answer, with Kafka's error codes
 * and messages. Pure: no I/O, no threads, no Ratis. Depends on {@code api}, {@code metadata},
 * kafka-clients (errors, topic name rules) and log-storage's {@code TopicConfigs}.
 */
package io.skein.replication.controller;
