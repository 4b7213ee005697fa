/**
 * Per-connection state: who the peer is, responses in request order, back-pressure with
 * {@code autoRead}, idle connections. May depend on codec; not on dispatch or server.
 */
package io.skein.wire.connection;
