package io.skein.wire.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.api.KafkaWireServer;
import io.skein.wire.api.ServerSettings;
import io.skein.wire.codec.RequestDecoder;
import io.skein.wire.connection.ConnectionHandler;
import io.skein.wire.dispatch.ApiVersionsHandler;
import io.skein.wire.frame.FrameDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty implementation of {@link KafkaWireServer}. The pipeline of every connection, in
 * order: idle timeout, frame decoder (size limit first), request decoder, connection handler
 * (dispatch, in-order responses, back-pressure). Authentication will sit between the request
 * decoder and the connection handler.
 *
 * <p>Threading: start/stopAccepting/close are called by the owner's thread. Connections live on
 * the event loops; handlers run on the {@code skein-handler-N} pool.
 */
public final class NettyKafkaServer implements KafkaWireServer {

    private static final Logger log = LoggerFactory.getLogger(NettyKafkaServer.class);
    private static final long CLOSE_GRACE_MS = 10_000;

    private final ServerSettings settings;
    private final HandlerRegistry registry;
    private final ApiVersionsHandler apiVersions;
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Channel> serverChannels = new ArrayList<>();
    private final ChannelGroup connections = new DefaultChannelGroup("skein-connections", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private ExecutorService handlerPool;

    public NettyKafkaServer(ServerSettings settings, HandlerRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        if (registry.get(ApiKeys.API_VERSIONS) == null) {
            registry.register(ApiKeys.API_VERSIONS, 0, ApiVersionsHandler.MAX_VERSION,
                    (context, request) -> { throw new IllegalStateException("served by the connection handler"); });
        }
        this.apiVersions = new ApiVersionsHandler(registry);
    }

    @Override
    public Map<String, InetSocketAddress> start() throws IOException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        workerGroup = new MultiThreadIoEventLoopGroup(settings.networkThreads(), io);
        AtomicInteger threadIds = new AtomicInteger();
        handlerPool = Executors.newFixedThreadPool(settings.handlerThreads(), r -> {
            Thread t = new Thread(r, "skein-handler-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        log.info("Network transport: {} ({} event loops, {} request handler threads)", epoll ? "native epoll" : "NIO",
                settings.networkThreads(), settings.handlerThreads());
        Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
        for (ServerSettings.Listener listener : settings.listeners()) {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(channelClass)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                    .childHandler(initializer(listener.name()));
            try {
                Channel channel = bootstrap.bind(listener.address()).syncUninterruptibly().channel();
                serverChannels.add(channel);
                bound.put(listener.name(), (InetSocketAddress) channel.localAddress());
            } catch (Exception e) {
                close();
                throw new IOException("Cannot bind listener " + listener.name() + " on "
                        + listener.address().getHostString() + ":" + listener.address().getPort() + ": "
                        + e.getMessage(), e);
            }
        }
        return bound;
    }

    private ChannelInitializer<SocketChannel> initializer(String listenerName) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                connections.add(ch);
                ch.pipeline()
                        .addLast("idle", new IdleStateHandler(0, 0, settings.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS))
                        .addLast("frame", new FrameDecoder(settings.maxRequestBytes()))
                        .addLast("decode", new RequestDecoder(registry))
                        .addLast("connection", new ConnectionHandler(registry, apiVersions, handlerPool, listenerName,
                                connectionIds.incrementAndGet(), settings.maxInFlightRequestsPerConnection(), inFlight));
            }
        };
    }

    @Override
    public void stopAccepting() {
        for (Channel channel : serverChannels) {
            channel.close().syncUninterruptibly();
        }
        serverChannels.clear();
    }

    @Override
    public void close() {
        stopAccepting();
        long deadline = System.currentTimeMillis() + CLOSE_GRACE_MS;
        while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.close().awaitUninterruptibly(CLOSE_GRACE_MS);
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (handlerPool != null) {
            handlerPool.shutdown();
            try {
                handlerPool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
