package io.skein.replication.controller;

import io.skein.replication.api.AclEntries;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreateAcls and DeleteAcls as Kafka's controller checks them. A binding to create needs a
 * concrete resource type, pattern type (LITERAL or PREFIXED), operation and permission (never ANY,
 * MATCH or UNKNOWN), a non-empty resource name ({@code kafka-cluster} for CLUSTER) and a principal
 * of the form {@code Type:name}; each binding succeeds or fails on its own, and one that already
 * exists succeeds without a record. Deletion matches filters against the image; a filter with an
 * UNKNOWN part is refused; a binding several filters match is reported under each.
 *
 * <p>Stateless apart from the random source of ids; called on the controller's thread.
 */
final class AclChanges {

    static final String CLUSTER_NAME = "kafka-cluster";

    private final Random random;

    AclChanges(Random random) {
        this.random = random;
    }

    Outcome create(ControllerCommand.CreateAcls command, MetadataImage image) {
        Set<AclBinding> existing = new HashSet<>(image.acls().values());
        Set<Uuid> usedIds = new HashSet<>(image.acls().keySet());
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        for (int i = 0; i < command.bindings().size(); i++) {
            AclBinding binding = command.bindings().get(i);
            String key = Integer.toString(i);
            String problem = problem(binding);
            if (problem != null) {
                items.add(new ItemResult(key, Errors.INVALID_REQUEST, problem));
                continue;
            }
            if (existing.add(binding)) {
                records.add(new MetadataRecord.AccessControlEntry(newId(usedIds), binding));
            }
            items.add(ItemResult.ok(key));
        }
        return new Outcome(List.copyOf(records), List.copyOf(items), -1);
    }

    static Outcome delete(ControllerCommand.DeleteAcls command, MetadataImage image) {
        // sorted by id so every replica and every retry reports the same order
        List<Map.Entry<Uuid, AclBinding>> all = new ArrayList<>(image.acls().entrySet());
        all.sort(Map.Entry.comparingByKey(Comparator.comparing(Uuid::toString)));
        Set<Uuid> deleted = new HashSet<>();
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        for (int i = 0; i < command.filters().size(); i++) {
            AclBindingFilter filter = command.filters().get(i);
            String key = Integer.toString(i);
            if (filter.patternFilter().isUnknown()) {
                items.add(new ItemResult(key, Errors.INVALID_REQUEST, "Unknown patternFilter."));
                continue;
            }
            if (filter.entryFilter().isUnknown()) {
                items.add(new ItemResult(key, Errors.INVALID_REQUEST, "Unknown entryFilter."));
                continue;
            }
            items.add(ItemResult.ok(key));
            for (Map.Entry<Uuid, AclBinding> acl : all) {
                if (!filter.matches(acl.getValue())) {
                    continue;
                }
                // as in Kafka, a binding several filters match is reported under each, removed once
                if (deleted.add(acl.getKey())) {
                    records.add(new MetadataRecord.RemoveAccessControlEntry(acl.getKey()));
                }
                items.add(new ItemResult(key + "/" + acl.getKey(), Errors.NONE, AclEntries.encode(acl.getValue())));
            }
        }
        return new Outcome(List.copyOf(records), List.copyOf(items), -1);
    }

    /** Why Kafka refuses this binding, or null when it is acceptable. */
    static String problem(AclBinding binding) {
        switch (binding.pattern().resourceType()) {
            case UNKNOWN, ANY:
                return "Invalid resourceType " + binding.pattern().resourceType();
            default:
                break;
        }
        switch (binding.pattern().patternType()) {
            case LITERAL, PREFIXED:
                break;
            default:
                return "Invalid patternType " + binding.pattern().patternType();
        }
        switch (binding.entry().operation()) {
            case UNKNOWN, ANY:
                return "Invalid operation " + binding.entry().operation();
            default:
                break;
        }
        switch (binding.entry().permissionType()) {
            case ALLOW, DENY:
                break;
            default:
                return "Invalid permissionType " + binding.entry().permissionType();
        }
        String name = binding.pattern().name();
        if (name == null || name.isEmpty()) {
            return "Invalid empty resource name";
        }
        if (binding.pattern().resourceType() == org.apache.kafka.common.resource.ResourceType.CLUSTER
                && !CLUSTER_NAME.equals(name)) {
            return "The only valid name for the CLUSTER resource is " + CLUSTER_NAME;
        }
        String principal = binding.entry().principal();
        int colon = principal == null ? -1 : principal.indexOf(':');
        if (colon <= 0 || colon == principal.length() - 1) {
            return "Could not parse principal from `" + principal + "` (expected principalType:principalName)";
        }
        return null;
    }

    private Uuid newId(Set<Uuid> used) {
        while (true) {
            Uuid id = new Uuid(random.nextLong(), random.nextLong());
            if (!Uuid.RESERVED.contains(id) && used.add(id)) {
                return id;
            }
        }
    }
}
