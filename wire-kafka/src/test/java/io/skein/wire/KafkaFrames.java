package io.skein.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ResponseHeader;

/** Builds request frames and reads response frames the way a client does, for tests. */
public final class KafkaFrames {

    private KafkaFrames() {
    }

    /** A size-prefixed request frame; {@code body} null writes the header only. */
    public static byte[] request(ApiKeys api, int version, int correlationId, ApiMessage body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id)
                .setRequestApiVersion((short) version).setCorrelationId(correlationId).setClientId("test-client");
        short headerVersion = api.requestHeaderVersion((short) version);
        int size = header.size(cache, headerVersion) + (body == null ? 0 : body.size(cache, (short) version));
        ByteBuffer buf = ByteBuffer.allocate(4 + size).putInt(size);
        header.write(new ByteBufferAccessor(buf), cache, headerVersion);
        if (body != null) {
            body.write(new ByteBufferAccessor(buf), cache, (short) version);
        }
        return buf.array();
    }

    public static ByteBuf requestBuf(ApiKeys api, int version, int correlationId, ApiMessage body) {
        return Unpooled.wrappedBuffer(request(api, version, correlationId, body));
    }

    /** One response: its correlation id and its body, positioned after the header. */
    public record Response(int correlationId, ByteBuffer body) {

        public static Response parse(byte[] frame, short headerVersion) {
            ByteBuffer buf = ByteBuffer.wrap(frame);
            int correlationId = ResponseHeader.parse(buf, headerVersion).correlationId();
            return new Response(correlationId, buf.slice());
        }

        public ByteBufferAccessor accessor() {
            return new ByteBufferAccessor(body.duplicate());
        }
    }

    /** Everything the channel wrote so far (buffers and file regions), as bytes; releases it all. */
    public static ByteBuf drainOutbound(EmbeddedChannel channel) {
        channel.runPendingTasks();
        ByteBuf out = Unpooled.buffer();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            try {
                if (msg instanceof ByteBuf buf) {
                    out.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
                } else if (msg instanceof FileRegion region) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    WritableByteChannel sink = Channels.newChannel(bytes);
                    while (region.transferred() < region.count()) {
                        region.transferTo(sink, region.transferred());
                    }
                    out.writeBytes(bytes.toByteArray());
                } else {
                    throw new AssertionError("unexpected outbound message " + msg);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return out;
    }

    /** Splits size-prefixed frames off {@code out} (consumed). */
    public static byte[] nextFrame(ByteBuf out) {
        if (out.readableBytes() < 4 || out.readableBytes() < 4 + out.getInt(out.readerIndex())) {
            throw new AssertionError("no complete response frame (" + out.readableBytes() + " bytes)");
        }
        byte[] frame = new byte[out.readInt()];
        out.readBytes(frame);
        return frame;
    }
}
