/** Per-connection state: request dispatch, responses written in request order, back-pressure. */
package io.skein.wire.connection;
