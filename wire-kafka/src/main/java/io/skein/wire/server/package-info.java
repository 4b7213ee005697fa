/** The Netty server: transports, listeners, the pipeline built in one place, and a clean stop. */
package io.skein.wire.server;
