package io.skein.wire.codec;

import io.skein.wire.api.FileRegionRecords;
import java.nio.ByteBuffer;
import java.util.Set;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases the {@link FileRegionRecords} of a response that will never be sent (the connection
 * closed first, or encoding failed). The generated classes are the only thing that knows where
 * records fields sit, so the message is "written" into a sink that ignores every byte and only
 * releases the file records it meets.
 *
 * <p>Stateless.
 */
public final class RecordsReleaser {

    private static final Logger log = LoggerFactory.getLogger(RecordsReleaser.class);

    private RecordsReleaser() {
    }

    /** Releases every file records of {@code body} that is not in {@code alreadyReleased}. */
    public static void release(ApiMessage body, short version, Set<BaseRecords> alreadyReleased) {
        try {
            ObjectSerializationCache cache = new ObjectSerializationCache();
            body.size(cache, version);
            body.write(new Sink(alreadyReleased), cache, version);
        } catch (RuntimeException e) {
            log.error("Could not walk a {} v{} response to release its file records; some may leak",
                    body.getClass().getSimpleName(), version, e);
        }
    }

    private record Sink(Set<BaseRecords> skip) implements Writable {

        @Override
        public void writeRecords(BaseRecords records) {
            if (records instanceof FileRegionRecords file && !skip.contains(file)) {
                file.release();
            }
        }

        @Override
        public void writeByte(byte val) {
        }

        @Override
        public void writeShort(short val) {
        }

        @Override
        public void writeInt(int val) {
        }

        @Override
        public void writeLong(long val) {
        }

        @Override
        public void writeDouble(double val) {
        }

        @Override
        public void writeByteArray(byte[] arr) {
        }

        @Override
        public void writeUnsignedVarint(int i) {
        }

        @Override
        public void writeByteBuffer(ByteBuffer buf) {
        }

        @Override
        public void writeVarint(int i) {
        }

        @Override
        public void writeVarlong(long i) {
        }
    }
}
