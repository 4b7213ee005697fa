/** Running handlers off the event loops, one request of a connection at a time, and the built-in ApiVersions handler. */
package io.skein.wire.dispatch;
