package io.skein.broker.server;

import io.skein.broker.config.BrokerConfig;
import io.skein.broker.config.BrokerConfigDef;
import io.skein.broker.handler.AclsHandler;
import io.skein.broker.handler.AlterConfigsHandler;
import io.skein.broker.handler.Authorization;
import io.skein.broker.handler.ClientQuotasHandler;
import io.skein.broker.handler.ClusterHandler;
import io.skein.broker.handler.ConfigsHandler;
import io.skein.broker.handler.ConsumerGroupHandler;
import io.skein.broker.handler.DeleteRecordsHandler;
import io.skein.broker.handler.DescribeProducersHandler;
import io.skein.broker.handler.DescribeQuorumHandler;
import io.skein.broker.handler.ElectLeadersHandler;
import io.skein.broker.handler.FetchHandler;
import io.skein.broker.handler.FindCoordinatorHandler;
import io.skein.broker.handler.GroupAdminHandler;
import io.skein.broker.handler.GroupMembershipHandler;
import io.skein.broker.handler.InternalTopic;
import io.skein.broker.handler.ListOffsetsHandler;
import io.skein.broker.handler.LogDirsHandler;
import io.skein.broker.handler.MetadataHandler;
import io.skein.broker.handler.OffsetCommitHandler;
import io.skein.broker.handler.OffsetFetchHandler;
import io.skein.broker.handler.OffsetForLeaderEpochHandler;
import io.skein.broker.handler.ProduceHandler;
import io.skein.broker.handler.ProducerIdHandler;
import io.skein.broker.handler.ReassignmentsHandler;
import io.skein.broker.handler.ScramCredentialsHandler;
import io.skein.broker.handler.TopicAdminHandler;
import io.skein.broker.handler.TransactionAdminHandler;
import io.skein.broker.handler.TransactionHandler;
import io.skein.broker.handler.TransactionVerification;
import io.skein.broker.handler.TxnOffsetCommitHandler;
import io.skein.broker.handler.WriteTxnMarkersHandler;
import io.skein.broker.partition.Partitions;
import io.skein.broker.purgatory.Purgatory;
import io.skein.broker.txn.LocalTransactionMarkers;
import io.skein.coordinator.group.GroupCoordinator;
import io.skein.coordinator.producerid.ProducerIdAllocator;
import io.skein.coordinator.transaction.TransactionCoordinator;
import io.skein.replication.api.MetadataQuorum;
import io.skein.security.acl.AclAuthorizer;
import io.skein.security.acl.DenialLog;
import io.skein.wire.api.HandlerRegistry;
import java.time.Clock;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Builds the handler registry: the one place that says which APIs this node serves. ApiVersions
 * is computed from it, so an API appears here only when it works end to end.
 */
final class Handlers {

    /** Denials logged at INFO per second at most; the rest are counted. */
    private static final int DENIALS_LOGGED_PER_SECOND = 20;

    private Handlers() {
    }

    /**
     * The coordinators requests go to, the writer of transaction markers to this node's partitions,
     * and the produce path's transaction check (which asks coordinators on other brokers too).
     */
    record Coordinators(GroupCoordinator groups, TransactionCoordinator transactions,
                        LocalTransactionMarkers markers, TransactionVerification verification) {
    }

