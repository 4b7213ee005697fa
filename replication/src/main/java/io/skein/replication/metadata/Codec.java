package io.skein.replication.metadata;

import io.skein.replication.api.Endpoint;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/** Primitive encodings shared by the record, command and reply codecs (nullable strings, lists, uuids). Stateless. */
final class Codec {

    private Codec() {
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 1 << 20) {
            throw new IOException("byte field of " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    static void writeUuid(DataOutputStream out, Uuid id) throws IOException {
        Uuid u = id == null ? Uuid.ZERO_UUID : id;
        out.writeLong(u.getMostSignificantBits());
        out.writeLong(u.getLeastSignificantBits());
    }

    static Uuid readUuid(DataInputStream in) throws IOException {
        return new Uuid(in.readLong(), in.readLong());
    }

    static void writeInts(DataOutputStream out, List<Integer> list) throws IOException {
        out.writeInt(list.size());
        for (int i : list) {
            out.writeInt(i);
        }
    }

    static List<Integer> readInts(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Integer> list = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            list.add(in.readInt());
        }
        return List.copyOf(list);
    }

    static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    static Map<String, String> readMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(readString(in), readString(in));
        }
        return map;
    }

    static void writeEndpoints(DataOutputStream out, List<Endpoint> endpoints) throws IOException {
        out.writeInt(endpoints.size());
        for (Endpoint e : endpoints) {
            writeString(out, e.listenerName());
            writeString(out, e.host());
            out.writeInt(e.port());
            writeString(out, e.securityProtocol());
        }
    }

    static List<Endpoint> readEndpoints(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Endpoint> list = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            list.add(new Endpoint(readString(in), readString(in), in.readInt(), readString(in)));
        }
        return List.copyOf(list);
    }

    static void writeAclBinding(DataOutputStream out, AclBinding b) throws IOException {
        out.writeByte(b.pattern().resourceType().code());
        writeString(out, b.pattern().name());
        out.writeByte(b.pattern().patternType().code());
        writeString(out, b.entry().principal());
        writeString(out, b.entry().host());
        out.writeByte(b.entry().operation().code());
        out.writeByte(b.entry().permissionType().code());
    }

    static AclBinding readAclBinding(DataInputStream in) throws IOException {
        ResourcePattern pattern = new ResourcePattern(ResourceType.fromCode(in.readByte()), readString(in),
                PatternType.fromCode(in.readByte()));
        return new AclBinding(pattern, new AccessControlEntry(readString(in), readString(in),
                AclOperation.fromCode(in.readByte()), AclPermissionType.fromCode(in.readByte())));
    }

    static void writeAclFilter(DataOutputStream out, AclBindingFilter f) throws IOException {
        out.writeByte(f.patternFilter().resourceType().code());
        writeString(out, f.patternFilter().name());
        out.writeByte(f.patternFilter().patternType().code());
        writeString(out, f.entryFilter().principal());
        writeString(out, f.entryFilter().host());
        out.writeByte(f.entryFilter().operation().code());
        out.writeByte(f.entryFilter().permissionType().code());
    }

    static AclBindingFilter readAclFilter(DataInputStream in) throws IOException {
        ResourcePatternFilter pattern = new ResourcePatternFilter(ResourceType.fromCode(in.readByte()),
                readString(in), PatternType.fromCode(in.readByte()));
        return new AclBindingFilter(pattern, new AccessControlEntryFilter(readString(in), readString(in),
                AclOperation.fromCode(in.readByte()), AclPermissionType.fromCode(in.readByte())));
    }
}
