package io.skein.replication.api;

/** A listener clients can reach a broker on. */
public record Endpoint(String listenerName, String host, int port, String securityProtocol) {
}
