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
 * Parses a frame into a {@link DecodedRequest} with kafka-clients ({@link RequestHeader#parse},
 * then {@link AbstractRequest#parseRequest}). Like Kafka 4.4 it closes the connection, with one
 * WARN line naming the peer, API key and correlation id, for: an API key kafka-clients does not
 * know or this node does not serve, a version outside the registered range (except ApiVersions,
 * passed on with a null request so it is answered with UNSUPPORTED_VERSION), and bytes that do
 * not parse.
 *
 * <p>The body is parsed from the frame's NIO view, so produce records are slices of the frame and
 * are not copied; the frame stays retained inside the {@link DecodedRequest}.
 *
 * <p>Threading: runs on the channel's event loop only; stateless apart from the read-only
 * registry.
 */
public final class RequestDecoder extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestDecoder.class);
    /** api key (2), api version (2), correlation id (4). */
    private static final int FIXED_HEADER_BYTES = 8;

    private final HandlerRegistry registry;

    public RequestDecoder(HandlerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        DecodedRequest decoded = null;
        try {
            decoded = ctx.channel().isActive() ? decode(ctx, frame) : null;
        } finally {
            if (decoded == null) {
                frame.release();
            }
        }
        if (decoded != null) {
            ctx.fireChannelRead(decoded);
        }
    }

    /** @return the request, or null after closing the connection */
    private DecodedRequest decode(ChannelHandlerContext ctx, ByteBuf frame) {
        long received = System.nanoTime();
        if (frame.readableBytes() < FIXED_HEADER_BYTES) {
            return close(ctx, "request of " + frame.readableBytes() + " bytes is too short for a header");
        }
        int start = frame.readerIndex();
        short apiId = frame.getShort(start);
        short version = frame.getShort(start + 2);
        int correlationId = frame.getInt(start + 4);
        if (!ApiKeys.hasId(apiId)) {
            return close(ctx, "unknown API key " + apiId + " (version " + version + ", correlation id "
                    + correlationId + ")");
        }
        ApiKeys api = ApiKeys.forId(apiId);
        if (registry.get(api) == null) {
            return close(ctx, "API key " + apiId + " (" + api + ") is not served by this node (version " + version
                    + ", correlation id " + correlationId + ")");
        }
        ByteBuffer nio = frame.nioBuffer();
        RequestHeader header;
        try {
            header = RequestHeader.parse(nio);
        } catch (RuntimeException e) {
            return close(ctx, "unparseable " + api + " v" + version + " request header (correlation id "
                    + correlationId + "): " + e.getMessage());
        }
        if (!registry.supports(api, version)) {
            if (api == ApiKeys.API_VERSIONS && version > registry.get(api).maxVersion()) {
                return new DecodedRequest(header, null, frame, received);
            }
            return close(ctx, "unsupported version " + version + " of " + api + " (correlation id "
                    + correlationId + ", client " + header.clientId() + ")");
        }
        try {
            AbstractRequest request = AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(nio)).request;
            return new DecodedRequest(header, request, frame, received);
        } catch (RuntimeException e) {
            return close(ctx, "malformed " + api + " v" + version + " request (correlation id " + correlationId
                    + ", client " + header.clientId() + "): " + e.getMessage());
        }
    }

    private static DecodedRequest close(ChannelHandlerContext ctx, String reason) {
        log.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
        return null;
    }
}
