package io.skein.replication.metadata;

import io.skein.replication.api.ControllerCommand;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;

/**
 * The bytes of the cluster-operation commands, part of {@link CommandCodec}'s layout:
 * <pre>
 * 20 elect leaders       election type int8, present bool, [count int32, (topic string, partition int32)...]
 * 21 alter reassignments allow-rf-change bool, count int32, (topic string, partition int32, present bool, [replicas int32 list])...
 * </pre>
 *
 * <p>Stateless.
 */
final class OperationsCodec {

    static final int ELECT_LEADERS = 20;
    static final int ALTER_REASSIGNMENTS = 21;

    private OperationsCodec() {
    }

    /** Writes the command's type and fields; returns false when it is not an operations command. */
    static boolean encode(ControllerCommand command, DataOutputStream out) throws IOException {
        if (command instanceof ControllerCommand.ElectLeaders c) {
            out.writeByte(ELECT_LEADERS);
            out.writeByte(c.type().value);
            out.writeBoolean(c.partitions() != null);
            if (c.partitions() != null) {
                out.writeInt(c.partitions().size());
                for (TopicPartition tp : c.partitions()) {
                    Codec.writeString(out, tp.topic());
                    out.writeInt(tp.partition());
                }
            }
            return true;
        }
        if (command instanceof ControllerCommand.AlterPartitionReassignments c) {
            out.writeByte(ALTER_REASSIGNMENTS);
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
            return true;
        }
        return false;
    }

    static ControllerCommand decode(int type, DataInputStream in) throws IOException {
        if (type == ELECT_LEADERS) {
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
        if (type == ALTER_REASSIGNMENTS) {
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
        throw new IllegalArgumentException("unknown command type " + type);
    }
}
