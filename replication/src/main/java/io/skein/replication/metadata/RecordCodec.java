package io.skein.replication.metadata;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte layout of one metadata log entry:
 * <pre>
 * format version  int8   (1)
 * based-on        int64  image version the records were computed against (-1: unconditional)
 * record count    int32
 * records         (type int8, record version int8, fields...) x count
 * crc             int32  CRC-32C of everything before it
 * </pre>
 * A CRC mismatch or unknown type is a corrupt metadata log: fatal for the node.
 */
public final class RecordCodec {

    private static final byte FORMAT = 1;
    private static final byte V0 = 0;

    /** A decoded entry. */
    public record Entry(long basedOn, List<MetadataRecord> records) {
    }

    private RecordCodec() {
    }

    public static byte[] encode(long basedOn, List<MetadataRecord> records) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeLong(basedOn);
            out.writeInt(records.size());
            for (MetadataRecord r : records) {
                write(out, r);
            }
            out.flush();
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Entry decode(byte[] data) {
        if (data.length < 17) {
            throw new IllegalStateException("metadata log entry of " + data.length + " bytes is too short");
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - 4);
        int stored = ((data[data.length - 4] & 0xff) << 24) | ((data[data.length - 3] & 0xff) << 16)
                | ((data[data.length - 2] & 0xff) << 8) | (data[data.length - 1] & 0xff);
        if ((int) crc.getValue() != stored) {
            throw new IllegalStateException("metadata log entry fails its CRC check");
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 4));
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("unknown metadata entry format " + format);
            }
            long basedOn = in.readLong();
            int n = in.readInt();
            List<MetadataRecord> records = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                records.add(read(in));
            }
            return new Entry(basedOn, List.copyOf(records));
        } catch (IOException e) {
            throw new IllegalStateException("corrupt metadata log entry", e);
        }
    }

    private static void write(DataOutputStream out, MetadataRecord record) throws IOException {
        if (record instanceof MetadataRecord.ClusterId r) {
            header(out, 1);
            Codec.writeString(out, r.clusterId());
        } else if (record instanceof MetadataRecord.RegisterBroker r) {
            header(out, 2);
            out.writeInt(r.brokerId());
            Codec.writeUuid(out, r.incarnationId());
            Codec.writeEndpoints(out, r.endpoints());
            Codec.writeString(out, r.rack());
        } else if (record instanceof MetadataRecord.Topic r) {
            header(out, 3);
            Codec.writeString(out, r.name());
            Codec.writeUuid(out, r.topicId());
        } else if (record instanceof MetadataRecord.Partition r) {
            header(out, 4);
            Codec.writeUuid(out, r.topicId());
            out.writeInt(r.partition());
            Codec.writeInts(out, r.replicas());
            Codec.writeInts(out, r.isr());
            out.writeInt(r.leader());
            out.writeInt(r.leaderEpoch());
            out.writeInt(r.partitionEpoch());
        } else if (record instanceof MetadataRecord.Config r) {
            header(out, 5);
            Codec.writeUuid(out, r.topicId());
            Codec.writeString(out, r.key());
            Codec.writeString(out, r.value());
        } else if (record instanceof MetadataRecord.RemoveTopic r) {
            header(out, 6);
            Codec.writeUuid(out, r.topicId());
        } else if (record instanceof MetadataRecord.ProducerIds r) {
            header(out, 7);
            out.writeInt(r.brokerId());
            out.writeLong(r.nextProducerId());
        } else {
            throw new IllegalArgumentException("unknown record " + record);
        }
    }

    private static void header(DataOutputStream out, int type) throws IOException {
        out.writeByte(type);
        out.writeByte(V0);
    }

    private static MetadataRecord read(DataInputStream in) throws IOException {
        int type = in.readByte();
        int version = in.readByte();
        if (version != V0) {
            throw new IllegalStateException("unknown version " + version + " of metadata record type " + type);
        }
        return switch (type) {
            case 1 -> new MetadataRecord.ClusterId(Codec.readString(in));
            case 2 -> new MetadataRecord.RegisterBroker(in.readInt(), Codec.readUuid(in), Codec.readEndpoints(in),
                    Codec.readString(in));
            case 3 -> new MetadataRecord.Topic(Codec.readString(in), Codec.readUuid(in));
            case 4 -> new MetadataRecord.Partition(Codec.readUuid(in), in.readInt(), Codec.readInts(in),
                    Codec.readInts(in), in.readInt(), in.readInt(), in.readInt());
            case 5 -> new MetadataRecord.Config(Codec.readUuid(in), Codec.readString(in), Codec.readString(in));
            case 6 -> new MetadataRecord.RemoveTopic(Codec.readUuid(in));
            case 7 -> new MetadataRecord.ProducerIds(in.readInt(), in.readLong());
            default -> throw new IllegalStateException("unknown metadata record type " + type);
        };
    }
}
