package io.skein.broker.handler;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.Utils;

/**
 * The operations Kafka reports in authorized-operations bit fields (Metadata, DescribeCluster,
 * DescribeGroups, ConsumerGroupDescribe) per resource type. Without an authorizer Kafka reports all
 * of them; with one, those the caller is allowed ({@link Authorization#authorizedOperations}).
 */
final class AuthorizedOperations {

    private static final List<AclOperation> TOPIC = List.of(AclOperation.READ, AclOperation.WRITE,
            AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE,
            AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);

    private static final List<AclOperation> CLUSTER = List.of(AclOperation.CREATE, AclOperation.ALTER,
            AclOperation.DESCRIBE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.CREATE_TOKENS,
            AclOperation.DESCRIBE_TOKENS);

    private static final List<AclOperation> GROUP = List.of(AclOperation.READ, AclOperation.DESCRIBE,
            AclOperation.DELETE);

    private static final List<AclOperation> TRANSACTIONAL_ID = List.of(AclOperation.DESCRIBE, AclOperation.WRITE);

    private AuthorizedOperations() {
    }

    static List<AclOperation> of(ResourceType type) {
        return switch (type) {
            case TOPIC -> TOPIC;
            case CLUSTER -> CLUSTER;
            case GROUP -> GROUP;
            case TRANSACTIONAL_ID -> TRANSACTIONAL_ID;
            default -> List.of();
        };
    }

    static int bits(List<AclOperation> operations) {
        return Utils.to32BitField(operations.stream().map(AclOperation::code).map(Byte::valueOf)
                .collect(Collectors.toSet()));
    }
}
