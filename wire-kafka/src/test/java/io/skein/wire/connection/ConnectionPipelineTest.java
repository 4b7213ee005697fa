package io.skein.wire.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.codec.RequestDecoder;
import io.skein.wire.dispatch.ApiVersionsHandler;
import io.skein.wire.frame.FrameDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;

/** The decode → dispatch → in-order response pipeline on an EmbeddedChannel. */
class ConnectionPipelineTest {

    private final List<CompletableFuture<ApiMessage>> pendingMetadata = new ArrayList<>();

    private EmbeddedChannel channel(HandlerRegistry registry) {
        registry.register(ApiKeys.API_VERSIONS, 0, ApiVersionsHandler.MAX_VERSION, (c, r) -> {
            throw new IllegalStateException();
        });
        return new EmbeddedChannel(new FrameDecoder(1 << 20), new RequestDecoder(registry),
                new ConnectionHandler(registry, new ApiVersionsHandler(registry), Runnable::run, "PLAINTEXT", 1, 16,
                        new AtomicInteger()));
    }

    private static ByteBuf request(ApiKeys api, short version, int correlationId, ApiMessage body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id).setRequestApiVersion(version)
                .setCorrelationId(correlationId).setClientId("test");
        short headerVersion = api.requestHeaderVersion((short) Math.min(version, api.latestVersion()));
        int size = header.size(cache, headerVersion) + (body == null ? 0 : body.size(cache, version));
        ByteBuffer buf = ByteBuffer.allocate(4 + size).putInt(size);
        header.write(new ByteBufferAccessor(buf), cache, headerVersion);
        if (body != null) {
            body.write(new ByteBufferAccessor(buf), cache, version);
        }
        return Unpooled.wrappedBuffer(buf.flip());
    }

    /** Reads one response frame: correlation id and body buffer positioned after the header. */
    private static ByteBuffer response(EmbeddedChannel ch, short headerVersion, int[] correlationOut) {
        ch.runPendingTasks();
        ByteBuf out = Unpooled.buffer();
        Object msg;
        while ((msg = ch.readOutbound()) != null) {
            out.writeBytes((ByteBuf) msg);
            ((ByteBuf) msg).release();
            if (out.readableBytes() >= 4 && out.readableBytes() >= 4 + out.getInt(0)) {
                break;
            }
        }
        int size = out.readInt();
        ByteBuffer frame = ByteBuffer.allocate(size);
        out.readBytes(frame);
        out.release();
        frame.flip();
        correlationOut[0] = ResponseHeader.parse(frame, headerVersion).correlationId();
        return frame;
    }

    @Test
    void answersApiVersionsAtEveryVersionFromTheRegistry() {
        HandlerRegistry registry = new HandlerRegistry()
                .register(ApiKeys.PRODUCE, 3, 13, (c, r) -> CompletableFuture.completedFuture(null));
        EmbeddedChannel ch = channel(registry);
        for (short v = 0; v <= 4; v++) {
            ch.writeInbound(request(ApiKeys.API_VERSIONS, v, 100 + v, new ApiVersionsRequestData()
                    .setClientSoftwareName("t").setClientSoftwareVersion("1")));
            int[] correlation = new int[1];
            ApiVersionsResponseData data = new ApiVersionsResponseData(
                    new ByteBufferAccessor(response(ch, (short) 0, correlation)), v);

            assertEquals(100 + v, correlation[0]);
            assertEquals(Errors.NONE.code(), data.errorCode());
            assertEquals(0, data.apiKeys().find(ApiKeys.PRODUCE.id).minVersion(), "Produce is advertised from v0");
            assertEquals(13, data.apiKeys().find(ApiKeys.PRODUCE.id).maxVersion());
            assertEquals(4, data.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion());
            assertEquals(null, data.apiKeys().find(ApiKeys.FETCH.id));
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void answersTooNewApiVersionsWithUnsupportedVersionAtV0() {
        EmbeddedChannel ch = channel(new HandlerRegistry());

        ch.writeInbound(request(ApiKeys.API_VERSIONS, (short) 9, 5, null));
        int[] correlation = new int[1];
        ApiVersionsResponseData data = new ApiVersionsResponseData(
                new ByteBufferAccessor(response(ch, (short) 0, correlation)), (short) 0);

        assertEquals(5, correlation[0]);
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), data.errorCode());
        assertEquals(4, data.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion());
        ch.finishAndReleaseAll();
    }

    @Test
    void writesResponsesInRequestOrderWhenHandlersFinishOutOfOrder() {
        HandlerRegistry registry = new HandlerRegistry().register(ApiKeys.METADATA, 12, 12, (c, r) -> {
            CompletableFuture<ApiMessage> f = new CompletableFuture<>();
            pendingMetadata.add(f);
            return f;
        });
        EmbeddedChannel ch = channel(registry);
        for (int i = 0; i < 3; i++) {
            ch.writeInbound(request(ApiKeys.METADATA, (short) 12, i, new MetadataRequestData()));
        }
        assertEquals(3, pendingMetadata.size());

        pendingMetadata.get(2).complete(new MetadataResponseData().setClusterId("c2"));
        pendingMetadata.get(1).complete(new MetadataResponseData().setClusterId("c1"));
        ch.runPendingTasks();
        assertTrue(ch.outboundMessages().isEmpty(), "nothing may leave before the first response");
        pendingMetadata.get(0).complete(new MetadataResponseData().setClusterId("c0"));
        ch.runPendingTasks();

        for (int i = 0; i < 3; i++) {
            int[] correlation = new int[1];
            MetadataResponseData data = new MetadataResponseData(
                    new ByteBufferAccessor(response(ch, (short) 1, correlation)), (short) 12);
            assertEquals(i, correlation[0]);
            assertEquals("c" + i, data.clusterId());
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void stopsReadingWhileTooManyRequestsAreUnanswered() {
        HandlerRegistry registry = new HandlerRegistry().register(ApiKeys.METADATA, 12, 12, (c, r) -> {
            CompletableFuture<ApiMessage> f = new CompletableFuture<>();
            pendingMetadata.add(f);
            return f;
        });
        registry.register(ApiKeys.API_VERSIONS, 0, ApiVersionsHandler.MAX_VERSION, (c, r) -> {
            throw new IllegalStateException();
        });
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1 << 20), new RequestDecoder(registry),
                new ConnectionHandler(registry, new ApiVersionsHandler(registry), Runnable::run, "PLAINTEXT", 1, 2,
                        new AtomicInteger()));

        ch.writeInbound(request(ApiKeys.METADATA, (short) 12, 1, new MetadataRequestData()));
        assertTrue(ch.config().isAutoRead());
        ch.writeInbound(request(ApiKeys.METADATA, (short) 12, 2, new MetadataRequestData()));
        assertFalse(ch.config().isAutoRead(), "two unanswered requests reach the limit: stop reading");

        pendingMetadata.forEach(f -> f.complete(new MetadataResponseData()));
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead(), "answered: read again");
        ch.finishAndReleaseAll();
    }

    @Test
    void closesTheConnectionInTurnWhenAHandlerAsksForIt() {
        HandlerRegistry registry = new HandlerRegistry().register(ApiKeys.METADATA, 12, 12, (c, r) -> {
            CompletableFuture<ApiMessage> f = new CompletableFuture<>();
            pendingMetadata.add(f);
            return f;
        });
        EmbeddedChannel ch = channel(registry);
        ch.writeInbound(request(ApiKeys.METADATA, (short) 12, 1, new MetadataRequestData()));
        ch.writeInbound(request(ApiKeys.METADATA, (short) 12, 2, new MetadataRequestData()));

        pendingMetadata.get(1).completeExceptionally(new io.skein.wire.api.CloseConnectionException("test"));
        ch.runPendingTasks();
        assertTrue(ch.isOpen(), "the earlier request is still unanswered");
        pendingMetadata.get(0).complete(new MetadataResponseData().setClusterId("first"));
        ch.runPendingTasks();

        int[] correlation = new int[1];
        MetadataResponseData data = new MetadataResponseData(
                new ByteBufferAccessor(response(ch, (short) 1, correlation)), (short) 12);
        assertEquals(1, correlation[0]);
        assertEquals("first", data.clusterId());
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void closesConnectionOnUnknownApiKey() {
        EmbeddedChannel ch = channel(new HandlerRegistry());

        ch.writeInbound(Unpooled.buffer().writeInt(10).writeShort(9999).writeShort(0).writeInt(1).writeShort(-1));

        assertFalse(ch.isOpen());
    }

    @Test
    void closesConnectionOnUnsupportedVersion() {
        HandlerRegistry registry = new HandlerRegistry().register(ApiKeys.METADATA, 12, 12,
                (c, r) -> CompletableFuture.completedFuture(new MetadataResponseData()));
        EmbeddedChannel ch = channel(registry);

        ch.writeInbound(request(ApiKeys.METADATA, (short) 4, 1, new MetadataRequestData()));

        assertFalse(ch.isOpen());
    }

    @Test
    void turnsHandlerFailureIntoKafkasErrorResponse() {
        HandlerRegistry registry = new HandlerRegistry().register(ApiKeys.METADATA, 12, 12, (c, r) -> {
            throw new IllegalStateException("boom");
        });
        EmbeddedChannel ch = channel(registry);

        ch.writeInbound(request(ApiKeys.METADATA, (short) 12, 77, new MetadataRequestData()
                .setTopics(new ArrayList<>(List.of(new MetadataRequestData.MetadataRequestTopic().setName("t"))))));
        ch.runPendingTasks();
        int[] correlation = new int[1];
        MetadataResponseData data = new MetadataResponseData(
                new ByteBufferAccessor(response(ch, (short) 1, correlation)), (short) 12);

        assertEquals(77, correlation[0]);
        assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), data.topics().find("t").errorCode());
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
    }
}
