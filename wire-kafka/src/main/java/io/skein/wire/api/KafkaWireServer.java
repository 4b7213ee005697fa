package io.skein.wire.api;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The Kafka-protocol network server: binds the listeners, frames and decodes requests, runs the
 * registered handlers and writes responses in request order per connection.
 *
 * <p>Lifecycle: {@link #start()} binds every listener or fails (port in use) without leaving any
 * bound; {@link #close()} stops accepting, lets in-flight requests finish and their responses
 * leave (bounded wait), then closes connections and threads.
 */
public interface KafkaWireServer extends AutoCloseable {

    /** Binds all listeners. @return listener name → bound address (with the real port). */
    Map<String, InetSocketAddress> start() throws java.io.IOException;

    /** Stops accepting new connections but keeps serving open ones; the first step of a clean stop. */
    void stopAccepting();

    @Override
    void close();

    /** Creates the Netty-based implementation. */
    static KafkaWireServer create(ServerSettings settings, HandlerRegistry registry) {
        return new io.skein.wire.server.NettyKafkaServer(settings, registry);
    }
}
