/** Metadata records (our own versioned binary format), their codec, and the immutable image built by replaying them. */
package io.skein.replication.metadata;
