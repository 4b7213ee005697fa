package io.skein.replication.metadata;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The bytes of controller commands (client → controller) and of the controller's replies. Never
 * written to the metadata log (the log holds records), so the layout may change between releases
 * as long as every node of a cluster runs the same one. Command layout: type int8 (1 register
 * broker, 2 create topics, 3 delete topics, 4 create partitions, 5 allocate producer ids,
 * 6 barrier, 7 alter topic configs, 8 alter SCRAM credentials, 9 create ACLs, 10 delete ACLs,
 * 11 fence broker, 12 unfence broker, 20 elect leaders, 21 alter partition reassignments, 30 alter
 * partition (ISR)), then the command's fields in declaration order; a nullable list is a presence
 * bool, then the list.
 *
 * <p>Stateless.
 */
public final class CommandCodec {

    /**
     * The controller's answer to one log entry.
     *
     * @param stale the entry was computed against an image that was no longer current when it was
     *     applied, so it changed nothing; the command must be computed again
     */
    public record Reply(boolean stale, ControllerResult result) {
    }

    private CommandCodec() {
    }

    public static byte[] encode(ControllerCommand command) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            if (command instanceof ControllerCommand.RegisterBroker c) {
                out.writeByte(1);
                out.writeInt(c.brokerId());
                Codec.writeUuid(out, c.incarnationId());
                Codec.writeEndpoints(out, c.endpoints());
                Codec.writeString(out, c.rack());
            } else if (command instanceof ControllerCommand.CreateTopics c) {
                out.writeByte(2);
                out.writeBoolean(c.validateOnly());
                out.writeInt(c.topics().size());
                for (ControllerCommand.NewTopic t : c.topics()) {
                    Codec.writeString(out, t.name());
                    out.writeInt(t.numPartitions());
                    out.writeShort(t.replicationFactor());
                    Map<Integer, List<Integer>> assignments = t.assignments() == null ? Map.of() : t.assignments();
                    out.writeInt(assignments.size());
                    for (Map.Entry<Integer, List<Integer>> a : assignments.entrySet()) {
                        out.writeInt(a.getKey());
                        Codec.writeInts(out, a.getValue());
                    }
                    Codec.writeMap(out, t.configs() == null ? Map.of() : t.configs());
                }
            } else if (command instanceof ControllerCommand.DeleteTopics c) {
                out.writeByte(3);
                out.writeInt(c.topics().size());
                for (ControllerCommand.TopicRef ref : c.topics()) {
                    Codec.writeString(out, ref.name());
                    out.writeBoolean(ref.id() != null);
                    if (ref.id() != null) {
                        Codec.writeUuid(out, ref.id());
                    }
                }
            } else if (command instanceof ControllerCommand.CreatePartitions c) {
                out.writeByte(4);
                out.writeBoolean(c.validateOnly());
                out.writeInt(c.topics().size());
                for (ControllerCommand.PartitionIncrease inc : c.topics()) {
                    Codec.writeString(out, inc.topic());
                    out.writeInt(inc.totalCount());
                    List<List<Integer>> assignments = inc.assignments() == null ? List.of() : inc.assignments();
                    out.writeInt(assignments.size());
                    for (List<Integer> a : assignments) {
                        Codec.writeInts(out, a);
                    }
                }
            } else if (command instanceof ControllerCommand.AllocateProducerIds c) {
                out.writeByte(5);
                out.writeInt(c.brokerId());
                out.writeInt(c.count());
            } else if (command instanceof ControllerCommand.Barrier) {
                out.writeByte(6);
            } else if (command instanceof ControllerCommand.AlterScramCredentials c) {
                out.writeByte(8);
                out.writeInt(c.upsertions().size());
                for (ControllerCommand.ScramUpsertion u : c.upsertions()) {
                    Codec.writeString(out, u.user());
                    Codec.writeString(out, u.mechanism());
                    Codec.writeBytes(out, u.salt());
                    Codec.writeBytes(out, u.storedKey());
                    Codec.writeBytes(out, u.serverKey());
                    out.writeInt(u.iterations());
                }
                out.writeInt(c.deletions().size());
                for (ControllerCommand.ScramDeletion d : c.deletions()) {
                    Codec.writeString(out, d.user());
                    Codec.writeString(out, d.mechanism());
                }
            } else if (command instanceof ControllerCommand.AlterTopicConfigs c) {
                out.writeByte(7);
                out.writeBoolean(c.validateOnly());
                out.writeInt(c.topics().size());
                for (ControllerCommand.TopicConfigChange change : c.topics()) {
                    Codec.writeString(out, change.topic());
                    out.writeBoolean(change.replaceAll());
                    out.writeInt(change.ops().size());
                    for (ControllerCommand.ConfigOp op : change.ops()) {
                        Codec.writeString(out, op.key());
                        out.writeByte(op.op());
                        Codec.writeString(out, op.value());
                    }
                }
            } else if (command instanceof ControllerCommand.CreateAcls c) {
                out.writeByte(9);
                out.writeInt(c.bindings().size());
                for (org.apache.kafka.common.acl.AclBinding b : c.bindings()) {
                    Codec.writeAclBinding(out, b);
                }
            } else if (command instanceof ControllerCommand.DeleteAcls c) {
                out.writeByte(10);
                out.writeInt(c.filters().size());
                for (org.apache.kafka.common.acl.AclBindingFilter f : c.filters()) {
                    Codec.writeAclFilter(out, f);
                }
            } else if (command instanceof ControllerCommand.FenceBroker c) {
                out.writeByte(11);
                out.writeInt(c.brokerId());
                Codec.writeUuid(out, c.incarnationId());
                out.writeBoolean(c.controlledShutdown());
            } else if (command instanceof ControllerCommand.UnfenceBroker c) {
                out.writeByte(12);
                out.writeInt(c.brokerId());
                Codec.writeUuid(out, c.incarnationId());
            } else if (command instanceof ControllerCommand.AlterPartition c) {
                out.writeByte(30);
                out.writeInt(c.leaderId());
                Codec.writeUuid(out, c.topicId());
                out.writeInt(c.partition());
                out.writeInt(c.leaderEpoch());
                out.writeInt(c.partitionEpoch());
                Codec.writeInts(out, c.newIsr());
            } else if (command instanceof ControllerCommand.ElectLeaders c) {
                out.writeByte(20);
                out.writeByte(c.type().value);
                out.writeBoolean(c.partitions() != null);
                if (c.partitions() != null) {
                    out.writeInt(c.partitions().size());
                    for (TopicPartition tp : c.partitions()) {
                        Codec.writeString(out, tp.topic());
                        out.writeInt(tp.partition());
                    }
                }
            } else if (command instanceof ControllerCommand.AlterPartitionReassignments c) {
                out.writeByte(21);
                out.writeBoolean(c.allowReplicationFactorChange());
                out.writeInt(c.partitions().size());
                for (ControllerCommand.ReassignmentTarget t : c.partitions()) {
                    Codec.writeString(out, t.topic());
                    out.writeInt(t.partition());
                    out.writeBoolean(t.replicas() != null);
                    if (t.replicas() != null) {
                        Codec.writeInts(out, t.replicas());
                    }
                }
            } else {
                throw new IllegalArgumentException("unknown command " + command);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ControllerCommand decode(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int type = in.readByte();
            switch (type) {
                case 1:
                    return new ControllerCommand.RegisterBroker(in.readInt(), Codec.readUuid(in), Codec.readEndpoints(in),
                            Codec.readString(in));
                case 2: {
                    boolean validateOnly = in.readBoolean();
                    int n = in.readInt();
                    List<ControllerCommand.NewTopic> topics = new ArrayList<>(Math.min(n, 1024));
                    for (int i = 0; i < n; i++) {
                        String name = Codec.readString(in);
                        int partitions = in.readInt();
                        short rf = in.readShort();
                        int assignments = in.readInt();
                        Map<Integer, List<Integer>> map = new LinkedHashMap<>();
                        for (int a = 0; a < assignments; a++) {
                            map.put(in.readInt(), Codec.readInts(in));
                        }
                        topics.add(new ControllerCommand.NewTopic(name, partitions, rf, map, Codec.readMap(in)));
                    }
                    return new ControllerCommand.CreateTopics(topics, validateOnly);
                }
                case 3: {
                    int n = in.readInt();
                    List<ControllerCommand.TopicRef> refs = new ArrayList<>(Math.min(n, 1024));
                    for (int i = 0; i < n; i++) {
                        String name = Codec.readString(in);
                        refs.add(new ControllerCommand.TopicRef(name, in.readBoolean() ? Codec.readUuid(in) : null));
                    }
                    return new ControllerCommand.DeleteTopics(refs);
                }
                case 4: {
                    boolean validateOnly = in.readBoolean();
                    int n = in.readInt();
                    List<ControllerCommand.PartitionIncrease> incs = new ArrayList<>(Math.min(n, 1024));
                    for (int i = 0; i < n; i++) {
                        String topic = Codec.readString(in);
                        int total = in.readInt();
                        int a = in.readInt();
                        List<List<Integer>> assignments = new ArrayList<>(Math.min(a, 1024));
                        for (int j = 0; j < a; j++) {
                            assignments.add(Codec.readInts(in));
                        }
                        incs.add(new ControllerCommand.PartitionIncrease(topic, total, assignments));
                    }
                    return new ControllerCommand.CreatePartitions(incs, validateOnly);
                }
                case 5:
                    return new ControllerCommand.AllocateProducerIds(in.readInt(), in.readInt());
                case 6:
                    return new ControllerCommand.Barrier();
                case 8: {
                    int n = in.readInt();
                    List<ControllerCommand.ScramUpsertion> upsertions = new ArrayList<>(Math.min(n, 1024));
                    for (int i = 0; i < n; i++) {
                        upsertions.add(new ControllerCommand.ScramUpsertion(Codec.readString(in), Codec.readString(in),
                                Codec.readBytes(in), Codec.readBytes(in), Codec.readBytes(in), in.readInt()));
                    }
                    int m = in.readInt();
                    List<ControllerCommand.ScramDeletion> deletions = new ArrayList<>(Math.min(m, 1024));
                    for (int i = 0; i < m; i++) {
                        deletions.add(new ControllerCommand.ScramDeletion(Codec.readString(in), Codec.readString(in)));
                    }
                    return new ControllerCommand.AlterScramCredentials(upsertions, deletions);
                }
                case 7: {
                    boolean validateOnly = in.readBoolean();
                    int n = in.readInt();
                    List<ControllerCommand.TopicConfigChange> changes = new ArrayList<>(Math.min(n, 1024));
                    for (int i = 0; i < n; i++) {
                        String topic = Codec.readString(in);
                        boolean replaceAll = in.readBoolean();
                        int ops = in.readInt();
                        List<ControllerCommand.ConfigOp> list = new ArrayList<>(Math.min(ops, 1024));
                        for (int j = 0; j < ops; j++) {
                            list.add(new ControllerCommand.ConfigOp(Codec.readString(in), in.readByte(),
                                    Codec.readString(in)));
                        }
                        changes.add(new ControllerCommand.TopicConfigChange(topic, replaceAll, list));
                    }
                    return new ControllerCommand.AlterTopicConfigs(changes, validateOnly);
                }
                case 9: {
                    int n = in.readInt();
                    List<org.apache.kafka.common.acl.AclBinding> bindings = new ArrayList<>(Math.min(n, 1024));
                    for (int i = 0; i < n; i++) {
                        bindings.add(Codec.readAclBinding(in));
                    }
                    return new ControllerCommand.CreateAcls(bindings);
                }
                case 10: {
                    int n = in.readInt();
                    List<org.apache.kafka.common.acl.AclBindingFilter> filters = new ArrayList<>(Math.min(n, 1024));
                    for (int i = 0; i < n; i++) {
                        filters.add(Codec.readAclFilter(in));
                    }
                    return new ControllerCommand.DeleteAcls(filters);
                }
                case 11:
                    return new ControllerCommand.FenceBroker(in.readInt(), Codec.readUuid(in), in.readBoolean());
                case 12:
                    return new ControllerCommand.UnfenceBroker(in.readInt(), Codec.readUuid(in));
                case 20: {
                    ElectionType electionType = ElectionType.valueOf(in.readByte());
                    List<TopicPartition> partitions = null;
                    if (in.readBoolean()) {
                        int n = in.readInt();
                        partitions = new ArrayList<>(Math.min(n, 1024));
                        for (int i = 0; i < n; i++) {
                            partitions.add(new TopicPartition(Codec.readString(in), in.readInt()));
                        }
                    }
                    return new ControllerCommand.ElectLeaders(electionType, partitions);
                }
                case 21: {
                    boolean allowReplicationFactorChange = in.readBoolean();
                    int n = in.readInt();
                    List<ControllerCommand.ReassignmentTarget> targets = new ArrayList<>(Math.min(n, 1024));
                    for (int i = 0; i < n; i++) {
                        String topic = Codec.readString(in);
                        int partition = in.readInt();
                        targets.add(new ControllerCommand.ReassignmentTarget(topic, partition,
                                in.readBoolean() ? Codec.readInts(in) : null));
                    }
                    return new ControllerCommand.AlterPartitionReassignments(targets, allowReplicationFactorChange);
                }
                case 30:
                    return new ControllerCommand.AlterPartition(in.readInt(), Codec.readUuid(in), in.readInt(),
                            in.readInt(), in.readInt(), Codec.readInts(in));
                default:
                    throw new IllegalArgumentException("unknown command type " + type);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reply layout: stale flag, log offset, producer-id start, items (key, error code, message). */
    public static byte[] encodeReply(boolean stale, ControllerResult result) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeBoolean(stale);
            out.writeLong(result.offset());
            out.writeLong(result.producerIdStart());
            out.writeInt(result.items().size());
            for (ControllerResult.ItemResult item : result.items()) {
                Codec.writeString(out, item.key());
                out.writeShort(item.error().code());
                Codec.writeString(out, item.message());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Reply decodeReply(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            boolean stale = in.readBoolean();
            long offset = in.readLong();
            long producerIdStart = in.readLong();
            int n = in.readInt();
            List<ControllerResult.ItemResult> items = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                items.add(new ControllerResult.ItemResult(Codec.readString(in), Errors.forCode(in.readShort()),
                        Codec.readString(in)));
            }
            return new Reply(stale, new ControllerResult(offset, List.copyOf(items), producerIdStart));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
