package io.skein.wire.codec;

import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * Serialises one response frame (4-byte size, header, body) with kafka-clients' generated
 * classes. The size pass tells apart the record bytes (zero-copy) from the rest, so the buffer for
 * the rest is allocated once at its exact size; records become parts of their own (see
 * {@link ByteBufWritable}).
 *
 * <p>Ownership: on success the caller owns the returned parts, and with them the file records of
 * the body. On failure nothing leaks that can be reached: the parts built so far are released and
 * the remaining file records of the body are released too.
 *
 * <p>Stateless.
 */
public final class ResponseEncoder {

    private static final int SIZE_BYTES = 4;

    private ResponseEncoder() {
    }

    /** @return the buffers and file regions of the frame, in order */
    public static List<Object> encode(ByteBufAllocator alloc, int correlationId, short headerVersion,
                                      ApiMessage body, short version) {
        ByteBufWritable out = null;
        try {
            ObjectSerializationCache cache = new ObjectSerializationCache();
            ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
            MessageSizeAccumulator size = new MessageSizeAccumulator();
            header.addSize(size, cache, headerVersion);
            body.addSize(size, cache, version);
            out = new ByteBufWritable(alloc, SIZE_BYTES + size.sizeExcludingZeroCopy());
            out.writeInt(size.totalSize());
            header.write(out, cache, headerVersion);
            body.write(out, cache, version);
            return out.finish();
        } catch (RuntimeException e) {
            if (out != null) {
                out.releaseAll();
            }
            RecordsReleaser.release(body, version, out == null ? Set.of() : out.handedOff());
            throw e;
        }
    }
}
