package io.skein.broker.handler;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeClusterRequest;

/**
 * DescribeCluster: the registered brokers, cluster id and controller, as brokers answer it. As in
 * Kafka it needs no permission; the cluster's authorized operations are reported only to a caller
 * allowed to DESCRIBE the cluster (0 to others).
 */
public final class ClusterHandler implements RequestHandler {

    /** DescribeCluster endpoint type for brokers (1) and controllers (2), KIP-919. */
    private static final byte BROKER_ENDPOINTS = 1;

    private final MetadataQuorum quorum;
    private final int localNodeId;
    private final Authorization authz;

    public ClusterHandler(MetadataQuorum quorum, int localNodeId, Authorization authz) {
        this.authz = authz;
        this.quorum = quorum;
        this.localNodeId = localNodeId;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DescribeClusterRequestData data = ((DescribeClusterRequest) request).data();
        DescribeClusterResponseData response = new DescribeClusterResponseData().setEndpointType(data.endpointType());
        if (data.endpointType() != BROKER_ENDPOINTS) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("The broker only handles broker endpoints."));
        }
        MetadataImage image = quorum.image();
        response.setClusterId(image.clusterId()).setControllerId(localNodeId);
        for (BrokerRegistration broker : image.brokers().values()) {
            if (broker.fenced() && !data.includeFencedBrokers()) {
                continue;
            }
            MetadataHandler.endpointFor(broker, context.listenerName()).ifPresent(ep -> response.brokers().add(
                    new DescribeClusterResponseData.DescribeClusterBroker().setBrokerId(broker.id())
                            .setHost(ep.host()).setPort(ep.port()).setRack(broker.rack())
                            .setIsFenced(broker.fenced())));
        }
        if (data.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(MetadataHandler.clusterAuthorizedOperations(authz, context));
        }
        return CompletableFuture.completedFuture(response);
    }
}
