package io.skein.wire.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The Netty transport: native epoll when the platform has it (needed for sendfile of file regions
 * and fewer copies), NIO otherwise.
 *
 * @param name for the start-up log line
 */
record Transport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannelClass) {

    static Transport best() {
        if (Epoll.isAvailable()) {
            return new Transport("native epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
        }
        return nio("NIO (epoll unavailable: " + Epoll.unavailabilityCause() + ")");
    }

    static Transport nio(String name) {
        return new Transport(name, NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }
}
