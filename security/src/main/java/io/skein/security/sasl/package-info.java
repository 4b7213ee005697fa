/**
 * SASL for listeners: the mechanisms a listener enables ({@code sasl.enabled.mechanisms}) and a
 * {@link javax.security.sasl.SaslServer} per authentication, built from kafka-clients' mechanism
 * implementations with callback handlers of Skein's own that check credentials.
 */
package io.skein.security.sasl;
