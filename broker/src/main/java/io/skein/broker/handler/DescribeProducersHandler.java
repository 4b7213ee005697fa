package io.skein.broker.handler;

import io.skein.broker.partition.PartitionLookup;
import io.skein.broker.partition.Partitions;
import io.skein.log.api.ActiveProducer;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * DescribeProducers: for each partition this node leads, the producers its log remembers (id,
 * epoch, last sequence and timestamp, coordinator epoch of the last marker, first offset of the
 * open transaction), as {@code kafka-transactions describe-producers} and {@code find-hanging}
 * read them. NOT_LEADER_OR_FOLLOWER elsewhere, UNKNOWN_TOPIC_OR_PARTITION for a partition that
 * does not exist; with ACLs READ on the topic (TOPIC_AUTHORIZATION_FAILED), as in Kafka.
 *
 * <p>Stateless; safe from any request thread.
 */
public final class DescribeProducersHandler implements RequestHandler {

    private final Partitions partitions;
    private final Authorization authz;

    public DescribeProducersHandler(Partitions partitions, Authorization authz) {
        this.partitions = partitions;
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DescribeProducersRequestData data = ((DescribeProducersRequest) request).data();
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest topic : data.topics()) {
            boolean readable = authz.authorize(context, AclOperation.READ, ResourceType.TOPIC, topic.name());
            TopicResponse out = new TopicResponse().setName(topic.name());
            for (int index : topic.partitionIndexes()) {
                PartitionResponse partition = new PartitionResponse().setPartitionIndex(index);
                out.partitions().add(partition);
                if (!readable) {
                    partition.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                    continue;
                }
                PartitionLookup lookup = partitions.lookup(new TopicPartition(topic.name(), index));
                if (!lookup.ok()) {
                    partition.setErrorCode(lookup.error().code());
                    continue;
                }
                for (ActiveProducer p : lookup.partition().log().activeProducers()) {
                    partition.activeProducers().add(new ProducerState().setProducerId(p.producerId())
                            .setProducerEpoch(p.producerEpoch()).setLastSequence(p.lastSequence())
                            .setLastTimestamp(p.lastTimestamp()).setCoordinatorEpoch(p.coordinatorEpoch())
                            .setCurrentTxnStartOffset(p.currentTxnStartOffset()));
                }
            }
            response.topics().add(out);
        }
        return CompletableFuture.completedFuture(response);
    }
}
