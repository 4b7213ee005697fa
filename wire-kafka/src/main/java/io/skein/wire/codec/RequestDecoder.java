package io.skein.wire.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.skein.wire.api.HandlerRegistry;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a frame into a request header and body with kafka-clients. What Kafka closes the
 * connection for, this closes it for, with one log line: an unknown API key, a version the node
 * does not serve (except ApiVersions, which is answered with UNSUPPORTED_VERSION), bytes that do
 * not parse. Produce records are not copied: the body is parsed from the frame's NIO view.
 *
 * <p>Threading: runs on the channel's event loop only.
 */
public final class RequestDecoder extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestDecoder.class);

    private final HandlerRegistry registry;

    public RequestDecoder(HandlerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (!ctx.channel().isActive()) {
            frame.release(); // the connection is being closed for an earlier frame
            return;
        }
        long received = System.nanoTime();
        ByteBuffer nio = frame.nioBuffer();
        RequestHeader header;
        try {
            header = RequestHeader.parse(nio);
        } catch (RuntimeException e) {
            String described = describeHeader(frame);
            frame.release();
            closeWith(ctx, "unparseable request header (" + described + "): " + e.getMessage());
            return;
        }
        ApiKeys api = header.apiKey();
        short version = header.apiVersion();
        if (!registry.supports(api, version)) {
            if (api == ApiKeys.API_VERSIONS && registry.get(api) != null && version > registry.get(api).maxVersion()) {
                ctx.fireChannelRead(new DecodedRequest(header, null, frame, received));
                return;
            }
            frame.release();
            closeWith(ctx, (registry.get(api) == null ? "unsupported API " + api : "unsupported version " + version
                    + " of " + api) + " (correlation id " + header.correlationId() + ", client "
                    + header.clientId() + ")");
            return;
        }
        AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(nio)).request;
        } catch (RuntimeException e) {
            frame.release();
            closeWith(ctx, "malformed " + api + " v" + version + " request (correlation id " + header.correlationId()
                    + "): " + e.getMessage());
            return;
        }
        ctx.fireChannelRead(new DecodedRequest(header, request, frame, received));
    }

    private static String describeHeader(ByteBuf frame) {
        if (frame.readableBytes() < 4) {
            return frame.readableBytes() + "-byte frame";
        }
        return "api key " + frame.getShort(frame.readerIndex()) + " version " + frame.getShort(frame.readerIndex() + 2);
    }

    private static void closeWith(ChannelHandlerContext ctx, String reason) {
        log.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }
}
