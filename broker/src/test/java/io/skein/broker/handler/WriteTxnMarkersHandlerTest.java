package io.skein.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.broker.partition.Partitions;
import io.skein.broker.purgatory.Purgatory;
import io.skein.broker.txn.LocalTransactionMarkers;
import io.skein.security.acl.AclAuthorizer;
import io.skein.wire.api.RequestContext;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteTxnMarkersHandlerTest {

    private static final short VERSION = ApiKeys.WRITE_TXN_MARKERS.latestVersion();
    private static final RequestContext COORDINATOR = new RequestContext(
            new RequestHeader(ApiKeys.WRITE_TXN_MARKERS, VERSION, "broker-2", 1), "SASL_PLAINTEXT",
            new InetSocketAddress("10.0.0.2", 40000), 1, new KafkaPrincipal("User", "broker"), 0, null);

    private final ImageOnlyQuorum quorum = new ImageOnlyQuorum();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final LocalTransactionMarkers markers = new LocalTransactionMarkers(new Partitions(1, null, c -> null),
            new Purgatory<>(scheduler), Clock.systemUTC());

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private WriteTxnMarkersResponseData handle(Authorization authz) throws Exception {
        WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData();
        data.markers().add(new WriteTxnMarkersRequestData.WritableTxnMarker().setProducerId(7L).setProducerEpoch((short) 0)
                .setTransactionResult(true).setCoordinatorEpoch(0).setTopics(List.of(
                        new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName("orders")
                                .setPartitionIndexes(List.of(0, 1)))));
        WriteTxnMarkersRequest request = new WriteTxnMarkersRequest.Builder(data).build(VERSION);
        return (WriteTxnMarkersResponseData) new WriteTxnMarkersHandler(markers, authz)
                .handle(COORDINATOR, request).get();
    }

    private static List<Short> errors(WriteTxnMarkersResponseData response) {
        return response.markers().get(0).topics().get(0).partitions().stream()
                .map(WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult::errorCode).toList();
    }

    @Test
    void answersEachPartitionWithoutTheLogWhenNoSuchPartitionExists() throws Exception {
        WriteTxnMarkersResponseData response = handle(Authorization.disabled());

        assertEquals(7L, response.markers().get(0).producerId());
        assertEquals(List.of(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code()),
                errors(response));
    }

    @Test
    void refusesACallerWithoutClusterAction() throws Exception {
        assertEquals(List.of(Errors.CLUSTER_AUTHORIZATION_FAILED.code(), Errors.CLUSTER_AUTHORIZATION_FAILED.code()),
                errors(handle(quorum.acls())));
    }

    @Test
    void servesACallerWithClusterAction() throws Exception {
        quorum.grant("User:broker", AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER, AclAuthorizer.CLUSTER_NAME);

        assertEquals(List.of(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code()),
                errors(handle(quorum.acls())));
    }
}
