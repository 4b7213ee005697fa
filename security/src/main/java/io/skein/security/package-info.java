/**
 * Security of listeners and clients: which listener security protocols this build serves, TLS
 * contexts ({@code tls}), SASL mechanisms and credentials ({@code sasl}), the ACL authorizer
 * ({@code acl}) and the certificate tool ({@code certs}).
 */
package io.skein.security;
