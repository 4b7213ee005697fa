package io.skein.log.segment;

import java.nio.ByteBuffer;

/**
 * Field positions of a magic v2 record batch header (Kafka's on-disk and wire format, big-endian):
 * <pre>
 *  0 baseOffset int64        8 length int32 (bytes after this field)   12 partitionLeaderEpoch int32
 * 16 magic int8             17 crc uint32 (CRC-32C of attributes..end) 21 attributes int16
 * 23 lastOffsetDelta int32  27 baseTimestamp int64                     35 maxTimestamp int64
 * 43 producerId int64       51 producerEpoch int16                     53 baseSequence int32
 * 57 recordCount int32      61 records...
 * </pre>
 * Stateless helpers that read the fields with absolute gets (no allocation).
 */
public final class BatchHeader {

    public static final int BASE_OFFSET = 0;
    public static final int LENGTH = 8;
    /** Bytes before the part the length field counts: base offset and the length itself. */
    public static final int LOG_OVERHEAD = 12;
    public static final int PARTITION_LEADER_EPOCH = 12;
    public static final int MAGIC = 16;
    public static final int CRC = 17;
    public static final int ATTRIBUTES = 21;
    public static final int LAST_OFFSET_DELTA = 23;
    public static final int BASE_TIMESTAMP = 27;
    public static final int MAX_TIMESTAMP = 35;
    public static final int PRODUCER_ID = 43;
    public static final int PRODUCER_EPOCH = 51;
    public static final int BASE_SEQUENCE = 53;
    public static final int RECORD_COUNT = 57;
    /** Size of the whole header; also the smallest possible batch. */
    public static final int SIZE = 61;

    private BatchHeader() {
    }

    /** Total bytes of the batch starting at {@code pos} (length field plus the 12-byte overhead). */
    public static int totalSize(ByteBuffer buf, int pos) {
        return buf.getInt(pos + LENGTH) + LOG_OVERHEAD;
    }

    public static long baseOffset(ByteBuffer buf, int pos) {
        return buf.getLong(pos + BASE_OFFSET);
    }

    public static long lastOffset(ByteBuffer buf, int pos) {
        return buf.getLong(pos + BASE_OFFSET) + buf.getInt(pos + LAST_OFFSET_DELTA);
    }

    public static long maxTimestamp(ByteBuffer buf, int pos) {
        return buf.getLong(pos + MAX_TIMESTAMP);
    }

    /** Reads the whole batch at {@code position} of {@code channel} and checks its CRC-32C (attributes to end). */
    public static boolean crcValid(java.nio.channels.FileChannel channel, long position, int total)
            throws java.io.IOException {
        ByteBuffer batch = ByteBuffer.allocate(total);
        long pos = position;
        while (batch.hasRemaining()) {
            int n = channel.read(batch, pos);
            if (n < 0) {
                return false;
            }
            pos += n;
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(batch.flip().position(ATTRIBUTES));
        return (int) crc.getValue() == batch.getInt(CRC);
    }

    public static int partitionLeaderEpoch(ByteBuffer buf, int pos) {
        return buf.getInt(pos + PARTITION_LEADER_EPOCH);
    }
}
