package io.skein.replication.api;

import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the metadata quorum's Raft traffic (voter to voter, and every node's client to the
 * voters), taken from the controller listener's {@code ssl.*} settings. Connections are mutually
 * authenticated: each node presents {@code keyManager}'s certificate and accepts only peers whose
 * certificate chains to a CA of {@code trustManager}; a client checks that the voter's
 * certificate names the address it dialled (an IP SAN for an IP address).
 *
 * @param listenerName the controller listener the settings came from, for log lines
 */
public record QuorumTls(String listenerName, X509KeyManager keyManager, X509TrustManager trustManager) {
}
