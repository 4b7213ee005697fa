package io.skein.wire.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.skein.wire.api.FileRegionRecords;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Serialises a response (size prefix, header, body) with kafka-clients' generated classes into
 * Netty buffers, turning file-backed records into {@link FileRecordsRegion}s so their bytes go
 * from disk to socket without entering the heap.
 *
 * <p>Single-use, on one thread.
 */
public final class ResponseWriter implements Writable {

    private final ByteBufAllocator alloc;
    private final List<Object> parts = new ArrayList<>(3);
    private ByteBuf current;

    private ResponseWriter(ByteBufAllocator alloc, int initialCapacity) {
        this.alloc = alloc;
        this.current = alloc.directBuffer(initialCapacity);
    }

    /**
     * Encodes one response into the buffers and file regions to write, in order. On failure
     * nothing leaks: every part created so far is released, and file records not yet wrapped are
     * released by the caller.
     */
    public static List<Object> encode(ByteBufAllocator alloc, int correlationId, short headerVersion,
                                      ApiMessage body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        int headerSize = header.size(cache, headerVersion);
        int bodySize = body.size(cache, version);
        int total = headerSize + bodySize;
        ResponseWriter w = new ResponseWriter(alloc, Math.min(4 + total, 64 * 1024));
        try {
            w.writeInt(total);
            header.write(w, cache, headerVersion);
            body.write(w, cache, version);
            return w.finish();
        } catch (RuntimeException e) {
            w.releaseAll();
            throw e;
        }
    }

    private List<Object> finish() {
        if (current.isReadable()) {
            parts.add(current);
        } else {
            current.release();
        }
        current = null;
        return parts;
    }

    private void releaseAll() {
        for (Object part : parts) {
            ReferenceCountUtil.safeRelease(part);
        }
        if (current != null) {
            current.release();
        }
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof FileRegionRecords fileRecords) {
            if (fileRecords.sizeInBytes() == 0) {
                fileRecords.release();
                return;
            }
            parts.add(current);
            parts.add(new FileRecordsRegion(fileRecords));
            current = alloc.directBuffer(256);
        } else if (records instanceof MemoryRecords memory) {
            writeByteBuffer(memory.buffer());
        } else if (records != null) {
            throw new IllegalArgumentException("Cannot send records of type " + records.getClass().getName());
        }
    }

    @Override
    public void writeByte(byte val) {
        current.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        current.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        current.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        current.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        current.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        current.writeBytes(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
        int value = i;
        while ((value & 0xffffff80) != 0) {
            current.writeByte((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        current.writeByte(value);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        current.writeBytes(buf.duplicate());
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long i) {
        long value = (i << 1) ^ (i >> 63);
        while ((value & 0xffffffffffffff80L) != 0L) {
            current.writeByte(((int) value & 0x7f) | 0x80);
            value >>>= 7;
        }
        current.writeByte((int) value);
    }
}
