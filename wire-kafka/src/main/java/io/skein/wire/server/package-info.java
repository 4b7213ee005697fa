/**
 * The Netty server: transport choice, listeners, the pipeline built in one place
 * ({@link io.skein.wire.server.ConnectionPipeline}), and a clean stop. The only package that
 * creates threads. May depend on every other package of the module.
 */
package io.skein.wire.server;
