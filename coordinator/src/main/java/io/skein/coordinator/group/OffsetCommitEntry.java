package io.skein.coordinator.group;

import org.apache.kafka.common.TopicPartition;

/** One offset a client asks to commit, for a partition that exists. */
public record OffsetCommitEntry(TopicPartition topicPartition, long offset, int leaderEpoch, String metadata) {
}
