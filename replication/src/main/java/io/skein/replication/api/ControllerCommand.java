package io.skein.replication.api;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/** A request to change cluster metadata, validated by the active controller. */
public sealed interface ControllerCommand {

    /** A broker announces itself and its client endpoints. */
    record RegisterBroker(int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack)
            implements ControllerCommand {
    }

    /**
     * Fence a broker: it leaves Metadata, leadership moves off it to another unfenced replica of
     * the ISR (new leader epoch) and it leaves every ISR it was in (unless it was the last member,
     * then the partition has no leader). Sent by the active controller when the broker's session
     * expired, and by the broker itself on a clean stop ({@code controlledShutdown}). Ignored
     * (STALE_BROKER_EPOCH) when the broker registered again with another incarnation since.
     * The item's message says how many leaderships moved.
     */
    record FenceBroker(int brokerId, Uuid incarnationId, boolean controlledShutdown) implements ControllerCommand {
    }

    /**
     * Unfence a broker that heartbeats again: it returns to Metadata and becomes leader of the
     * partitions left without one whose ISR it is in.
     */
    record UnfenceBroker(int brokerId, Uuid incarnationId) implements ControllerCommand {
    }

    /**
     * Create topics. Each item result is keyed by topic name.
     *
     * @param validateOnly check everything but write nothing
     */
    record CreateTopics(List<NewTopic> topics, boolean validateOnly) implements ControllerCommand {
    }

    /**
     * One topic to create.
     *
     * @param numPartitions -1 for {@code num.partitions}
     * @param replicationFactor -1 for {@code default.replication.factor}
     * @param assignments explicit replica assignment per partition (empty: the controller places them)
     * @param configs topic config overrides
     */
    record NewTopic(String name, int numPartitions, short replicationFactor,
                    Map<Integer, List<Integer>> assignments, Map<String, String> configs) {
    }

    /** Delete topics by name or id (exactly one of the two set per entry). Item results keyed by name, or by id when the name is unknown. */
    record DeleteTopics(List<TopicRef> topics) implements ControllerCommand {
    }

    /** A topic named by name or by id. */
    record TopicRef(String name, Uuid id) {
    }

    /** Raise partition counts. Item results keyed by topic name. */
    record CreatePartitions(List<PartitionIncrease> topics, boolean validateOnly) implements ControllerCommand {
    }

    /**
     * @param totalCount the new total number of partitions
     * @param assignments replicas for each new partition, in order (empty: the controller places them)
     */
    record PartitionIncrease(String topic, int totalCount, List<List<Integer>> assignments) {
    }

    /**
     * Writes nothing but a barrier through the log (and the cluster id if none was written yet):
     * once applied, everything committed before it is in the image.
     */
    record Barrier() implements ControllerCommand {
    }

    /**
     * Change topic configs: Kafka's IncrementalAlterConfigs ({@code replaceAll} false: each op
     * sets, deletes, appends to or subtracts from one key) or the legacy AlterConfigs
     * ({@code replaceAll} true: the topic's overrides become exactly the SET ops given). Item
     * results are keyed by topic name.
     */
    record AlterTopicConfigs(List<TopicConfigChange> topics, boolean validateOnly) implements ControllerCommand {
    }

    /** The config changes of one topic. */
    record TopicConfigChange(String topic, boolean replaceAll, List<ConfigOp> ops) {
    }

    /**
     * One config operation.
     *
     * @param op Kafka's AlterConfigOp type id: 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT
     */
    record ConfigOp(String key, byte op, String value) {
        public static final byte SET = 0;
        public static final byte DELETE = 1;
        public static final byte APPEND = 2;
        public static final byte SUBTRACT = 3;
    }

    /**
     * Create, replace or delete users' SCRAM credentials (AlterUserScramCredentials). Item results
     * are keyed by user name.
     */
    record AlterScramCredentials(List<ScramUpsertion> upsertions, List<ScramDeletion> deletions)
            implements ControllerCommand {
    }

    /** A credential to store: the broker derived the keys from the client's salted password. */
    record ScramUpsertion(String user, String mechanism, byte[] salt, byte[] storedKey, byte[] serverKey,
                          int iterations) {
    }

    record ScramDeletion(String user, String mechanism) {
    }

    /** Reserve a block of producer ids for a broker; the result's {@code producerIdStart} is the first. */
    record AllocateProducerIds(int brokerId, int count) implements ControllerCommand {
    }

    /**
     * Create ACL bindings (CreateAcls). Item results are keyed by the binding's index in
     * {@code bindings}, in order; a binding that already exists succeeds without a new record.
     */
    record CreateAcls(List<org.apache.kafka.common.acl.AclBinding> bindings) implements ControllerCommand {
    }

    /**
     * Delete every ACL binding matching any of the filters (DeleteAcls). Per filter, in order: one
     * item keyed by the filter's index with the filter's error, followed by one item per binding it
     * deleted, keyed {@code index/aclId}, whose message is {@link AclEntries#encode} of the binding.
     * A binding matched by several filters is reported under each (and removed once).
     */
    record DeleteAcls(List<org.apache.kafka.common.acl.AclBindingFilter> filters) implements ControllerCommand {
    }

    /**
     * Elect leaders (ElectLeaders): PREFERRED makes each partition's first replica its leader when
     * it is an unfenced ISR member; UNCLEAN gives a partition without a leader one, from the ISR if
     * possible, else any unfenced replica. Item results are keyed by {@code TopicPartition.toString()}
     * ({@code topic-partition}), one per distinct partition in order; with {@code partitions} null
     * every partition is tried and those answering ELECTION_NOT_NEEDED are left out, as in Kafka.
     */
    record ElectLeaders(org.apache.kafka.common.ElectionType type,
                        List<org.apache.kafka.common.TopicPartition> partitions) implements ControllerCommand {
    }

    /**
     * Start, replace or cancel partition reassignments (AlterPartitionReassignments, KIP-455). Item
     * results are keyed by {@code TopicPartition.toString()}, in order.
     *
     * @param allowReplicationFactorChange false refuses targets whose size differs from the
     *     original replicas' (INVALID_REPLICATION_FACTOR)
     */
    record AlterPartitionReassignments(List<ReassignmentTarget> partitions, boolean allowReplicationFactorChange)
            implements ControllerCommand {
    }

    /** One partition's target replicas; {@code replicas} null cancels its reassignment. */
    record ReassignmentTarget(String topic, int partition, List<Integer> replicas) {
    }
}
