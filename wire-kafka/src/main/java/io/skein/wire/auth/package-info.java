/**
 * The authentication stage of the pipeline: who a connection is. Only PLAINTEXT (anonymous) so
 * far; SASL and mTLS principals come later and plug in here. May depend on connection.
 */
package io.skein.wire.auth;
