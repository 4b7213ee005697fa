/** Request decoding and response encoding with kafka-clients' generated message classes; no hand-written codecs. */
package io.skein.wire.codec;
