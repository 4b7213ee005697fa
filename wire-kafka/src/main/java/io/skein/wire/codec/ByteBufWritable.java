package io.skein.wire.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.skein.wire.api.FileRegionRecords;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.UnalignedMemoryRecords;

/**
 * A {@link Writable} that the generated message classes serialise into: every field goes into
 * one pooled direct buffer sized exactly for the non-record bytes, and each records field
 * becomes its own part. {@link FileRegionRecords} become a {@link FileRecordsRegion} (disk to
 * socket, never in the heap); in-memory records are copied into a part of their own so the main
 * buffer never has to grow. The result is the list of parts to write, in order: retained slices
 * of the main buffer interleaved with the records parts.
 *
 * <p>Single use, on one thread.
 */
final class ByteBufWritable implements Writable {

    private final ByteBufAllocator alloc;
    private final ByteBuf buffer;
    private final List<Object> parts = new ArrayList<>(1);
    /** Only needed if encoding fails half-way; created on first use. */
    private Set<BaseRecords> handedOff;
    private int partStart;

    ByteBufWritable(ByteBufAllocator alloc, int inlineBytes) {
        this.alloc = alloc;
        this.buffer = alloc.directBuffer(inlineBytes);
    }

    /** @return the parts to write, in order; the caller owns them */
    List<Object> finish() {
        if (parts.isEmpty()) {
            parts.add(buffer);
            return parts;
        }
        cut();
        buffer.release();
        return parts;
    }

    /** Releases everything built so far (which releases the file records already wrapped). */
    void releaseAll() {
        parts.forEach(ReferenceCountUtil::safeRelease);
        parts.clear();
        buffer.release();
    }

    /** The records this writer took ownership of (wrapped in a part, or released when empty). */
    Set<BaseRecords> handedOff() {
        return handedOff == null ? Set.of() : handedOff;
    }

    private void cut() {
        int end = buffer.writerIndex();
        if (end > partStart) {
            parts.add(buffer.retainedSlice(partStart, end - partStart));
            partStart = end;
        }
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof FileRegionRecords file) {
            if (handedOff == null) {
                handedOff = Collections.newSetFromMap(new IdentityHashMap<>());
            }
            handedOff.add(file);
            if (file.sizeInBytes() == 0) {
                file.release();
                return;
            }
            cut();
            parts.add(new FileRecordsRegion(file));
        } else if (records instanceof MemoryRecords memory) {
            copyAsPart(memory.buffer());
        } else if (records instanceof UnalignedMemoryRecords unaligned) {
            copyAsPart(unaligned.buffer());
        } else if (records != null) {
            throw new IllegalArgumentException("Cannot send records of type " + records.getClass().getName());
        }
    }

    private void copyAsPart(ByteBuffer bytes) {
        int size = bytes.remaining();
        if (size == 0) {
            return;
        }
        cut();
        ByteBuf copy = alloc.directBuffer(size, size);
        copy.writeBytes(bytes.duplicate());
        parts.add(copy);
    }

    @Override
    public void writeByte(byte val) {
        buffer.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        buffer.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        buffer.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        buffer.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        buffer.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        buffer.writeBytes(arr);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        buffer.writeBytes(buf.duplicate());
    }

    @Override
    public void writeUnsignedVarint(int i) {
        int value = i;
        while ((value & 0xffffff80) != 0) {
            buffer.writeByte((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        buffer.writeByte(value);
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long i) {
        long value = (i << 1) ^ (i >> 63);
        while ((value & 0xffffffffffffff80L) != 0L) {
            buffer.writeByte(((int) value & 0x7f) | 0x80);
            value >>>= 7;
        }
        buffer.writeByte((int) value);
    }
}
