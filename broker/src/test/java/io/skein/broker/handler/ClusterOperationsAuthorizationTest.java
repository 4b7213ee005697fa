package io.skein.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.Test;

/**
 * ElectLeaders, the reassignment APIs and DescribeQuorum refuse a caller without their cluster
 * permission with CLUSTER_AUTHORIZATION_FAILED, before anything reaches the quorum (which here
 * could not answer a command).
 */
class ClusterOperationsAuthorizationTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);

    private final ImageOnlyQuorum quorum = new ImageOnlyQuorum();
    private final Authorization acls = quorum.acls();

    private static ApiMessage handleAsAlice(RequestHandler handler, AbstractRequest request) throws Exception {
        RequestContext alice = new RequestContext(new RequestHeader(request.apiKey(), request.version(), "client", 1),
                "SASL_PLAINTEXT", new InetSocketAddress("10.0.0.1", 40000), 1, new KafkaPrincipal("User", "alice"),
                0, null);
        return handler.handle(alice, request).get();
    }

    @Test
    void refusesElectLeadersWithoutAlterOnTheCluster() throws Exception {
        ElectLeadersRequest request = new ElectLeadersRequest.Builder(ElectionType.PREFERRED, List.of(TP), 30_000)
                .build(ApiKeys.ELECT_LEADERS.latestVersion());

        ElectLeadersResponseData response = (ElectLeadersResponseData) handleAsAlice(
                new ElectLeadersHandler(quorum, acls), request);

        assertEquals(Errors.CLUSTER_AUTHORIZATION_FAILED.code(), response.errorCode());
        ElectLeadersResponseData.ReplicaElectionResult topic = response.replicaElectionResults().get(0);
        assertEquals(TP.topic(), topic.topic());
        assertEquals(Errors.CLUSTER_AUTHORIZATION_FAILED.code(), topic.partitionResult().get(0).errorCode());
    }

    @Test
    void refusesAlterPartitionReassignmentsWithoutAlterOnTheCluster() throws Exception {
        AlterPartitionReassignmentsRequestData data = new AlterPartitionReassignmentsRequestData();
        data.topics().add(new AlterPartitionReassignmentsRequestData.ReassignableTopic().setName(TP.topic())
                .setPartitions(List.of(new AlterPartitionReassignmentsRequestData.ReassignablePartition()
                        .setPartitionIndex(TP.partition()).setReplicas(List.of(1, 2)))));
        AlterPartitionReassignmentsRequest request = new AlterPartitionReassignmentsRequest.Builder(data)
                .build(ApiKeys.ALTER_PARTITION_REASSIGNMENTS.latestVersion());

        AlterPartitionReassignmentsResponseData response = (AlterPartitionReassignmentsResponseData) handleAsAlice(
                new ReassignmentsHandler(quorum, acls), request);

        assertEquals(Errors.CLUSTER_AUTHORIZATION_FAILED.code(), response.errorCode());
    }

    @Test
    void refusesListPartitionReassignmentsWithoutDescribeOnTheCluster() throws Exception {
        ListPartitionReassignmentsRequest request = new ListPartitionReassignmentsRequest.Builder(
                new ListPartitionReassignmentsRequestData().setTopics(null))
                .build(ApiKeys.LIST_PARTITION_REASSIGNMENTS.latestVersion());

        ListPartitionReassignmentsResponseData response = (ListPartitionReassignmentsResponseData) handleAsAlice(
                new ReassignmentsHandler(quorum, acls), request);

        assertEquals(Errors.CLUSTER_AUTHORIZATION_FAILED.code(), response.errorCode());
    }

    @Test
    void refusesDescribeQuorumWithoutDescribeOnTheCluster() throws Exception {
        DescribeQuorumRequest request = new DescribeQuorumRequest.Builder(DescribeQuorumRequest.singletonRequest(
                new TopicPartition("__cluster_metadata", 0))).build(ApiKeys.DESCRIBE_QUORUM.latestVersion());

        DescribeQuorumResponseData response = (DescribeQuorumResponseData) handleAsAlice(
                new DescribeQuorumHandler(quorum, Map.of(), "CONTROLLER", acls), request);

        assertEquals(Errors.CLUSTER_AUTHORIZATION_FAILED.code(), response.errorCode());
    }
}
