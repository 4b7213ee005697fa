package io.skein.wire.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.skein.wire.KafkaFrames;
import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.api.RequestHandler;
import io.skein.wire.frame.FrameDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.Test;

class RequestDecoderTest {

    private static final RequestHandler NONE = (c, r) -> CompletableFuture.completedFuture(null);

    private final HandlerRegistry registry = new HandlerRegistry()
            .register(ApiKeys.PRODUCE, 3, 11, NONE)
            .register(ApiKeys.METADATA, 12, 12, NONE)
            .register(ApiKeys.API_VERSIONS, 0, 4, NONE);

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new FrameDecoder(1 << 20), new RequestDecoder(registry));
    }

    private static ProduceRequestData produce(MemoryRecords records) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName("t").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        return new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000).setTopicData(topics);
    }

    @Test
    void parsesProduceRecordsAsAViewOfTheFrameWithoutCopying() {
        MemoryRecords sent = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("hello".getBytes()));
        byte[] bytes = KafkaFrames.request(ApiKeys.PRODUCE, 11, 7, produce(sent));
        ByteBuf wire = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        EmbeddedChannel ch = channel();

        ch.writeInbound(wire);

        DecodedRequest decoded = ch.readInbound();
        ProduceRequest request = assertInstanceOf(ProduceRequest.class, decoded.request());
        MemoryRecords received = (MemoryRecords) request.data().topicData().iterator().next().partitionData().get(0)
                .records();
        byte[] expected = new byte[sent.sizeInBytes()];
        sent.buffer().duplicate().get(expected);
        byte[] actual = new byte[received.sizeInBytes()];
        received.buffer().duplicate().get(actual);
        assertArrayEquals(expected, actual);
        // a view, not a copy: a change to the frame's memory shows through the records
        int recordsOffset = indexOf(bytes, expected);
        wire.setByte(recordsOffset, 42);
        assertEquals(42, received.buffer().get(received.buffer().position()));
        assertEquals(7, decoded.header().correlationId());
        decoded.frame().release();
        ch.finishAndReleaseAll();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("records not found in the frame");
    }

    @Test
    void passesTooNewApiVersionsOnWithoutABody() {
        EmbeddedChannel ch = channel();

        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.API_VERSIONS, 127, 3, null));

        DecodedRequest decoded = ch.readInbound();
        assertTrue(decoded.isUnsupportedApiVersions());
        assertEquals(3, decoded.header().correlationId());
        assertTrue(ch.isOpen());
        decoded.frame().release();
        ch.finishAndReleaseAll();
    }

    @Test
    void closesConnectionOnApiKeyKafkaDoesNotKnow() {
        EmbeddedChannel ch = channel();

        ch.writeInbound(Unpooled.buffer().writeInt(10).writeShort(9999).writeShort(0).writeInt(1).writeShort(-1));

        assertFalse(ch.isOpen());
        assertNull(ch.readInbound());
    }

    @Test
    void closesConnectionOnApiThisNodeDoesNotServe() {
        EmbeddedChannel ch = channel();

        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.FIND_COORDINATOR, 4, 1, null));

        assertFalse(ch.isOpen());
    }

    @Test
    void closesConnectionOnUnsupportedVersion() {
        EmbeddedChannel ch = channel();

        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, 11, 1, new MetadataRequestData()));

        assertFalse(ch.isOpen());
    }

    @Test
    void closesConnectionOnProduceOlderThanImplementedThoughAdvertisedFromZero() {
        EmbeddedChannel ch = channel();
        ByteBuf frame = Unpooled.buffer();
        frame.writeInt(0).writeShort(ApiKeys.PRODUCE.id).writeShort(2).writeInt(5).writeShort(-1)
                .writeShort(1).writeInt(1000).writeInt(0);
        frame.setInt(0, frame.readableBytes() - 4);

        ch.writeInbound(frame);

        assertFalse(ch.isOpen());
    }

    @Test
    void closesConnectionOnBodyThatDoesNotParse() {
        EmbeddedChannel ch = channel();
        byte[] good = KafkaFrames.request(ApiKeys.METADATA, 12, 1, new MetadataRequestData()
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("topic"))));
        ByteBuffer truncated = ByteBuffer.wrap(good, 0, good.length - 6).slice();
        truncated.putInt(0, good.length - 10);

        ch.writeInbound(Unpooled.wrappedBuffer(truncated));

        assertFalse(ch.isOpen());
    }

    @Test
    void closesConnectionOnFrameTooShortForAHeader() {
        EmbeddedChannel ch = channel();

        ch.writeInbound(Unpooled.buffer().writeInt(3).writeByte(0).writeByte(3).writeByte(0));

        assertFalse(ch.isOpen());
    }

    @Test
    void parsesEveryRegisteredApiVersionsVersion() {
        for (short v = 0; v <= 4; v++) {
            EmbeddedChannel ch = channel();

            ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.API_VERSIONS, v, v, new ApiVersionsRequestData()
                    .setClientSoftwareName("client").setClientSoftwareVersion("1.0")));

            DecodedRequest decoded = ch.readInbound();
            assertEquals(v, decoded.request().version());
            decoded.frame().release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void parsesMetadataTopics() {
        EmbeddedChannel ch = channel();

        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, 12, 1, new MetadataRequestData()
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("topic")))));

        DecodedRequest decoded = ch.readInbound();
        assertEquals(List.of("topic"), ((MetadataRequest) decoded.request()).topics());
        decoded.frame().release();
        ch.finishAndReleaseAll();
    }
}
