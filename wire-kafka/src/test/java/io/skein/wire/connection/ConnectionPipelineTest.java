package io.skein.wire.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.skein.wire.KafkaFrames;
import io.skein.wire.KafkaFrames.Response;
import io.skein.wire.TestFileRecords;
import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.api.ServerSettings;
import io.skein.wire.dispatch.ApiVersionsHandler;
import io.skein.wire.server.ConnectionPipeline;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole connection pipeline (as the server builds it) on an EmbeddedChannel, handlers inline. */
class ConnectionPipelineTest {

    private static final short METADATA_V = 12;

    private final List<CompletableFuture<ApiMessage>> pending = new ArrayList<>();
    private final InFlightRequests inFlight = new InFlightRequests();

    @TempDir
    Path dir;

    private CompletableFuture<ApiMessage> deferred() {
        CompletableFuture<ApiMessage> f = new CompletableFuture<>();
        pending.add(f);
        return f;
    }

    private EmbeddedChannel channel(HandlerRegistry registry, int maxInFlight) {
        return channel(registry, maxInFlight, 0);
    }

    private EmbeddedChannel channel(HandlerRegistry registry, int maxInFlight, long maxIdleMs) {
        ApiVersionsHandler.registerInto(registry);
        ServerSettings settings = new ServerSettings(List.of(), 1 << 20, 1, 1, maxInFlight, maxIdleMs);
        EmbeddedChannel ch = new EmbeddedChannel();
        new ConnectionPipeline(settings, registry, Runnable::run, inFlight).install(ch, "PLAINTEXT");
        return ch;
    }

    private EmbeddedChannel channel(HandlerRegistry registry) {
        return channel(registry, 16);
    }

