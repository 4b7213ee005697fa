package io.skein.wire.codec;

import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A parsed request and the frame buffer its fields (produce records) still point into. The frame
 * is released once the handler's response is complete.
 *
 * @param request null for an ApiVersions request of a version this node does not know
 */
public record DecodedRequest(RequestHeader header, AbstractRequest request, ByteBuf frame, long receivedNanos) {
}
