package io.skein.replication.api;

/** Told about every new metadata image, in log order, on the quorum's apply thread. */
@FunctionalInterface
public interface MetadataListener {
    void onImage(MetadataImage previous, MetadataImage current);
}
