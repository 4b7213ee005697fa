package io.skein.wire.server;

import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.api.KafkaWireServer;
import io.skein.wire.api.ServerSettings;
import java.net.InetSocketAddress;
import java.util.Map;

/** Placeholder so the API compiles; replaced by the real implementation. */
public final class NettyKafkaServer implements KafkaWireServer {
    public NettyKafkaServer(ServerSettings settings, HandlerRegistry registry) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override public Map<String, InetSocketAddress> start() { throw new UnsupportedOperationException(); }
    @Override public void stopAccepting() { }
    @Override public void close() { }
}
