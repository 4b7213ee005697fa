/** Security end to end: TLS listeners with real certificates and real clients. */
package io.skein.it.security;
