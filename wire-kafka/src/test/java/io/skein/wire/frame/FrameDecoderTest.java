package io.skein.wire.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static byte[] frames() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeInt(3).writeBytes(new byte[] {1, 2, 3});
        buf.writeInt(0);
        buf.writeInt(5).writeBytes(new byte[] {9, 8, 7, 6, 5});
        return ByteBufUtil.getBytes(buf);
    }

    @Test
    void decodesFramesSplitAtEveryByteBoundary() {
        byte[] bytes = frames();
        for (int split = 0; split <= bytes.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));

            assertFrame(ch.readInbound(), new byte[] {1, 2, 3});
            assertFrame(ch.readInbound(), new byte[0]);
            assertFrame(ch.readInbound(), new byte[] {9, 8, 7, 6, 5});
            assertNull(ch.readInbound());
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void decodesFramesFedOneByteAtATime() {
        byte[] bytes = frames();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));
        for (byte b : bytes) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertFrame(ch.readInbound(), new byte[] {1, 2, 3});
        assertFrame(ch.readInbound(), new byte[0]);
        assertFrame(ch.readInbound(), new byte[] {9, 8, 7, 6, 5});
        ch.finishAndReleaseAll();
    }

    @Test
    void rejectsFrameLargerThanLimitAsSoonAsItsSizeArrives() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));

        ch.writeInbound(Unpooled.buffer().writeInt(101));

        assertFalse(ch.isOpen());
        assertNull(ch.readInbound());
    }

    @Test
    void rejectsNegativeFrameSize() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));

        ch.writeInbound(Unpooled.buffer().writeInt(-1).writeInt(0));

        assertFalse(ch.isOpen());
    }

    @Test
    void dropsTruncatedFrameWhenPeerCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));
        ch.writeInbound(Unpooled.buffer().writeInt(10).writeByte(1));

        ch.close();

        assertNull(ch.readInbound());
    }

    private static void assertFrame(Object msg, byte[] expected) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            assertEquals(expected.length, frame.readableBytes());
            assertArrayEquals(expected, ByteBufUtil.getBytes(frame));
        } finally {
            frame.release();
        }
    }
}
