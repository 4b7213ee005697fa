package io.skein.broker.handler;

import io.skein.replication.api.MetadataQuorum;
import io.skein.replication.api.QuorumInfo;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeQuorumRequest;

/**
 * DescribeQuorum (what {@code kafka-metadata-quorum describe --status/--replication} asks): the
 * metadata quorum's leader, epoch (Raft term), high watermark (commit index) and every voter's log
 * end offset and last contact, as the Raft leader knows them, plus (v2) each voter's controller
 * endpoint. Only the partition {@code __cluster_metadata-0} exists; anything else gets
 * UNKNOWN_TOPIC_OR_PARTITION. Needs DESCRIBE on the cluster, as in Kafka. Skein's quorum is static
 * and has no observers yet (broker-only nodes do not follow the log), so that list is empty.
 *
 * <p>Stateless apart from its collaborators; runs on request-handler threads.
 */
public final class DescribeQuorumHandler implements RequestHandler {

    private static final String METADATA_TOPIC = "__cluster_metadata";

    private final MetadataQuorum quorum;
    private final Map<Integer, InetSocketAddress> voters;
    private final String controllerListener;
    private final Authorization authz;

    public DescribeQuorumHandler(MetadataQuorum quorum, Map<Integer, InetSocketAddress> voters,
                                 String controllerListener, Authorization authz) {
        this.quorum = quorum;
        this.voters = voters;
        this.controllerListener = controllerListener;
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DescribeQuorumRequestData data = ((DescribeQuorumRequest) request).data();
        if (!authz.authorizeCluster(context, AclOperation.DESCRIBE)) {
            return CompletableFuture.completedFuture(new DescribeQuorumResponseData()
                    .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .setErrorMessage(Errors.CLUSTER_AUTHORIZATION_FAILED.message()));
        }
        boolean metadataPartition = data.topics().size() == 1
                && METADATA_TOPIC.equals(data.topics().get(0).topicName())
                && data.topics().get(0).partitions().size() == 1
                && data.topics().get(0).partitions().get(0).partitionIndex() == 0;
        if (!metadataPartition) {
            return CompletableFuture.completedFuture(new DescribeQuorumResponseData()
                    .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                    .setErrorMessage("Only " + METADATA_TOPIC + "-0 has a quorum."));
        }
        return quorum.describeQuorum()
                .thenApply(info -> (ApiMessage) response(info, context.apiVersion()))
                .exceptionally(e -> new DescribeQuorumResponseData().setTopics(List.of(topic(new PartitionData()
                        .setPartitionIndex(0)
                        .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
                        .setErrorMessage("No metadata quorum leader answered: " + rootMessage(e))
                        .setLeaderId(-1)))));
    }

    private DescribeQuorumResponseData response(QuorumInfo info, short version) {
        List<ReplicaState> current = new ArrayList<>();
        for (QuorumInfo.Replica r : info.voters()) {
            current.add(new ReplicaState().setReplicaId(r.id()).setReplicaDirectoryId(Uuid.ZERO_UUID)
                    .setLogEndOffset(r.logEndOffset()).setLastFetchTimestamp(r.lastFetchTimestamp())
                    .setLastCaughtUpTimestamp(r.lastCaughtUpTimestamp()));
        }
        PartitionData partition = new PartitionData().setPartitionIndex(0).setLeaderId(info.leaderId())
                .setLeaderEpoch((int) info.leaderEpoch()).setHighWatermark(info.highWatermark())
                .setCurrentVoters(current).setObservers(new ArrayList<>());
        DescribeQuorumResponseData response = new DescribeQuorumResponseData().setTopics(List.of(topic(partition)));
        if (version >= 2) {
            DescribeQuorumResponseData.NodeCollection nodes = new DescribeQuorumResponseData.NodeCollection();
            voters.forEach((id, address) -> {
                DescribeQuorumResponseData.ListenerCollection listeners = new DescribeQuorumResponseData.ListenerCollection();
                listeners.add(new DescribeQuorumResponseData.Listener().setName(controllerListener)
                        .setHost(address.getHostString()).setPort(address.getPort()));
                nodes.add(new DescribeQuorumResponseData.Node().setNodeId(id).setListeners(listeners));
            });
            response.setNodes(nodes);
        }
        return response;
    }

    private static DescribeQuorumResponseData.TopicData topic(PartitionData partition) {
        List<PartitionData> partitions = new ArrayList<>();
        partitions.add(partition);
        return new DescribeQuorumResponseData.TopicData().setTopicName(METADATA_TOPIC).setPartitions(partitions);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
