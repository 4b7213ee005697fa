package io.skein.wire.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.api.KafkaWireServer;
import io.skein.wire.api.ServerSettings;
import io.skein.wire.connection.InFlightRequests;
import io.skein.wire.connection.StopReading;
import io.skein.wire.dispatch.ApiVersionsHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty implementation of {@link KafkaWireServer}: binds every listener, builds each
 * connection's pipeline with {@link ConnectionPipeline}, runs handlers on the
 * {@code skein-request-handler} pool, and stops cleanly.
 *
 * <p>Lifecycle, one way only:
 * <pre>
 *   NEW ──start()──▶ RUNNING ──close()──▶ CLOSED
 *    └──────────── close() / failed start() ───▲
 * </pre>
 * A clean stop: stop accepting; stop reading on every connection; wait (at most
 * {@link #CLOSE_GRACE_MS} in all) for the requests already read to be answered and their
 * responses flushed; close the connections; shut down the event loops and the handler pool.
 *
 * <p>Threading: the lifecycle methods are synchronized on this object and called by the owner
 * (and perhaps a shutdown hook). Connections live on the network event loops, handlers on the
 * pool; the only state they share with this class is {@link InFlightRequests} and the channel
 * group, both thread-safe.
 */
public final class NettyKafkaServer implements KafkaWireServer {

    private static final Logger log = LoggerFactory.getLogger(NettyKafkaServer.class);
    static final long CLOSE_GRACE_MS = 10_000;
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

    enum State {
        NEW, RUNNING, CLOSED;

        boolean canMoveTo(State next) {
            return next.ordinal() > ordinal();
        }
    }

    private final ServerSettings settings;
    private final HandlerRegistry registry;
    private final Transport transport;
    private final InFlightRequests inFlight = new InFlightRequests();
    private final List<Channel> serverChannels = new ArrayList<>();
    private final ChannelGroup connections = new DefaultChannelGroup("skein-connections", GlobalEventExecutor.INSTANCE);
    private State state = State.NEW;
    private EventLoopGroup acceptGroup;
    private EventLoopGroup networkGroup;
    private ExecutorService handlerPool;

    /** Adds the built-in ApiVersions handler (versions 0..4) to {@code registry} unless it has one. */
    public NettyKafkaServer(ServerSettings settings, HandlerRegistry registry) {
        this(settings, registry, Transport.best());
    }

    /** With a given transport: tests run the NIO transport on machines that have epoll. */
    NettyKafkaServer(ServerSettings settings, HandlerRegistry registry, Transport transport) {
        this.settings = settings;
        this.registry = registry;
        this.transport = transport;
        ApiVersionsHandler.registerInto(registry);
        io.skein.wire.dispatch.SaslHandlers.registerInto(registry);
    }

    @Override
    public synchronized Map<String, InetSocketAddress> start() throws IOException {
        transitionTo(State.RUNNING);
        log.info("Kafka wire server using the {} transport ({} network threads, {} request handler threads)",
                transport.name(), settings.networkThreads(), settings.handlerThreads());
        acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("skein-accept"),
                transport.ioHandlerFactory());
        networkGroup = new MultiThreadIoEventLoopGroup(settings.networkThreads(),
                new DefaultThreadFactory("skein-network"), transport.ioHandlerFactory());
        handlerPool = Executors.newFixedThreadPool(settings.handlerThreads(),
                new DefaultThreadFactory("skein-request-handler", true));
        ConnectionPipeline pipeline = new ConnectionPipeline(settings, registry, handlerPool, inFlight);
        Map<String, TlsChannels> tls = new LinkedHashMap<>();
        for (ServerSettings.Listener listener : settings.listeners()) {
            if (listener.tls() != null) {
                tls.put(listener.name(), TlsChannels.create(listener.tls(), handlerPool));
            }
        }
        Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
        for (ServerSettings.Listener listener : settings.listeners()) {
            ChannelFuture bind = new ServerBootstrap()
                    .group(acceptGroup, networkGroup)
                    .channel(transport.serverChannelClass())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(initializer(pipeline, listener.name(), tls.get(listener.name()), listener.sasl()))
                    .bind(listener.address())
                    .awaitUninterruptibly();
            if (!bind.isSuccess()) {
                close();
                throw new IOException("Cannot bind listener " + listener.name() + " to "
                        + listener.address().getHostString() + ":" + listener.address().getPort() + ": "
                        + bind.cause().getMessage(), bind.cause());
            }
            serverChannels.add(bind.channel());
            bound.put(listener.name(), (InetSocketAddress) bind.channel().localAddress());
            log.info("Listener {} accepting on {}", listener.name(), bind.channel().localAddress());
        }
        return bound;
    }

    private ChannelInitializer<Channel> initializer(ConnectionPipeline pipeline, String listenerName,
                                                    TlsChannels tls, io.skein.security.sasl.SaslListenerSettings sasl) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                connections.add(channel);
                pipeline.install(channel, listenerName, tls, sasl);
            }
        };
    }

    @Override
    public synchronized void stopAccepting() {
        for (Channel channel : serverChannels) {
            channel.close().awaitUninterruptibly();
        }
        serverChannels.clear();
    }

    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasRunning = state == State.RUNNING;
        transitionTo(State.CLOSED);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MS);
        stopAccepting();
        if (wasRunning) {
            closeConnections(deadline);
        }
        shutDownThreads(deadline);
    }

    private void closeConnections(long deadline) {
        connections.forEach(channel -> channel.pipeline().fireUserEventTriggered(StopReading.INSTANCE));
        if (!inFlight.awaitNone(deadline)) {
            log.warn("Closing {} connections with {} requests still unanswered after {} ms", connections.size(),
                    inFlight.count(), CLOSE_GRACE_MS);
        }
        // An empty write completes after everything queued before it has left: responses flushed.
        connections.writeAndFlush(Unpooled.EMPTY_BUFFER).awaitUninterruptibly(remainingMillis(deadline));
        connections.close().awaitUninterruptibly(remainingMillis(deadline));
    }

    private void shutDownThreads(long deadline) {
        for (EventLoopGroup group : new EventLoopGroup[] {networkGroup, acceptGroup}) {
            if (group != null) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(remainingMillis(deadline) + 2_000);
            }
        }
        if (handlerPool != null) {
            handlerPool.shutdown();
            try {
                if (!handlerPool.awaitTermination(remainingMillis(deadline) + 1_000, TimeUnit.MILLISECONDS)) {
                    log.warn("Request handler threads still busy at shutdown; interrupting them");
                    handlerPool.shutdownNow();
                }
            } catch (InterruptedException e) {
                handlerPool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        log.info("Kafka wire server stopped");
    }

    private static long remainingMillis(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private void transitionTo(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("Kafka wire server cannot go from " + state + " to " + next);
        }
        log.debug("Kafka wire server {} -> {}", state, next);
        state = next;
    }
}
