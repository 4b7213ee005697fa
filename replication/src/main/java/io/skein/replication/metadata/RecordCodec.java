package io.skein.replication.metadata;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte layout of one metadata log entry (the payload of one Raft log entry):
 * <pre>
 * format      int8   entry format, 1
 * based-on    int64  image version the records were computed against (see {@link ImageState#version()})
 * count       int32  number of records
 * records     count x (type int8, record version int8, fields...)
 * crc         int32  CRC-32C of every byte before it
 * </pre>
 * Record types: 1 cluster id, 2 broker registration, 3 topic, 4 partition, 5 topic config,
 * 6 topic removal, 7 producer ids, 8 SCRAM credential, 9 SCRAM credential removal, 10 access
 * control entry, 11 access control entry removal, 12 partition reassignment (topic id, partition,
 * target replicas, original replicas), 13 partition reassignment ended; all at record version 0. An access control
 * entry is its id, then resource type int8, resource name, pattern type int8, principal, host,
 * operation int8 and permission type int8 (Kafka's codes). Strings are a presence byte plus
 * modified UTF-8, uuids two int64s, lists an int32 count plus items.
 *
 * <p>A new field means a new record version: the reader keeps decoding every older version, so a
 * log written by an older build replays on a newer one. A CRC mismatch, a truncated entry or an
 * unknown format, type or version throws {@link MetadataCorruptionException}.
 *
 * <p>Stateless.
 */
public final class RecordCodec {

    private static final byte FORMAT = 1;
    private static final byte V0 = 0;
    private static final int HEADER_AND_CRC = 1 + 8 + 4 + 4;

    /** A decoded entry. */
    public record Entry(long basedOn, List<MetadataRecord> records) {
    }

    private RecordCodec() {
    }

    public static byte[] encode(long basedOn, List<MetadataRecord> records) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 32 * records.size());
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
            throw new UncheckedIOException(e); // cannot happen on a byte array
        }
    }

    public static Entry decode(byte[] data) {
        if (data.length < HEADER_AND_CRC) {
            throw new MetadataCorruptionException("metadata log entry of " + data.length + " bytes is too short");
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - 4);
        int stored = ByteBuffer.wrap(data, data.length - 4, 4).getInt();
        if ((int) crc.getValue() != stored) {
            throw new MetadataCorruptionException(String.format(
                    "metadata log entry fails its CRC check (stored %08x, computed %08x)", stored, (int) crc.getValue()));
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 4));
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new MetadataCorruptionException("unknown metadata log entry format " + format);
            }
            long basedOn = in.readLong();
            int n = in.readInt();
            List<MetadataRecord> records = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                records.add(read(in));
            }
            if (in.available() > 0) {
                throw new MetadataCorruptionException(in.available() + " unexpected bytes after the last record");
            }
            return new Entry(basedOn, List.copyOf(records));
        } catch (IOException e) {
            throw new MetadataCorruptionException("truncated metadata log entry", e);
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
            out.writeBoolean(r.fenced());
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
        } else if (record instanceof MetadataRecord.ScramCredential r) {
            header(out, 8);
            Codec.writeString(out, r.user());
            Codec.writeString(out, r.mechanism());
            Codec.writeBytes(out, r.salt());
            Codec.writeBytes(out, r.storedKey());
            Codec.writeBytes(out, r.serverKey());
            out.writeInt(r.iterations());
        } else if (record instanceof MetadataRecord.RemoveScramCredential r) {
            header(out, 9);
            Codec.writeString(out, r.user());
            Codec.writeString(out, r.mechanism());
        } else if (record instanceof MetadataRecord.AccessControlEntry r) {
            header(out, 10);
            Codec.writeUuid(out, r.id());
            Codec.writeAclBinding(out, r.binding());
        } else if (record instanceof MetadataRecord.RemoveAccessControlEntry r) {
            header(out, 11);
            Codec.writeUuid(out, r.id());
        } else if (record instanceof MetadataRecord.Reassignment r) {
            header(out, 12);
            Codec.writeUuid(out, r.topicId());
            out.writeInt(r.partition());
            Codec.writeInts(out, r.target());
            Codec.writeInts(out, r.original());
        } else if (record instanceof MetadataRecord.ReassignmentEnded r) {
            header(out, 13);
            Codec.writeUuid(out, r.topicId());
            out.writeInt(r.partition());
        } else if (record instanceof MetadataRecord.ProducerIds r) {
            header(out, 7);
            out.writeInt(r.brokerId());
            out.writeLong(r.nextProducerId());
        } else {
            throw new IllegalArgumentException("unknown metadata record " + record);
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
            throw new MetadataCorruptionException("unknown version " + version + " of metadata record type " + type);
        }
        return switch (type) {
            case 1 -> new MetadataRecord.ClusterId(Codec.readString(in));
            case 2 -> new MetadataRecord.RegisterBroker(in.readInt(), Codec.readUuid(in), Codec.readEndpoints(in),
                    Codec.readString(in), in.readBoolean());
            case 3 -> new MetadataRecord.Topic(Codec.readString(in), Codec.readUuid(in));
            case 4 -> new MetadataRecord.Partition(Codec.readUuid(in), in.readInt(), Codec.readInts(in),
                    Codec.readInts(in), in.readInt(), in.readInt(), in.readInt());
            case 5 -> new MetadataRecord.Config(Codec.readUuid(in), Codec.readString(in), Codec.readString(in));
            case 6 -> new MetadataRecord.RemoveTopic(Codec.readUuid(in));
            case 7 -> new MetadataRecord.ProducerIds(in.readInt(), in.readLong());
            case 8 -> new MetadataRecord.ScramCredential(Codec.readString(in), Codec.readString(in),
                    Codec.readBytes(in), Codec.readBytes(in), Codec.readBytes(in), in.readInt());
            case 9 -> new MetadataRecord.RemoveScramCredential(Codec.readString(in), Codec.readString(in));
            case 10 -> new MetadataRecord.AccessControlEntry(Codec.readUuid(in), Codec.readAclBinding(in));
            case 11 -> new MetadataRecord.RemoveAccessControlEntry(Codec.readUuid(in));
            case 12 -> new MetadataRecord.Reassignment(Codec.readUuid(in), in.readInt(), Codec.readInts(in),
                    Codec.readInts(in));
            case 13 -> new MetadataRecord.ReassignmentEnded(Codec.readUuid(in), in.readInt());
            default -> throw new MetadataCorruptionException("unknown metadata record type " + type);
        };
    }
}
