package io.skein.wire.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static byte[] frames() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeInt(3).writeBytes(new byte[] {1, 2, 3});
        buf.writeInt(0);
        buf.writeInt(5).writeBytes(new byte[] {9, 8, 7, 6, 5});
        byte[] bytes = ByteBufUtil.getBytes(buf);
        buf.release();
        return bytes;
    }

    @Test
    void decodesFramesSplitAtEveryByteBoundary() {
        byte[] bytes = frames();
        for (int split = 0; split <= bytes.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));

            ch.writeInbound(Unpooled.copiedBuffer(bytes, 0, split));
            ch.writeInbound(Unpooled.copiedBuffer(bytes, split, bytes.length - split));

            assertFrame(ch.readInbound(), new byte[] {1, 2, 3});
            assertFrame(ch.readInbound(), new byte[0]);
            assertFrame(ch.readInbound(), new byte[] {9, 8, 7, 6, 5});
            assertNull(ch.readInbound());
            assertFalse(ch.finishAndReleaseAll());
        }
    }

    @Test
    void decodesFramesSplitAtEveryPairOfBoundaries() {
        byte[] bytes = frames();
        for (int a = 0; a <= bytes.length; a++) {
            for (int b = a; b <= bytes.length; b++) {
                EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));

                ch.writeInbound(Unpooled.copiedBuffer(bytes, 0, a));
                ch.writeInbound(Unpooled.copiedBuffer(bytes, a, b - a));
                ch.writeInbound(Unpooled.copiedBuffer(bytes, b, bytes.length - b));

                assertFrame(ch.readInbound(), new byte[] {1, 2, 3});
                assertFrame(ch.readInbound(), new byte[0]);
                assertFrame(ch.readInbound(), new byte[] {9, 8, 7, 6, 5});
                assertNull(ch.readInbound());
                ch.finishAndReleaseAll();
            }
        }
    }

    @Test
    void keepsAnEarlierFrameIntactWhileALargerOneAccumulates() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1 << 20));
        byte[] big = new byte[300_000];
        Arrays.fill(big, (byte) 7);
        ByteBuf first = Unpooled.buffer().writeInt(3).writeBytes(new byte[] {1, 2, 3}).writeInt(big.length)
                .writeBytes(big, 0, 10);

        ch.writeInbound(first);
        ByteBuf small = ch.readInbound();
        for (int offset = 10; offset < big.length; offset += 4096) {
            ch.writeInbound(Unpooled.copiedBuffer(big, offset, Math.min(4096, big.length - offset)));
        }

        assertFrame(small, new byte[] {1, 2, 3});
        assertFrame(ch.readInbound(), big);
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
    void acceptsFrameExactlyAtTheLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));

        ch.writeInbound(Unpooled.buffer().writeInt(100).writeBytes(new byte[100]));

        assertTrue(ch.isOpen());
        assertFrame(ch.readInbound(), new byte[100]);
        ch.finishAndReleaseAll();
    }

    @Test
    void limitsFramesToTheSaslReceiveSizeUntilAuthenticated() {
        java.util.concurrent.atomic.AtomicBoolean authenticated = new java.util.concurrent.atomic.AtomicBoolean();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100, 10, authenticated::get));

        ch.writeInbound(Unpooled.buffer().writeInt(10).writeBytes(new byte[10]));
        assertFrame(ch.readInbound(), new byte[10]);
        authenticated.set(true);
        ch.writeInbound(Unpooled.buffer().writeInt(50).writeBytes(new byte[50]));
        assertFrame(ch.readInbound(), new byte[50]);
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();

        EmbeddedChannel unauthenticated = new EmbeddedChannel(new FrameDecoder(100, 10, () -> false));
        unauthenticated.writeInbound(Unpooled.buffer().writeInt(11));
        assertFalse(unauthenticated.isOpen());
        assertNull(unauthenticated.readInbound());
    }

    @Test
    void rejectsNegativeFrameSize() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));

        ch.writeInbound(Unpooled.buffer().writeInt(-1).writeInt(0));

        assertFalse(ch.isOpen());
        assertNull(ch.readInbound());
    }

    @Test
    void dropsTruncatedFrameWhenPeerCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));
        ch.writeInbound(Unpooled.buffer().writeInt(3).writeBytes(new byte[] {1, 2, 3}).writeInt(10).writeByte(1));

        ch.close();

        assertFrame(ch.readInbound(), new byte[] {1, 2, 3});
        assertNull(ch.readInbound());
    }

    @Test
    void dropsTruncatedSizeWhenPeerCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));
        ch.writeInbound(Unpooled.buffer().writeShort(0));

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
