/**
 * {@code ./skein certs}: a private CA and the broker and client certificates a TLS setup needs,
 * made with BouncyCastle (no openssl or keytool), as PEM and PKCS12 files plus the properties
 * lines that use them.
 */
package io.skein.security.certs;
