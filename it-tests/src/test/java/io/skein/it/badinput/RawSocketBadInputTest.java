package io.skein.it.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.SkeinNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input on a raw socket is answered as Kafka answers it or the connection is closed, while a
 * well-behaved client on other connections keeps producing and fetching throughout.
 */
class RawSocketBadInputTest {

    private static SkeinNode node;
    private Thread goodClient;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicReference<Throwable> goodClientFailure = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        node = SkeinNode.start("badinput", Path.of("target", "it-data", "badinput-" + System.nanoTime()));
        try (Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("steady", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** Produces and fetches in a loop on its own connections for the whole test. */
    @BeforeEach
    void startGoodClient() {
        running.set(true);
        goodClient = new Thread(() -> {
            TopicPartition tp = new TopicPartition("steady", 0);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), new Properties());
                 KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), new Properties())) {
                consumer.assign(List.of(tp));
                consumer.seekToEnd(List.of(tp));
                while (running.get()) {
                    producer.send(new ProducerRecord<>("steady", "tick".getBytes())).get();
                    consumed.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
                }
            } catch (Throwable t) {
                goodClientFailure.set(t);
            }
        }, "good-client");
        goodClient.start();
    }

    @AfterEach
    void goodClientKeptWorking() throws Exception {
        long before = consumed.get();
        assertTrue(Clients.waitFor(() -> consumed.get() > before + 3, Duration.ofSeconds(30)),
                "the well-behaved client stopped making progress");
        running.set(false);
        goodClient.join(30_000);
        assertEquals(null, goodClientFailure.get(), "the well-behaved client failed");
    }

    @Test
    void closesConnectionOnOversizedFrame() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(ByteBuffer.allocate(4).putInt(200_000_000).array());
            s.getOutputStream().flush();
            assertClosed(s);
        }
        assertTrue(Clients.waitFor(() -> node.outputTail().contains("exceeds socket.request.max.bytes=104857600"),
                Duration.ofSeconds(10)), node.outputTail());
    }

    @Test
    void closesConnectionOnNegativeFrameSize() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(ByteBuffer.allocate(4).putInt(-5).array());
            s.getOutputStream().flush();
            assertClosed(s);
        }
    }

    @Test
    void closesConnectionOnGarbageAfterAValidHeader() throws Exception {
        ByteBuffer header = encodeHeader(ApiKeys.METADATA, (short) 12, 7);
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f, 1, 2, 3};
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(header.remaining() + garbage.length).array());
            out.write(header.array(), 0, header.remaining());
            out.write(garbage);
            out.flush();
            assertClosed(s);
        }
    }

    @Test
    void survivesATruncatedFrame() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(ByteBuffer.allocate(8).putInt(1000).putInt(12345).array());
            s.getOutputStream().flush();
        }
        try (Socket s = connect()) {
            ApiVersionsResponseData response = apiVersions(s, (short) 3);
            assertEquals(Errors.NONE.code(), response.errorCode());
        }
    }

    @Test
    void closesConnectionOnUnknownApiKey() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(14).putInt(10).putShort((short) 9999).putShort((short) 0)
                .putInt(1).putShort((short) -1);
        try (Socket s = connect()) {
            s.getOutputStream().write(frame.array());
            s.getOutputStream().flush();
            assertClosed(s);
        }
    }

    @Test
    void closesConnectionOnUnsupportedMetadataVersion() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(14).putInt(10).putShort(ApiKeys.METADATA.id).putShort((short) 99)
                .putInt(1).putShort((short) -1);
        try (Socket s = connect()) {
            s.getOutputStream().write(frame.array());
            s.getOutputStream().flush();
            assertClosed(s);
        }
    }

    @Test
    void answersTooNewApiVersionsWithUnsupportedVersionAtV0() throws Exception {
        try (Socket s = connect()) {
            ApiVersionsResponseData response = apiVersions(s, (short) 127);

            assertEquals(Errors.UNSUPPORTED_VERSION.code(), response.errorCode());
            ApiVersionsResponseData.ApiVersion own = response.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertEquals(0, own.minVersion());
            assertEquals(4, own.maxVersion());
        }
    }

    @Test
    void advertisesProduceFromVersionZero() throws Exception {
        try (Socket s = connect()) {
            ApiVersionsResponseData response = apiVersions(s, (short) 3);

            assertEquals(Errors.NONE.code(), response.errorCode());
            assertEquals(0, response.apiKeys().find(ApiKeys.PRODUCE.id).minVersion());
            assertEquals(null, response.apiKeys().find(ApiKeys.JOIN_GROUP.id), "groups are not implemented yet");
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", node.clientPort());
        s.setSoTimeout(15_000);
        return s;
    }

    private static void assertClosed(Socket s) throws IOException {
        try {
            int read = s.getInputStream().read();
            assertEquals(-1, read, "the broker answered instead of closing the connection");
        } catch (SocketException e) {
            // connection reset: closed as well
        }
    }

    private static ByteBuffer encodeHeader(ApiKeys api, short version, int correlationId) {
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id).setRequestApiVersion(version)
                .setCorrelationId(correlationId).setClientId("raw-socket-test");
        short headerVersion = api.requestHeaderVersion((short) Math.min(version, api.latestVersion()));
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buf = ByteBuffer.allocate(header.size(cache, headerVersion));
        header.write(new ByteBufferAccessor(buf), cache, headerVersion);
        buf.flip();
        return buf;
    }

    private static ApiVersionsResponseData apiVersions(Socket s, short version) throws IOException {
        ByteBuffer header = encodeHeader(ApiKeys.API_VERSIONS, version, 42);
        ApiMessage body = new ApiVersionsRequestData().setClientSoftwareName("raw-test").setClientSoftwareVersion("1.0");
        short bodyVersion = (short) Math.min(version, 4);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer bodyBuf = ByteBuffer.allocate(body.size(cache, bodyVersion));
        body.write(new ByteBufferAccessor(bodyBuf), cache, bodyVersion);
        bodyBuf.flip();
        OutputStream out = s.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(header.remaining() + bodyBuf.remaining()).array());
        out.write(header.array(), 0, header.remaining());
        out.write(bodyBuf.array(), 0, bodyBuf.remaining());
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        ByteBuffer response = ByteBuffer.wrap(frame);
        ResponseHeader responseHeader = ResponseHeader.parse(response, (short) 0);
        assertEquals(42, responseHeader.correlationId());
        short responseVersion = version > 4 ? 0 : version;
        return new ApiVersionsResponseData(new ByteBufferAccessor(response), responseVersion);
    }

}
