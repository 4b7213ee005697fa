package io.skein.broker.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.junit.jupiter.api.Test;

class ClusterTransactionMarkersTest {

    private final ClusterTransactionMarkers.MarkerExchange exchange = new ClusterTransactionMarkers.MarkerExchange();
    private final TopicPartition a0 = new TopicPartition("a", 0);
    private final TopicPartition a1 = new TopicPartition("a", 1);
    private final TopicPartition b0 = new TopicPartition("b", 0);

    private static ClusterTransactionMarkers.Markers markers(long pid, boolean commit, TopicPartition... tps) {
        return new ClusterTransactionMarkers.Markers(pid, (short) 3, commit, 5, List.of(tps), new CompletableFuture<>());
    }

    @Test
    void sendsEveryQueuedTransactionToOneLeaderInOneRequest() {
        WriteTxnMarkersRequest request = (WriteTxnMarkersRequest) exchange.request(List.of(markers(7, true, a0, a1),
                markers(8, false, b0))).build(ApiKeys.WRITE_TXN_MARKERS.latestVersion());

        List<WriteTxnMarkersRequestData.WritableTxnMarker> sent = request.data().markers();
        assertEquals(2, sent.size());
        assertEquals(7, sent.get(0).producerId());
        assertEquals(true, sent.get(0).transactionResult());
        assertEquals(5, sent.get(0).coordinatorEpoch());
        assertEquals(List.of(0, 1), sent.get(0).topics().get(0).partitionIndexes());
        assertEquals(false, sent.get(1).transactionResult());
    }

    @Test
    void reportsEachPartitionsErrorAndARetriableErrorWhenTheLeaderCannotBeReached() {
        ClusterTransactionMarkers.Markers answered = markers(7, true, a0, a1);
        ClusterTransactionMarkers.Markers lost = markers(8, true, b0);
        WritableTxnMarkerTopicResult topic = new WritableTxnMarkerTopicResult().setName("a");
        topic.partitions().add(new WritableTxnMarkerPartitionResult().setPartitionIndex(0)
                .setErrorCode(Errors.NONE.code()));
        topic.partitions().add(new WritableTxnMarkerPartitionResult().setPartitionIndex(1)
                .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()));
        WriteTxnMarkersResponseData data = new WriteTxnMarkersResponseData();
        data.markers().add(new WritableTxnMarkerResult().setProducerId(7).setTopics(List.of(topic)));

        exchange.onResponse(List.of(answered), new WriteTxnMarkersResponse(data));
        exchange.onFailure(List.of(lost), "broker 3 disconnected");

        assertEquals(Map.of(a0, Errors.NONE, a1, Errors.NOT_LEADER_OR_FOLLOWER), answered.result().join());
        assertEquals(Map.of(b0, Errors.NETWORK_EXCEPTION), lost.result().join());
    }
}
