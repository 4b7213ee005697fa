/**
 * Security of listeners and clients. Today: which listener security protocols this build can
 * serve. TLS contexts, SASL mechanisms, credentials and ACLs arrive with the security issue; until
 * then a listener asking for them is refused at start rather than served in clear text.
 */
package io.skein.security;
