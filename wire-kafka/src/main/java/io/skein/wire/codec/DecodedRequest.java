package io.skein.wire.codec;

import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A parsed request and the frame buffer its fields (produce records) still point into. Whoever
 * ends up holding it releases {@code frame} once, after the response was encoded or dropped.
 *
 * @param request null for an ApiVersions request of a version this node does not serve; it is
 *     answered with UNSUPPORTED_VERSION at version 0
 * @param receivedNanos {@code System.nanoTime()} when the frame was complete
 */
public record DecodedRequest(RequestHeader header, AbstractRequest request, ByteBuf frame, long receivedNanos) {

    public boolean isUnsupportedApiVersions() {
        return request == null;
    }
}
