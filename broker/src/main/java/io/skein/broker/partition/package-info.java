/**
 * The partitions this node hosts: the bridge from the metadata image (which partitions exist,
 * who leads them) to the partition logs on disk.
 */
package io.skein.broker.partition;
