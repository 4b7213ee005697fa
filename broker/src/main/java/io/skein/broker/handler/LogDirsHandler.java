package io.skein.broker.handler;

import io.skein.broker.partition.HostedPartition;
import io.skein.broker.partition.Partitions;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;

/**
 * DescribeLogDirs: each of this node's {@code log.dirs} with the partitions it holds (size in
 * bytes, offset lag 0: there are no future replicas being moved between dirs) and, from version
 * 4, the file system's total and usable bytes. Needs DESCRIBE on the cluster, as in Kafka.
 */
public final class LogDirsHandler implements RequestHandler {

    private final Partitions partitions;
    private final List<Path> logDirs;
    private final Authorization authz;

    public LogDirsHandler(Partitions partitions, List<Path> logDirs, Authorization authz) {
        this.partitions = partitions;
        this.logDirs = logDirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DescribeLogDirsRequestData data = ((DescribeLogDirsRequest) request).data();
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
        if (!authz.authorizeCluster(context, AclOperation.DESCRIBE)) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
        }
        Map<String, Set<Integer>> wanted = data.topics() == null ? null : data.topics().stream().collect(
                Collectors.toMap(DescribeLogDirsRequestData.DescribableLogDirTopic::topic,
                        t -> Set.copyOf(t.partitions()), (a, b) -> a));
        Map<Path, Map<String, List<DescribeLogDirsPartition>>> byDir = new LinkedHashMap<>();
        logDirs.forEach(dir -> byDir.put(dir, new LinkedHashMap<>()));
        for (Map.Entry<TopicPartition, HostedPartition> e : partitions.hosted().entrySet()) {
            TopicPartition tp = e.getKey();
            if (wanted != null && !wanted.getOrDefault(tp.topic(), Set.of()).contains(tp.partition())) {
                continue;
            }
            Path dir = e.getValue().log().directory().toAbsolutePath().normalize().getParent();
            Map<String, List<DescribeLogDirsPartition>> topics = byDir.get(dir);
            if (topics == null) {
                continue;
            }
            topics.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(new DescribeLogDirsPartition()
                    .setPartitionIndex(tp.partition()).setPartitionSize(e.getValue().log().sizeInBytes())
                    .setOffsetLag(0).setIsFutureKey(false));
        }
        byDir.forEach((dir, topics) -> {
            DescribeLogDirsResult result = new DescribeLogDirsResult().setLogDir(dir.toString())
                    .setErrorCode(Errors.NONE.code());
            topics.forEach((topic, parts) -> result.topics().add(new DescribeLogDirsTopic().setName(topic)
                    .setPartitions(parts)));
            try {
                FileStore store = Files.getFileStore(dir);
                result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
            } catch (IOException e) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
            }
            response.results().add(result);
        });
        return CompletableFuture.completedFuture(response);
    }
}