    static HandlerRegistry registry(BrokerConfig config, MetadataQuorum quorum, Partitions partitions,
                                    Purgatory<TopicPartition> fetchPurgatory, ProducerIdAllocator producerIds,
                                    Coordinators coordinators, Clock clock, Replication replication) {
        GroupCoordinator groups = coordinators.groups();
        int nodeId = config.nodeId();
        Authorization authz = config.authorizerSettings()
                .map(settings -> Authorization.enabled(new AclAuthorizer(settings), quorum,
                        new DenialLog(System::nanoTime, DENIALS_LOGGED_PER_SECOND)))
                .orElseGet(Authorization::disabled);
        TopicAdminHandler topicAdmin = new TopicAdminHandler(quorum, config, authz);
        AlterConfigsHandler alterConfigs = new AlterConfigsHandler(quorum, authz);
        ScramCredentialsHandler scram = new ScramCredentialsHandler(quorum, authz);
        GroupMembershipHandler membership = new GroupMembershipHandler(groups, authz);
        GroupAdminHandler groupAdmin = new GroupAdminHandler(groups, quorum, authz);
        ConsumerGroupHandler consumerGroups = new ConsumerGroupHandler(groups, authz);
        AclsHandler acls = new AclsHandler(quorum, authz);
        ReassignmentsHandler reassignments = new ReassignmentsHandler(quorum, authz);
        InternalTopic offsetsTopic = InternalTopic.offsets(quorum, config);
        HandlerRegistry registry = new HandlerRegistry()
                .register(ApiKeys.PRODUCE, new ProduceHandler(partitions, quorum, fetchPurgatory,
                        replication.producePurgatory(), clock, authz,
                        coordinators.verification()))
                .register(ApiKeys.FETCH, new FetchHandler(partitions, quorum, fetchPurgatory, authz,
                        replication.followerFetches()))
                .register(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(partitions, authz))
                .register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, new OffsetForLeaderEpochHandler(partitions, authz))
                .register(ApiKeys.DELETE_RECORDS, new DeleteRecordsHandler(partitions, authz))
                // no client quotas exist (AlterClientQuotas is not served): describing them answers none
                .register(ApiKeys.DESCRIBE_CLIENT_QUOTAS, new ClientQuotasHandler(authz))
                .register(ApiKeys.DESCRIBE_LOG_DIRS, new LogDirsHandler(partitions, config.logDirs(), authz))
                .register(ApiKeys.METADATA, new MetadataHandler(quorum, nodeId,
                        config.getBoolean(BrokerConfigDef.AUTO_CREATE_TOPICS), authz))
                .register(ApiKeys.CREATE_TOPICS, topicAdmin)
                .register(ApiKeys.DELETE_TOPICS, topicAdmin)
                .register(ApiKeys.CREATE_PARTITIONS, topicAdmin)
                .register(ApiKeys.ELECT_LEADERS, new ElectLeadersHandler(quorum, authz))
                .register(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, reassignments)
                .register(ApiKeys.LIST_PARTITION_REASSIGNMENTS, reassignments)
                .register(ApiKeys.DESCRIBE_CONFIGS, new ConfigsHandler(quorum, config, authz))
                .register(ApiKeys.ALTER_CONFIGS, alterConfigs)
                .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, alterConfigs)
                .register(ApiKeys.DESCRIBE_CLUSTER, new ClusterHandler(quorum, nodeId, authz))
                .register(ApiKeys.DESCRIBE_QUORUM, new DescribeQuorumHandler(quorum, config.voters(),
                        config.controllerListenerProtocol().name(), authz))
                .register(ApiKeys.INIT_PRODUCER_ID, new ProducerIdHandler(producerIds, coordinators.transactions(),
                        authz))
                .register(ApiKeys.FIND_COORDINATOR, new FindCoordinatorHandler(offsetsTopic,
                        InternalTopic.transactionState(quorum, config), authz))
                .register(ApiKeys.CREATE_ACLS, acls)
                .register(ApiKeys.DESCRIBE_ACLS, acls)
                .register(ApiKeys.DELETE_ACLS, acls)
                .register(ApiKeys.JOIN_GROUP, membership)
                .register(ApiKeys.SYNC_GROUP, membership)
                .register(ApiKeys.HEARTBEAT, membership)
                .register(ApiKeys.LEAVE_GROUP, membership)
                .register(ApiKeys.OFFSET_COMMIT, new OffsetCommitHandler(groups, quorum, authz))
                .register(ApiKeys.OFFSET_FETCH, new OffsetFetchHandler(groups, quorum, authz))
                .register(ApiKeys.OFFSET_DELETE, groupAdmin)
                .register(ApiKeys.LIST_GROUPS, groupAdmin)
                .register(ApiKeys.DESCRIBE_GROUPS, groupAdmin)
                .register(ApiKeys.DELETE_GROUPS, groupAdmin)
                .register(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, scram)
                .register(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, scram)
                .register(ApiKeys.CONSUMER_GROUP_HEARTBEAT, consumerGroups)
                .register(ApiKeys.CONSUMER_GROUP_DESCRIBE, consumerGroups)
                .register(ApiKeys.WRITE_TXN_MARKERS, new WriteTxnMarkersHandler(coordinators.markers(), authz))
                // KIP-848 consumer groups are served: clients and tools gate them on group.version
                .feature("group.version", 0, 1, 1);
        registerTransactions(registry, quorum, partitions, coordinators, offsetsTopic, authz);
        return registry;
    }

    /**
     * Both transaction protocols. Version 1: AddPartitionsToTxn client versions 0-3 (the partition
     * leaders' versions 4-5 verify, KIP-890 part 1), AddOffsetsToTxn, EndTxn 0-4, TxnOffsetCommit
     * 0-4. Version 2 (KIP-890 part 2, {@code transaction.version} finalized at 2): EndTxn v5,
     * TxnOffsetCommit v5 and Produce v12+ add partitions implicitly. TxnOffsetCommit v6 (topic ids)
     * is not served. Also DescribeTransactions, ListTransactions and DescribeProducers.
     */
    private static void registerTransactions(HandlerRegistry registry, MetadataQuorum quorum, Partitions partitions,
                                             Coordinators coordinators, InternalTopic offsetsTopic,
                                             Authorization authz) {
        TransactionHandler transactions = new TransactionHandler(coordinators.transactions(), quorum, offsetsTopic,
                authz);
        TransactionAdminHandler transactionAdmin = new TransactionAdminHandler(coordinators.transactions(), authz);
        registry.register(ApiKeys.ADD_PARTITIONS_TO_TXN, transactions)
                .register(ApiKeys.ADD_OFFSETS_TO_TXN, transactions)
                .register(ApiKeys.END_TXN, transactions)
                .register(ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.TXN_OFFSET_COMMIT.oldestVersion(), 5,
                        new TxnOffsetCommitHandler(coordinators.groups(), coordinators.verification(), quorum, authz))
                .register(ApiKeys.DESCRIBE_TRANSACTIONS, transactionAdmin)
                .register(ApiKeys.LIST_TRANSACTIONS, transactionAdmin)
                .register(ApiKeys.DESCRIBE_PRODUCERS, new DescribeProducersHandler(partitions, authz))
                // transactions version 2 (KIP-890 part 2) is served beside version 1: clients gate it on this
                .feature("transaction.version", 0, 2, 2);
    }

    /** The data plane's hooks into the handlers: where acks=all waits, and who is told of follower fetches. */
    record Replication(Purgatory<TopicPartition> producePurgatory,
                       io.skein.replication.api.FollowerFetchListener followerFetches) {
    }
}
