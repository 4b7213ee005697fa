package io.skein.replication.metadata;

import io.skein.replication.api.Endpoint;
import java.util.List;
import org.apache.kafka.common.Uuid;

/** One fact in the metadata log. Replaying the records in log order rebuilds the image. */
public sealed interface MetadataRecord {

    record ClusterId(String clusterId) implements MetadataRecord {
    }

    record RegisterBroker(int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack)
            implements MetadataRecord {
    }

    record Topic(String name, Uuid topicId) implements MetadataRecord {
    }

    record Partition(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr, int leader,
                     int leaderEpoch, int partitionEpoch) implements MetadataRecord {
    }

    /** A topic config set (value not null) or removed (value null). */
    record Config(Uuid topicId, String key, String value) implements MetadataRecord {
    }

    record RemoveTopic(Uuid topicId) implements MetadataRecord {
    }

    record ProducerIds(int brokerId, long nextProducerId) implements MetadataRecord {
    }
}
