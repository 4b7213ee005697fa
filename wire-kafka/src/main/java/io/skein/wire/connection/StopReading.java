package io.skein.wire.connection;

/**
 * User event fired down a connection's pipeline when the server stops: read no more requests,
 * but finish and send the ones already read.
 */
public enum StopReading {
    INSTANCE
}
