package io.skein.broker.handler;

import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.utils.Utils;

/**
 * The authorized-operations bit fields Metadata and DescribeCluster report. Without an authorizer
 * (ACLs come with the security issue) Kafka reports every operation of the resource type.
 */
final class AuthorizedOperations {

    static final int TOPIC = bits(List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE,
            AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS));

    static final int CLUSTER = bits(List.of(AclOperation.CREATE, AclOperation.ALTER, AclOperation.DESCRIBE,
            AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
            AclOperation.IDEMPOTENT_WRITE, AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS));

    static final int GROUP = bits(List.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE));

    private AuthorizedOperations() {
    }

    private static int bits(List<AclOperation> operations) {
        return Utils.to32BitField(operations.stream().map(AclOperation::code).map(Byte::valueOf)
                .collect(java.util.stream.Collectors.toSet()));
    }
}
