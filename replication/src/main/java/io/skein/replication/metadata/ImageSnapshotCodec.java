package io.skein.replication.metadata;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The byte layout of a metadata image snapshot:
 * <pre>
 * magic       4 bytes  "SKMS"
 * format      int8     snapshot format, 1
 * offset      int64    the image's metadata log offset ({@link ImageState#offset()})
 * version     int64    the image's version ({@link ImageState#version()}), kept so the controller's
 *                      compare-and-set keeps working after a restart from the snapshot
 * length      int32    length of the entry that follows
 * entry       bytes    the records of {@link ImageRecords#of} as one {@link RecordCodec} entry
 *                      (with its own CRC)
 * crc         int32    CRC-32C of every byte before it
 * </pre>
 * Decoding checks the magic, format, lengths and both CRCs and throws
 * {@link MetadataCorruptionException} on any mismatch. Records keep their own versions (see
 * {@link RecordCodec}), so a snapshot written by an older build loads on a newer one.
 *
 * <p>Stateless.
 */
public final class ImageSnapshotCodec {

    private static final byte[] MAGIC = "SKMS".getBytes(StandardCharsets.US_ASCII);
    private static final byte FORMAT = 1;
    private static final int HEADER = 4 + 1 + 8 + 8 + 4;

    private ImageSnapshotCodec() {
    }

    public static byte[] encode(ImageState image) {
        byte[] entry = RecordCodec.encode(image.version(), ImageRecords.of(image));
        ByteBuffer buffer = ByteBuffer.allocate(HEADER + entry.length + 4);
        buffer.put(MAGIC).put(FORMAT).putLong(image.offset()).putLong(image.version()).putInt(entry.length).put(entry);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        return buffer.array();
    }

    public static ImageState decode(byte[] data) {
        if (data.length < HEADER + 4) {
            throw new MetadataCorruptionException("metadata snapshot of " + data.length + " bytes is too short");
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - 4);
        int stored = ByteBuffer.wrap(data, data.length - 4, 4).getInt();
        if ((int) crc.getValue() != stored) {
            throw new MetadataCorruptionException(String.format(
                    "metadata snapshot fails its CRC check (stored %08x, computed %08x)", stored, (int) crc.getValue()));
        }
        ByteBuffer buffer = ByteBuffer.wrap(data, 0, data.length - 4);
        byte[] magic = new byte[4];
        buffer.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new MetadataCorruptionException("not a metadata snapshot (bad magic)");
        }
        byte format = buffer.get();
        if (format != FORMAT) {
            throw new MetadataCorruptionException("unknown metadata snapshot format " + format);
        }
        long offset = buffer.getLong();
        long version = buffer.getLong();
        int length = buffer.getInt();
        if (length != buffer.remaining()) {
            throw new MetadataCorruptionException("metadata snapshot entry length " + length + " but "
                    + buffer.remaining() + " bytes follow");
        }
        byte[] entry = new byte[length];
        buffer.get(entry);
        RecordCodec.Entry decoded = RecordCodec.decode(entry);
        return ImageState.restored(decoded.records(), offset, version);
    }
}