    private static List<Response> responses(EmbeddedChannel ch, int count, short headerVersion) {
        ByteBuf out = KafkaFrames.drainOutbound(ch);
        try {
            List<Response> responses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                responses.add(Response.parse(KafkaFrames.nextFrame(out), headerVersion));
            }
            assertEquals(0, out.readableBytes(), "no bytes beyond the expected responses");
            return responses;
        } finally {
            out.release();
        }
    }

    private static Response response(EmbeddedChannel ch, short headerVersion) {
        return responses(ch, 1, headerVersion).get(0);
    }

    private static ApiVersionsRequestData apiVersionsRequest() {
        return new ApiVersionsRequestData().setClientSoftwareName("skein-test").setClientSoftwareVersion("1.0");
    }

    @Test
    void answersApiVersionsAtEveryVersionFromTheRegistryWithHeaderV0() {
        HandlerRegistry registry = new HandlerRegistry()
                .register(ApiKeys.PRODUCE, 3, 13, (c, r) -> CompletableFuture.completedFuture(null))
                .register(ApiKeys.METADATA, 12, 13, (c, r) -> CompletableFuture.completedFuture(null));
        EmbeddedChannel ch = channel(registry);
        for (short v = 0; v <= 4; v++) {
            ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.API_VERSIONS, v, 100 + v, apiVersionsRequest()));

            Response response = response(ch, (short) 0);
            ApiVersionsResponseData data = new ApiVersionsResponseData(response.accessor(), v);

            assertEquals(100 + v, response.correlationId());
            assertEquals(Errors.NONE.code(), data.errorCode(), "v" + v);
            assertEquals(0, data.throttleTimeMs());
            assertEquals(0, data.apiKeys().find(ApiKeys.PRODUCE.id).minVersion(), "Produce is advertised from v0");
            assertEquals(13, data.apiKeys().find(ApiKeys.PRODUCE.id).maxVersion());
            assertEquals(12, data.apiKeys().find(ApiKeys.METADATA.id).minVersion());
            assertEquals(0, data.apiKeys().find(ApiKeys.API_VERSIONS.id).minVersion());
            assertEquals(4, data.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion());
            assertNull(data.apiKeys().find(ApiKeys.FETCH.id), "nothing is advertised without a handler");
            assertEquals(3, data.apiKeys().size());
            assertTrue(data.finalizedFeatures().isEmpty());
            assertTrue(data.supportedFeatures().isEmpty());
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void answersApiVersionsNewerThanServedWithUnsupportedVersionAtV0() {
        for (int version : new int[] {5, 127}) {
            EmbeddedChannel ch = channel(new HandlerRegistry());

            ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.API_VERSIONS, version, 5, null));

            Response response = response(ch, (short) 0);
            ApiVersionsResponseData data = new ApiVersionsResponseData(response.accessor(), (short) 0);
            assertEquals(5, response.correlationId());
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), data.errorCode(), "v" + version);
            assertEquals(1, data.apiKeys().size());
            assertEquals(0, data.apiKeys().find(ApiKeys.API_VERSIONS.id).minVersion());
            assertEquals(4, data.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion());
            assertTrue(ch.isOpen(), "the client retries within the range on the same connection");
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void answersApiVersionsWithInvalidClientSoftwareNameWithInvalidRequest() {
        EmbeddedChannel ch = channel(new HandlerRegistry());

        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.API_VERSIONS, 3, 1, new ApiVersionsRequestData()
                .setClientSoftwareName("bad name!").setClientSoftwareVersion("1.0")));

        ApiVersionsResponseData data = new ApiVersionsResponseData(response(ch, (short) 0).accessor(), (short) 3);
        assertEquals(Errors.INVALID_REQUEST.code(), data.errorCode());
        ch.finishAndReleaseAll();
    }

    @Test
    void writesResponsesInRequestOrderWhenHandlersFinishOutOfOrder() {
        EmbeddedChannel ch = channel(new HandlerRegistry().register(ApiKeys.METADATA, 12, 12, (c, r) -> deferred()));
        for (int i = 0; i < 3; i++) {
            ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, METADATA_V, i, new MetadataRequestData()));
        }
        assertEquals(3, pending.size(), "each handler starts once the previous one returned its future");

        pending.get(2).complete(new MetadataResponseData().setClusterId("c2"));
        pending.get(1).complete(new MetadataResponseData().setClusterId("c1"));
        ch.runPendingTasks();
        assertTrue(ch.outboundMessages().isEmpty(), "nothing may leave before the first response");
        pending.get(0).complete(new MetadataResponseData().setClusterId("c0"));

        List<Response> responses = responses(ch, 3, (short) 1);
        for (int i = 0; i < 3; i++) {
            assertEquals(i, responses.get(i).correlationId());
            assertEquals("c" + i, new MetadataResponseData(responses.get(i).accessor(), METADATA_V).clusterId());
        }
        assertEquals(0, inFlight.count());
        ch.finishAndReleaseAll();
    }

    @Test
    void keepsOrderAcrossARequestThatGetsNoResponse() {
        EmbeddedChannel ch = channel(new HandlerRegistry().register(ApiKeys.METADATA, 12, 12, (c, r) -> deferred()));
        for (int i = 0; i < 3; i++) {
            ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, METADATA_V, i, new MetadataRequestData()));
        }

        pending.get(2).complete(new MetadataResponseData().setClusterId("c2"));
        pending.get(1).complete(null);
        ch.runPendingTasks();
        assertTrue(ch.outboundMessages().isEmpty());
        pending.get(0).complete(new MetadataResponseData().setClusterId("c0"));

        List<Response> responses = responses(ch, 2, (short) 1);
        assertEquals(0, responses.get(0).correlationId());
        assertEquals(2, responses.get(1).correlationId());
        ch.finishAndReleaseAll();
    }

    @Test
    void stopsReadingWhileTooManyRequestsAreUnanswered() {
        EmbeddedChannel ch = channel(new HandlerRegistry().register(ApiKeys.METADATA, 12, 12, (c, r) -> deferred()), 2);

        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, METADATA_V, 1, new MetadataRequestData()));
        assertTrue(ch.config().isAutoRead());
        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, METADATA_V, 2, new MetadataRequestData()));
        assertFalse(ch.config().isAutoRead(), "two unanswered requests reach the limit: stop reading");

        pending.forEach(f -> f.complete(new MetadataResponseData()));
        ch.runPendingTasks();

        assertTrue(ch.config().isAutoRead(), "answered: read again");
        ch.finishAndReleaseAll();
    }

    @Test
    void closesConnectionIdleForLongerThanTheLimit() {
        EmbeddedChannel ch = channel(new HandlerRegistry(), 16, 1000);
        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.API_VERSIONS, 3, 1, apiVersionsRequest()));
        response(ch, (short) 0);

        ch.advanceTimeBy(1500, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();

        assertFalse(ch.isOpen());
    }

    @Test
    void stopsReadingWhenTheServerStops() {
        EmbeddedChannel ch = channel(new HandlerRegistry());

        ch.pipeline().fireUserEventTriggered(StopReading.INSTANCE);

        assertFalse(ch.config().isAutoRead());
        ch.finishAndReleaseAll();
    }

    @Test
    void turnsAThrownHandlerFailureIntoKafkasErrorResponse() {
        EmbeddedChannel ch = channel(new HandlerRegistry().register(ApiKeys.METADATA, 12, 12, (c, r) -> {
            throw new IllegalStateException("boom");
        }));

        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, METADATA_V, 77, new MetadataRequestData()
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("t")))));

        Response response = response(ch, (short) 1);
        MetadataResponseData data = new MetadataResponseData(response.accessor(), METADATA_V);
        assertEquals(77, response.correlationId());
        assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), data.topics().find("t").errorCode());
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void turnsAFailedFutureIntoTheMatchingKafkaError() {
        EmbeddedChannel ch = channel(new HandlerRegistry().register(ApiKeys.METADATA, 12, 12,
                (c, r) -> CompletableFuture.failedFuture(new NotLeaderOrFollowerException("moved"))));

        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, METADATA_V, 78, new MetadataRequestData()
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("t")))));

        MetadataResponseData data = new MetadataResponseData(response(ch, (short) 1).accessor(), METADATA_V);
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), data.topics().find("t").errorCode());
        ch.finishAndReleaseAll();
    }

    @Test
    void sendsEarlierResponsesThenClosesWhenTheHandlerPoolRefusesWork() {
        HandlerRegistry registry = new HandlerRegistry()
                .register(ApiKeys.METADATA, 12, 12, (c, r) -> deferred());
        ApiVersionsHandler.registerInto(registry);
        AtomicInteger accepted = new AtomicInteger();
        Executor oneTaskOnly = task -> {
            if (accepted.getAndIncrement() > 0) {
                throw new RejectedExecutionException("shut down");
            }
            task.run();
        };
        EmbeddedChannel ch = new EmbeddedChannel();
        new ConnectionPipeline(new ServerSettings(List.of(), 1 << 20, 1, 1, 16, 0), registry, oneTaskOnly, inFlight)
                .install(ch, "PLAINTEXT");
        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, METADATA_V, 1, new MetadataRequestData()));
        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, METADATA_V, 2, new MetadataRequestData()));
        assertTrue(ch.isOpen(), "the close waits for the earlier response");

        pending.get(0).complete(new MetadataResponseData().setClusterId("first"));

        Response response = response(ch, (short) 1);
        assertEquals(1, response.correlationId());
        assertFalse(ch.isOpen());
        assertEquals(0, inFlight.count());
        ch.finishAndReleaseAll();
    }

    @Test
    void closesInTurnWhenAHandlerAsksToCloseTheConnection() {
        HandlerRegistry registry = new HandlerRegistry().register(ApiKeys.METADATA, 12, 12, (c, r) -> deferred());
        EmbeddedChannel ch = channel(registry);
        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, METADATA_V, 1, new MetadataRequestData()));
        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, METADATA_V, 2, new MetadataRequestData()));

        pending.get(1).completeExceptionally(new io.skein.wire.api.CloseConnectionException("acks=0 produce failed"));
        ch.runPendingTasks();
        assertTrue(ch.isOpen(), "the close waits for the earlier response");
        pending.get(0).complete(new MetadataResponseData().setClusterId("first"));

        Response response = response(ch, (short) 1);
        assertEquals(1, response.correlationId());
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void closesConnectionOnUnknownApiKey() {
        EmbeddedChannel ch = channel(new HandlerRegistry());

        ch.writeInbound(Unpooled.buffer().writeInt(10).writeShort(9999).writeShort(0).writeInt(1).writeShort(-1));

        assertFalse(ch.isOpen());
        assertEquals(0, inFlight.count());
    }

    @Test
    void closesConnectionOnUnsupportedVersion() {
        EmbeddedChannel ch = channel(new HandlerRegistry().register(ApiKeys.METADATA, 12, 12,
                (c, r) -> CompletableFuture.completedFuture(new MetadataResponseData())));

        ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.METADATA, 4, 1, new MetadataRequestData()));

        assertFalse(ch.isOpen());
    }

    @Test
    void releasesFileRecordsOfResponsesTheClosedConnectionCanNoLongerTake() throws Exception {
        Path file = Files.write(dir.resolve("segment"), new byte[64]);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            TestFileRecords waiting = new TestFileRecords(channel, 0, 64);
            TestFileRecords late = new TestFileRecords(channel, 0, 64);
            EmbeddedChannel ch = channel(new HandlerRegistry().register(ApiKeys.FETCH, 12, 12, (c, r) -> deferred()));
            for (int i = 0; i < 3; i++) {
                ch.writeInbound(KafkaFrames.requestBuf(ApiKeys.FETCH, 12, i, new FetchRequestData()));
            }
            pending.get(1).complete(fetchOf(waiting));
            ch.runPendingTasks();

            ch.close();
            pending.get(2).complete(fetchOf(late));
            pending.get(0).complete(null);
            ch.runPendingTasks();

            assertEquals(1, waiting.releases(), "queued behind an unanswered request when the connection closed");
            assertEquals(1, late.releases(), "completed after the connection closed");
            assertEquals(0, inFlight.count());
            ch.finishAndReleaseAll();
        }
    }

    private static FetchResponseData fetchOf(TestFileRecords records) {
        return new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                .setTopic("t").setPartitions(List.of(new FetchResponseData.PartitionData().setRecords(records)))));
    }
}
