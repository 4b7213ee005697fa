package io.skein.coordinator.group;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Turns a write's commit into the answers a client gets: what was decided under the shard's lock,
 * with the written partitions' NONE replaced by the mapped error when the write did not commit
 * (timed out, leadership lost, the ISR shrank). Stateless.
 */
final class CommitAnswers {

    private CommitAnswers() {
    }

    /**
     * @param decided the answer per partition, decided with the lock held (copied, never changed)
     * @param written the partitions whose records the write carries
     * @param committed the write's commit (NONE once below the high watermark)
     * @param asClientError maps a replication error to what the API answers
     */
    static CompletableFuture<Map<TopicPartition, Errors>> afterCommit(Map<TopicPartition, Errors> decided,
                                                                      Collection<TopicPartition> written,
                                                                      CompletableFuture<Errors> committed,
                                                                      UnaryOperator<Errors> asClientError) {
        Map<TopicPartition, Errors> answer = new LinkedHashMap<>(decided);
        return committed.thenApply(error -> {
            if (error != Errors.NONE) {
                Errors mapped = asClientError.apply(error);
                written.forEach(tp -> answer.put(tp, mapped));
            }
            return answer;
        });
    }

    /** A group-level answer: {@code decided} unless it is NONE and the write did not commit. */
    static CompletableFuture<Errors> afterCommit(Errors decided, CompletableFuture<Errors> committed,
                                                 UnaryOperator<Errors> asClientError) {
        if (decided != Errors.NONE) {
            return CompletableFuture.completedFuture(decided);
        }
        return committed.thenApply(error -> error == Errors.NONE ? Errors.NONE : asClientError.apply(error));
    }
}
