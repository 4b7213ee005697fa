package io.skein.it.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.BackgroundTraffic;
import io.skein.it.harness.Clients;
import io.skein.it.harness.RawKafkaConnection;
import io.skein.it.harness.TestBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Malformed or unsupported input on a raw socket is refused the way Kafka 4.4 refuses it (mostly
 * by closing that one connection), while a well-behaved kafka-clients producer and consumer on
 * their own connections keep producing and fetching throughout.
 */
class RawSocketBadInputTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final int DEFAULT_MAX_REQUEST_BYTES = 104_857_600;
    private static TestBroker broker;
    private static TopicPartition steady;
    private BackgroundTraffic traffic;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start("badinput");
        steady = new TopicPartition(broker.topic("steady"), 0);
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(steady.topic(), 1, (short) 1))).all().get();
            Clients.awaitTopic(admin, steady.topic(), 1, Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void startWellBehavedClient() {
        traffic = BackgroundTraffic.start(broker.bootstrap(), steady);
        traffic.assertProgress(Duration.ofSeconds(30)); // it works before the bad input, too
    }

    @AfterEach
    void wellBehavedClientKeptWorking() {
        try {
            traffic.assertProgress(Duration.ofSeconds(30));
        } finally {
            traffic.close();
        }
    }

    @Test
    void closesConnectionOnFrameLargerThanSocketRequestMaxBytes() throws Exception {
        int size = 200_000_000;
        try (RawKafkaConnection c = connect()) {
            c.sendRaw(ByteBuffer.allocate(4).putInt(size).array());

            c.assertClosedByBroker();
        }
        if (!broker.isExternal()) {
            Clients.await("one log line naming the oversized frame and socket.request.max.bytes", Duration.ofSeconds(10),
                    () -> oversizedFrameLogLines(size) == 1);
        }
    }

    private static long oversizedFrameLogLines(int size) {
        return broker.outputLines().stream()
                .filter(l -> l.contains(Integer.toString(size)) && l.contains("socket.request.max.bytes"))
                .count();
    }

    @Test
    void closesConnectionOnNegativeFrameSize() throws Exception {
        try (RawKafkaConnection c = connect()) {
            c.sendRaw(ByteBuffer.allocate(4).putInt(-5).array());

            c.assertClosedByBroker();
        }
    }

    @Test
    void closesConnectionOrAnswersWithErrorOnGarbageAfterAValidHeader() throws Exception {
        int correlationId = 7;
        byte[] header = RawKafkaConnection.header(ApiKeys.METADATA, (short) 12, correlationId);
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f, 1, 2, 3};
        try (RawKafkaConnection c = connect()) {
            c.sendFrame(header, garbage);

            Optional<ByteBuffer> answer = c.awaitCloseOrFrame();
            answer.ifPresent(frame -> assertEquals(correlationId, frame.getInt(),
                    "a response to the garbage request must at least carry its correlation id"));
        }
    }

    @Test
    void keepsServingOthersAfterATruncatedFrame() throws Exception {
        try (RawKafkaConnection c = connect()) {
            byte[] partOfHeader = ByteBuffer.allocate(6).putShort(ApiKeys.METADATA.id).putShort((short) 12)
                    .putShort((short) 0).array();
            c.sendRaw(ByteBuffer.allocate(4).putInt(1000).array());
            c.sendRaw(partOfHeader);
        } // our side closes mid-frame

        try (RawKafkaConnection c = connect()) {
            ApiVersionsResponseData response = apiVersions(c, (short) 3);
            assertEquals(Errors.NONE.code(), response.errorCode());
        }
    }

    @Test
    void closesConnectionOnUnknownApiKey() throws Exception {
        byte[] header = ByteBuffer.allocate(10).putShort((short) 9999).putShort((short) 0).putInt(1)
                .putShort((short) -1).array(); // header v1: key, version, correlation id, null client id
        try (RawKafkaConnection c = connect()) {
            c.sendFrame(header);

            c.assertClosedByBroker();
        }
    }

    @Test
    void closesConnectionOnUnsupportedMetadataVersion() throws Exception {
        byte[] header = RawKafkaConnection.header(ApiKeys.METADATA, (short) 99, 3);
        try (RawKafkaConnection c = connect()) {
            c.sendFrame(header, new byte[] {0, 0, 0}); // an empty flexible body would be a few zero bytes

            c.assertClosedByBroker();
        }
    }

    @Test
    void answersTooNewApiVersionsRequestWithUnsupportedVersionInAVersion0Response() throws Exception {
        try (RawKafkaConnection c = connect()) {
            ApiVersionsResponseData response = apiVersions(c, (short) 127);

            assertEquals(Errors.UNSUPPORTED_VERSION.code(), response.errorCode());
            ApiVersion own = response.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertNotNull(own, "the error response must still say which ApiVersions versions the broker supports");
            assertEquals(0, own.minVersion());
            assertTrue(own.maxVersion() >= 3, "ApiVersions max version " + own.maxVersion());
        }
    }

    @Test
    void advertisesProduceFromVersion0ForLibrdkafka() throws Exception {
        try (RawKafkaConnection c = connect()) {
            ApiVersionsResponseData response = apiVersions(c, (short) 3);

            assertEquals(Errors.NONE.code(), response.errorCode());
            ApiVersion produce = response.apiKeys().find(ApiKeys.PRODUCE.id);
            assertNotNull(produce, "Produce is not advertised");
            assertEquals(0, produce.minVersion(), "Produce min version (KAFKA-18659: librdkafka needs 0)");
        }
    }

    private static RawKafkaConnection connect() throws IOException {
        return RawKafkaConnection.open(broker.host(), broker.port(), READ_TIMEOUT);
    }

    /**
     * Sends ApiVersions at the given version and parses the answer. A version the broker does not
     * know is answered at version 0, so the body then is parsed as version 0.
     */
    private static ApiVersionsResponseData apiVersions(RawKafkaConnection c, short version) throws IOException {
        int correlationId = 42;
        short latest = ApiKeys.API_VERSIONS.latestVersion();
        ApiVersionsRequestData body = new ApiVersionsRequestData().setClientSoftwareName("skein-it")
                .setClientSoftwareVersion("1.0");
        c.sendRequest(ApiKeys.API_VERSIONS, version, correlationId, body, (short) Math.min(version, latest));
        ByteBuffer frame = c.readFrame();
        ResponseHeader header = ResponseHeader.parse(frame, (short) 0); // ApiVersions responses always use header v0
        assertEquals(correlationId, header.correlationId());
        short responseVersion = version > latest ? 0 : version;
        return new ApiVersionsResponseData(new ByteBufferAccessor(frame), responseVersion);
    }
}
