/**
 * Request decoding and response encoding with kafka-clients' parsers and generated message
 * classes; no hand-written codecs. Produce records stay slices of the request frame; fetch
 * records from files become Netty file regions (sendfile). May depend on Netty buffers and
 * kafka-clients, not on connection or dispatch.
 */
package io.skein.wire.codec;
