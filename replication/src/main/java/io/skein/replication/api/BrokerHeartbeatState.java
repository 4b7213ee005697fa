package io.skein.replication.api;

/** What the active controller answers a broker's heartbeat. */
public enum BrokerHeartbeatState {
    /** Registered with this incarnation and unfenced: nothing to do. */
    ACTIVE,
    /** Registered with this incarnation but fenced: the broker should ask to be unfenced. */
    FENCED,
    /** Not registered, or registered with another incarnation: the broker should register again. */
    UNKNOWN
}
