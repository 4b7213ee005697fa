package io.skein.wire.api;

import java.nio.channels.FileChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * Record bytes that live in a file, for a response's records field (Fetch). The server sends
 * them with {@code sendfile} (a Netty {@code FileRegion}) without copying them into the heap, and
 * calls {@link #release()} exactly once when they were sent or the send was abandoned.
 */
public interface FileRegionRecords extends BaseRecords {

    FileChannel channel();

    long position();

    /** Called once by the server after the bytes left (or could not leave). */
    void release();

    @Override
    default RecordsSend<? extends BaseRecords> toSend() {
        throw new UnsupportedOperationException("file records are sent by the Netty server as a FileRegion");
    }
}
