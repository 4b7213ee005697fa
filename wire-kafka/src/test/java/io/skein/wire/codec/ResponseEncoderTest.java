package io.skein.wire.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.skein.wire.KafkaFrames;
import io.skein.wire.TestFileRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseEncoderTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final short FETCH_VERSION = 12;

    @TempDir
    Path dir;

    private static MemoryRecords records(String... values) {
        SimpleRecord[] simple = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            simple[i] = new SimpleRecord(values[i].getBytes());
        }
        return MemoryRecords.withRecords(Compression.NONE, simple);
    }

    private static FetchResponseData fetch(BaseRecords p0, BaseRecords p1) {
        return new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                .setTopic("t").setPartitions(List.of(
                        new FetchResponseData.PartitionData().setPartitionIndex(0).setHighWatermark(10).setRecords(p0),
                        new FetchResponseData.PartitionData().setPartitionIndex(1).setHighWatermark(20).setRecords(p1)))));
    }

    /** What kafka-clients itself would put on the wire for this response. */
    private static byte[] reference(int correlationId, short headerVersion, ApiMessage body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        ByteBuffer buf = ByteBuffer.allocate(4 + size).putInt(size);
        header.write(new ByteBufferAccessor(buf), cache, headerVersion);
        body.write(new ByteBufferAccessor(buf), cache, version);
        return buf.array();
    }

    private static byte[] bytesOf(List<Object> parts) {
        EmbeddedChannel ch = new EmbeddedChannel();
        parts.forEach(ch::writeOutbound);
        ByteBuf out = KafkaFrames.drainOutbound(ch);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        ch.finishAndReleaseAll();
        return bytes;
    }

    private TestFileRecords fileRecords(MemoryRecords content) throws IOException {
        Path file = dir.resolve("segment");
        ByteBuffer bytes = ByteBuffer.allocate(100 + content.sizeInBytes());
        bytes.put(new byte[100]).put(content.buffer().duplicate()).flip();
        Files.write(file, bytes.array());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new TestFileRecords(channel, 100, content.sizeInBytes());
    }

    @Test
    void writesFileRecordsAsAFileRegionBetweenBuffersByteIdenticalToKafkaClients() throws IOException {
        MemoryRecords inFile = records("a", "bb", "ccc");
        MemoryRecords inMemory = records("d");
        TestFileRecords file = fileRecords(inFile);

        List<Object> parts = ResponseEncoder.encode(ALLOC, 9, (short) 1, fetch(file, inMemory), FETCH_VERSION);

        assertEquals(5, parts.size(), "header and partition 0, file region, partition 1, memory records, rest");
        assertInstanceOf(ByteBuf.class, parts.get(0));
        assertInstanceOf(FileRegion.class, parts.get(1));
        byte[] expected = reference(9, (short) 1, fetch(inFile, inMemory), FETCH_VERSION);
        assertArrayEquals(expected, bytesOf(parts));
        assertEquals(1, file.releases());
        file.channel().close();
    }

    @Test
    void allocatesExactlyTheBytesOfAResponseWithoutRecords() {
        ApiVersionsResponseData body = new ApiVersionsResponseData();
        body.apiKeys().add(new ApiVersionsResponseData.ApiVersion().setApiKey(ApiKeys.FETCH.id).setMaxVersion((short) 17));

        List<Object> parts = ResponseEncoder.encode(ALLOC, 1, (short) 0, body, (short) 3);

        ByteBuf buf = (ByteBuf) parts.get(0);
        assertEquals(1, parts.size());
        assertEquals(0, buf.writableBytes(), "sized exactly by the size pass");
        assertArrayEquals(reference(1, (short) 0, body, (short) 3), bytesOf(parts));
    }

    @Test
    void releasesEmptyFileRecordsAtOnce() throws IOException {
        TestFileRecords empty = new TestFileRecords(FileChannel.open(Files.createFile(dir.resolve("empty")),
                StandardOpenOption.READ), 0, 0);

        List<Object> parts = ResponseEncoder.encode(ALLOC, 1, (short) 1, fetch(empty, MemoryRecords.EMPTY),
                FETCH_VERSION);

        assertEquals(1, empty.releases());
        assertArrayEquals(reference(1, (short) 1, fetch(MemoryRecords.EMPTY, MemoryRecords.EMPTY), FETCH_VERSION),
                bytesOf(parts));
        empty.channel().close();
    }

    @Test
    void releasesFileRecordsOfAFailedEncodingOnce() throws IOException {
        TestFileRecords file = fileRecords(records("x"));
        BaseRecords unsendable = new BaseRecords() {
            @Override
            public int sizeInBytes() {
                return 1;
            }

            @Override
            public org.apache.kafka.common.record.internal.RecordsSend<? extends BaseRecords> toSend() {
                throw new UnsupportedOperationException();
            }
        };

        assertThrows(IllegalArgumentException.class,
                () -> ResponseEncoder.encode(ALLOC, 1, (short) 1, fetch(file, unsendable), FETCH_VERSION));

        assertEquals(1, file.releases());
        file.channel().close();
    }

    @Test
    void releasesFileRecordsOfAResponseThatIsNeverSent() throws IOException {
        TestFileRecords file = fileRecords(records("x"));

        RecordsReleaser.release(fetch(MemoryRecords.EMPTY, file), FETCH_VERSION, Set.of());

        assertEquals(1, file.releases());
        file.channel().close();
    }
}
