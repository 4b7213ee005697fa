package io.skein.wire.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.wire.KafkaFrames;
import io.skein.wire.KafkaFrames.Response;
import io.skein.wire.TestFileRecords;
import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.api.KafkaWireServer;
import io.skein.wire.api.ServerSettings;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server on real sockets, spoken to like a client does. */
class NettyKafkaServerTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final short METADATA_V = 12;
    private static final short FETCH_V = 12;

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private static ServerSettings settings(ServerSettings.Listener... listeners) {
        return new ServerSettings(List.of(listeners), 1 << 20, 2, 2, 16, 60_000);
    }

    private static ServerSettings.Listener listener(String name, int port) {
        return new ServerSettings.Listener(name, new InetSocketAddress(LOOPBACK, port));
    }

    private InetSocketAddress start(HandlerRegistry registry) throws IOException {
        KafkaWireServer server = KafkaWireServer.create(settings(listener("PLAINTEXT", 0)), registry);
        closeables.add(server);
        return server.start().get("PLAINTEXT");
    }

    private InetSocketAddress start(HandlerRegistry registry, Transport transport) throws IOException {
        KafkaWireServer server = new NettyKafkaServer(settings(listener("PLAINTEXT", 0)), registry, transport);
        closeables.add(server);
        return server.start().get("PLAINTEXT");
    }

    private Client connect(InetSocketAddress address) throws IOException {
        Client client = new Client(new Socket(address.getAddress(), address.getPort()));
        closeables.add(client);
        return client;
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static MetadataResponseData metadata(String clusterId) {
        return new MetadataResponseData().setClusterId(clusterId);
    }

    @Test
    void roundTripsRequestsAndSendsFileRecordsByteIdentical() throws Exception {
        roundTripsRequestsAndSendsFileRecordsByteIdentical(null);
    }

    @Test
    void sendsFileRecordsByteIdenticalOverTheNioTransportToo() throws Exception {
        roundTripsRequestsAndSendsFileRecordsByteIdentical(Transport.nio("NIO (forced by the test)"));
    }

    private void roundTripsRequestsAndSendsFileRecordsByteIdentical(Transport transport) throws Exception {
        SimpleRecord[] values = new SimpleRecord[2000];
        for (int i = 0; i < values.length; i++) {
            values[i] = new SimpleRecord(("value-" + i + "-" + "x".repeat(100)).getBytes());
        }
        MemoryRecords content = MemoryRecords.withRecords(Compression.NONE, values);
        ByteBuffer fileBytes = ByteBuffer.allocate(100 + content.sizeInBytes()).put(new byte[100])
                .put(content.buffer().duplicate());
        Path segment = Files.write(dir.resolve("segment"), fileBytes.array());
        FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ);
        closeables.add(channel);
        TestFileRecords fileRecords = new TestFileRecords(channel, 100, content.sizeInBytes());
        List<String> handlerThreads = new ArrayList<>();
        HandlerRegistry registry = new HandlerRegistry()
                .register(ApiKeys.METADATA, 12, 12, (ctx, request) -> {
                    synchronized (handlerThreads) {
                        handlerThreads.add(Thread.currentThread().getName());
                    }
                    return CompletableFuture.completedFuture(metadata("skein-" + ctx.listenerName()));
                })
                .register(ApiKeys.FETCH, 12, 12, (ctx, request) -> CompletableFuture.completedFuture(
                        new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                                .setTopic("t").setPartitions(List.of(new FetchResponseData.PartitionData()
                                        .setPartitionIndex(0).setHighWatermark(2000).setRecords(fileRecords)))))));
        Client client = connect(transport == null ? start(registry) : start(registry, transport));

        ApiVersionsResponseData versions = new ApiVersionsResponseData(client.call(ApiKeys.API_VERSIONS, 3, 1,
                new ApiVersionsRequestData().setClientSoftwareName("t").setClientSoftwareVersion("1"), (short) 0)
                .accessor(), (short) 3);
        MetadataResponseData metadata = new MetadataResponseData(client.call(ApiKeys.METADATA, METADATA_V, 2,
                new MetadataRequestData(), (short) 1).accessor(), METADATA_V);
        Response fetchResponse = client.call(ApiKeys.FETCH, FETCH_V, 3, new FetchRequestData(), (short) 1);

        assertEquals(Errors.NONE.code(), versions.errorCode());
        assertEquals(12, versions.apiKeys().find(ApiKeys.FETCH.id).maxVersion());
        assertEquals("skein-PLAINTEXT", metadata.clusterId());
        assertEquals(3, fetchResponse.correlationId());
        FetchResponseData fetch = new FetchResponseData(fetchResponse.accessor(), FETCH_V);
        MemoryRecords received = (MemoryRecords) fetch.responses().get(0).partitions().get(0).records();
        assertArrayEquals(bytes(content.buffer()), bytes(received.buffer()));
        waitFor(() -> fileRecords.releases() > 0, "the file records to be released");
        assertEquals(1, fileRecords.releases());
        assertTrue(handlerThreads.get(0).startsWith("skein-request-handler"), handlerThreads.get(0));
    }

    @Test
    void closesAGarbageConnectionWhileAnotherKeepsBeingAnswered() throws Exception {
        InetSocketAddress address = start(new HandlerRegistry().register(ApiKeys.METADATA, 12, 12,
                (ctx, request) -> CompletableFuture.completedFuture(metadata("c"))));
        Client good = connect(address);
        Client garbage = connect(address);
        Client oversize = connect(address);

        garbage.send(new byte[] {0, 0, 0, 10, 0x27, 0x0f, 0, 0, 0, 0, 0, 1, -1, -1});
        oversize.send(new byte[] {0x0b, (byte) 0xeb, (byte) 0xc2, 0}); // 200,000,000 bytes, no body follows

        assertTrue(garbage.closedByServer());
        assertTrue(oversize.closedByServer());
        for (int i = 0; i < 3; i++) {
            Response response = good.call(ApiKeys.METADATA, METADATA_V, 10 + i, new MetadataRequestData(), (short) 1);
            assertEquals(10 + i, response.correlationId());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        InetSocketAddress address = start(new HandlerRegistry().register(ApiKeys.METADATA, 12, 12, (ctx, request) -> {
            int correlationId = ctx.header().correlationId();
            // later requests finish first
            return CompletableFuture.supplyAsync(() -> metadata("c" + correlationId),
                    CompletableFuture.delayedExecutor(50 - correlationId, TimeUnit.MILLISECONDS));
        }));
        Client client = connect(address);

        for (int i = 0; i < 10; i++) {
            client.send(KafkaFrames.request(ApiKeys.METADATA, METADATA_V, i, new MetadataRequestData()));
        }

        for (int i = 0; i < 10; i++) {
            Response response = Response.parse(client.readFrame(), (short) 1);
            assertEquals(i, response.correlationId());
            assertEquals("c" + i, new MetadataResponseData(response.accessor(), METADATA_V).clusterId());
        }
    }

    @Test
    void refusesToStartWhenAPortIsInUseAndLeavesNothingBound() throws Exception {
        int freePort;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            freePort = probe.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            KafkaWireServer server = KafkaWireServer.create(settings(listener("FIRST", freePort),
                    listener("SECOND", taken.getLocalPort())), new HandlerRegistry());
            closeables.add(server);

            IOException e = assertThrows(IOException.class, server::start);

            assertTrue(e.getMessage().contains("SECOND") && e.getMessage().contains(":" + taken.getLocalPort()),
                    e.getMessage());
            try (ServerSocket rebind = new ServerSocket(freePort, 1, LOOPBACK)) {
                assertEquals(freePort, rebind.getLocalPort(), "the first listener was unbound again");
            }
        }
    }

    @Test
    void answersRequestsInFlightBeforeClosing() throws Exception {
        CountDownLatch handlerCalled = new CountDownLatch(1);
        HandlerRegistry registry = new HandlerRegistry().register(ApiKeys.METADATA, 12, 12, (ctx, request) -> {
            handlerCalled.countDown();
            return CompletableFuture.supplyAsync(() -> metadata("late"),
                    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        });
        KafkaWireServer server = KafkaWireServer.create(settings(listener("PLAINTEXT", 0)), registry);
        closeables.add(server);
        InetSocketAddress address = server.start().get("PLAINTEXT");
        Client client = connect(address);
        client.send(KafkaFrames.request(ApiKeys.METADATA, METADATA_V, 42, new MetadataRequestData()));
        assertTrue(handlerCalled.await(10, TimeUnit.SECONDS));

        Thread closer = new Thread(server::close, "closer");
        closer.start();
        Response response = Response.parse(client.readFrame(), (short) 1);

        assertEquals(42, response.correlationId());
        assertEquals("late", new MetadataResponseData(response.accessor(), METADATA_V).clusterId());
        assertTrue(client.closedByServer());
        closer.join(TimeUnit.SECONDS.toMillis(15));
        assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** A blocking Kafka client over a plain socket. */
    private static final class Client implements AutoCloseable {

        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;

        Client(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(10_000);
            this.in = new DataInputStream(socket.getInputStream());
            this.out = new DataOutputStream(socket.getOutputStream());
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        byte[] readFrame() throws IOException {
            byte[] frame = new byte[in.readInt()];
            in.readFully(frame);
            return frame;
        }

        Response call(ApiKeys api, int version, int correlationId, ApiMessage body, short headerVersion)
                throws IOException {
            send(KafkaFrames.request(api, version, correlationId, body));
            Response response = Response.parse(readFrame(), headerVersion);
            assertNotNull(response);
            return response;
        }

        /** True once the server closed the connection (end of stream or reset). */
        boolean closedByServer() {
            try {
                return in.read() == -1;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
