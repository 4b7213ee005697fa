package io.skein.broker.partition;

import io.skein.coordinator.group.TopicsView;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/** The group coordinator's view of the topics, read from the current metadata image. */
public final class ImageTopicsView implements TopicsView {

    private final MetadataQuorum quorum;

    public ImageTopicsView(MetadataQuorum quorum) {
        this.quorum = quorum;
    }

    @Override
    public Optional<TopicInfo> byName(String name) {
        return quorum.image().topic(name).map(ImageTopicsView::info);
    }

    @Override
    public Optional<TopicInfo> byId(Uuid id) {
        return quorum.image().topic(id).map(ImageTopicsView::info);
    }

    private static TopicInfo info(MetadataImage.TopicImage topic) {
        return new TopicInfo(topic.name(), topic.id(), topic.partitions().size());
    }
}
