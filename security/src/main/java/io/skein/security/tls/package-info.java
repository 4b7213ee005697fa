/**
 * TLS for listeners: Kafka's {@code ssl.*} settings (keystores and truststores in JKS, PKCS12 or
 * PEM, client authentication, protocols, cipher suites, principal mapping rules) turned into the
 * key material and rules the network layer needs. Keystores are loaded with kafka-clients'
 * {@code DefaultSslEngineFactory}, so they behave exactly as they do in Kafka.
 */
package io.skein.security.tls;
