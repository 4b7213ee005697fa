package io.skein.it.harness;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A plain socket speaking Kafka's framing by hand (4-byte big-endian size, then the bytes), for
 * sending requests no well-behaved client would send. Request bytes are built with
 * kafka-clients' own generated message classes.
 */
public final class RawKafkaConnection implements AutoCloseable {

    private final Socket socket;
    private int lastCorrelationId;

    private RawKafkaConnection(Socket socket) {
        this.socket = socket;
    }

    /** Connects; a read that gets no byte within {@code readTimeout} fails. */
    public static RawKafkaConnection open(String host, int port, Duration readTimeout) throws IOException {
        Socket s = new Socket(host, port);
        s.setSoTimeout((int) readTimeout.toMillis());
        s.setTcpNoDelay(true);
        return new RawKafkaConnection(s);
    }

    /** Writes the bytes as they are (no size prefix added). */
    public void sendRaw(byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** Writes one frame: the size of the concatenated parts, then the parts. */
    public void sendFrame(byte[]... parts) throws IOException {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        ByteBuffer frame = ByteBuffer.allocate(4 + size).putInt(size);
        for (byte[] p : parts) {
            frame.put(p);
        }
        sendRaw(frame.array());
    }

    /** Sends a request header (the version the API's schema prescribes for that request version) and a body. */
    public void sendRequest(ApiKeys api, short version, int correlationId, Message body, short bodyVersion)
            throws IOException {
        sendFrame(header(api, version, correlationId), serialize(body, bodyVersion));
    }

    /**
     * Sends the request at {@code version} and parses the response it gets back: a well-formed
     * request whose answer (an error code, say) the test checks.
     */
    public ApiMessage call(ApiKeys api, short version, Message body) throws IOException {
        int correlationId = ++lastCorrelationId;
        sendRequest(api, version, correlationId, body, version);
        ByteBuffer frame = readFrame();
        ResponseHeader header = ResponseHeader.parse(frame, api.responseHeaderVersion(version));
        if (header.correlationId() != correlationId) {
            throw new AssertionError("response to correlation id " + header.correlationId() + ", expected "
                    + correlationId);
        }
        return AbstractResponse.parseResponse(api, new ByteBufferAccessor(frame), version).data();
    }

    /** Reads one response frame; fails if the broker closes the connection or says nothing in time. */
    public ByteBuffer readFrame() throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int size = in.readInt();
        byte[] frame = new byte[size];
        in.readFully(frame);
        return ByteBuffer.wrap(frame);
    }

    /**
     * Reads until the broker closes the connection (end of stream or reset) and returns empty; or,
     * if the broker sends a frame instead, returns that frame. Fails if the broker does neither
     * within the read timeout.
     */
    public Optional<ByteBuffer> awaitCloseOrFrame() throws IOException {
        try {
            return Optional.of(readFrame());
        } catch (EOFException e) {
            return Optional.empty(); // closed (possibly after part of a frame)
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the broker neither answered nor closed the connection within "
                    + socket.getSoTimeout() + " ms", e);
        } catch (SocketException e) {
            return Optional.empty(); // reset by the broker: closed as well
        }
    }

    /** Asserts that the broker closes the connection without sending a response. */
    public void assertClosedByBroker() throws IOException {
        Optional<ByteBuffer> frame = awaitCloseOrFrame();
        if (frame.isPresent()) {
            throw new AssertionError("the broker answered with a " + frame.get().remaining()
                    + "-byte frame instead of closing the connection");
        }
    }

    /** The request header bytes for the API and version. */
    public static byte[] header(ApiKeys api, short version, int correlationId) {
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id).setRequestApiVersion(version)
                .setCorrelationId(correlationId).setClientId("skein-it-raw-socket");
        return serialize(header, api.requestHeaderVersion(version));
    }

    public static byte[] serialize(Message message, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buf = ByteBuffer.allocate(message.size(cache, version));
        message.write(new ByteBufferAccessor(buf), cache, version);
        return buf.array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
