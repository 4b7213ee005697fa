package io.skein.replication.metadata;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.ScramCredentialInfo;
import io.skein.replication.api.MetadataImage.TopicImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;

/**
 * An image as the shortest list of records that rebuilds it from the empty image: cluster id,
 * brokers, producer ids, topics with their configs and partitions, SCRAM credentials, ACLs. In a
 * fixed order (ids and names sorted), so equal images give equal lists.
 *
 * <p>Stateless.
 */
public final class ImageRecords {

    private ImageRecords() {
    }

    public static List<MetadataRecord> of(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        if (image.clusterId() != null) {
            records.add(new MetadataRecord.ClusterId(image.clusterId()));
        }
        for (BrokerRegistration b : image.brokers().values()) {
            records.add(new MetadataRecord.RegisterBroker(b.id(), b.incarnationId(), b.endpoints(), b.rack(),
                    b.fenced()));
        }
        if (image.nextProducerId() != 0) {
            records.add(new MetadataRecord.ProducerIds(-1, image.nextProducerId()));
        }
        for (TopicImage t : image.topics()) {
            records.add(new MetadataRecord.Topic(t.name(), t.id()));
            new TreeMap<>(t.configs()).forEach((k, v) -> records.add(new MetadataRecord.Config(t.id(), k, v)));
            for (PartitionState p : t.partitions().values()) {
                records.add(new MetadataRecord.Partition(t.id(), p.partition(), p.replicas(), p.isr(), p.leader(),
                        p.leaderEpoch(), p.partitionEpoch()));
            }
        }
        ReassignmentRecords.of(image, records);
        for (Map.Entry<String, Map<String, ScramCredentialInfo>> user : new TreeMap<>(image.scramCredentials())
                .entrySet()) {
            for (Map.Entry<String, ScramCredentialInfo> m : new TreeMap<>(user.getValue()).entrySet()) {
                ScramCredentialInfo c = m.getValue();
                records.add(new MetadataRecord.ScramCredential(user.getKey(), m.getKey(), c.salt(), c.storedKey(),
                        c.serverKey(), c.iterations()));
            }
        }
        List<Map.Entry<Uuid, AclBinding>> acls = new ArrayList<>(image.acls().entrySet());
        acls.sort(Map.Entry.comparingByKey(Comparator.comparing(Uuid::toString)));
        acls.forEach(e -> records.add(new MetadataRecord.AccessControlEntry(e.getKey(), e.getValue())));
        return List.copyOf(records);
    }
}
