/**
 * The partitions this node hosts: the bridge from the metadata image (which partitions exist,
 * who leads them) to the partition logs on disk, and the coordinators' view of their
 * replication ({@code PurgatoryReplicationAwait}: an internal-topic append is committed once the
 * high watermark passes it).
 */
package io.skein.broker.partition;
