/** Length-prefixed framing of the Kafka protocol, with the size limit checked before any body is buffered. */
package io.skein.wire.frame;
