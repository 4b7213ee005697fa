/**
 * Handler invocation: off the event loops, one request of a connection at a time, outcome into the
 * request's response slot; and the built-in ApiVersions handler computed from the registry. May
 * depend on api, codec, connection and errors.
 */
package io.skein.wire.dispatch;
