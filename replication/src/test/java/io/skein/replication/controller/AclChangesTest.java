package io.skein.replication.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.AclEntries;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.metadata.CommandCodec;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import io.skein.replication.metadata.RecordCodec;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclChangesTest {

    private final AclChanges changes = new AclChanges(new Random(7));

    private static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal,
                                  AclOperation op, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", op,
                permission));
    }

    private static final AclBinding ALICE_READ = acl(ResourceType.TOPIC, "orders-", PatternType.PREFIXED,
            "User:alice", AclOperation.READ, AclPermissionType.ALLOW);
    private static final AclBinding BOB_GROUP = acl(ResourceType.GROUP, "billing", PatternType.LITERAL,
            "User:bob", AclOperation.READ, AclPermissionType.DENY);

    private ImageState applied(ImageState image, Outcome outcome) {
        List<MetadataRecord> replayed = RecordCodec.decode(RecordCodec.encode(0, outcome.records())).records();
        return image.replay(replayed, image.offset() + 1);
    }

    @Test
    void createdBindingsSurviveTheLogAndDuplicatesAddNoRecord() {
        Outcome created = changes.create(new ControllerCommand.CreateAcls(List.of(ALICE_READ, BOB_GROUP, ALICE_READ)),
                ImageState.empty());
        assertEquals(List.of(Errors.NONE, Errors.NONE, Errors.NONE), created.items().stream().map(ItemResult::error).toList());
        assertEquals(2, created.records().size());
        ImageState image = applied(ImageState.empty(), created);
        assertEquals(2, image.acls().size());
        assertTrue(image.acls().containsValue(ALICE_READ));

        Outcome again = changes.create(new ControllerCommand.CreateAcls(List.of(BOB_GROUP)), image);
        assertEquals(Errors.NONE, again.items().get(0).error());
        assertTrue(again.records().isEmpty());
    }

    @Test
    void refusesWhatKafkaRefusesInACreate() {
        List<AclBinding> bad = List.of(
                acl(ResourceType.UNKNOWN, "t", PatternType.LITERAL, "User:a", AclOperation.READ, AclPermissionType.ALLOW),
                acl(ResourceType.TOPIC, "t", PatternType.UNKNOWN, "User:a", AclOperation.READ, AclPermissionType.ALLOW),
                acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a", AclOperation.UNKNOWN,
                        AclPermissionType.ALLOW),
                acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a", AclOperation.READ,
                        AclPermissionType.UNKNOWN),
                acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "alice", AclOperation.READ, AclPermissionType.ALLOW),
                acl(ResourceType.TOPIC, "", PatternType.LITERAL, "User:a", AclOperation.READ, AclPermissionType.ALLOW),
                acl(ResourceType.CLUSTER, "c", PatternType.LITERAL, "User:a", AclOperation.ALTER,
                        AclPermissionType.ALLOW));
        Outcome outcome = changes.create(new ControllerCommand.CreateAcls(bad), ImageState.empty());
        assertTrue(outcome.records().isEmpty());
        assertEquals(bad.size(), outcome.items().size());
        outcome.items().forEach(item -> assertEquals(Errors.INVALID_REQUEST, item.error(), item.key()));
    }

    @Test
    void deleteRemovesEveryMatchOnceAndReportsItUnderEveryFilter() {
        ImageState image = applied(ImageState.empty(),
                changes.create(new ControllerCommand.CreateAcls(List.of(ALICE_READ, BOB_GROUP)), ImageState.empty()));
        AclBindingFilter topics = new AclBindingFilter(new ResourcePatternFilter(ResourceType.TOPIC, null,
                PatternType.ANY), AccessControlEntryFilter.ANY);
        Outcome outcome = AclChanges.delete(new ControllerCommand.DeleteAcls(List.of(topics, AclBindingFilter.ANY)), image);
        assertEquals(2, outcome.records().size());
        // filter 0 and its match, then filter 1 and both its matches
        assertEquals(5, outcome.items().size());
        assertEquals("0", outcome.items().get(0).key());
        assertEquals(ALICE_READ, AclEntries.decode(outcome.items().get(1).message()));
        assertTrue(outcome.items().get(1).key().startsWith("0/"));
        assertEquals("1", outcome.items().get(2).key());
        assertEquals(java.util.Set.of(ALICE_READ, BOB_GROUP), java.util.Set.of(
                AclEntries.decode(outcome.items().get(3).message()), AclEntries.decode(outcome.items().get(4).message())));
        assertTrue(applied(image, outcome).acls().isEmpty());
    }

    @Test
    void unknownFilterIsRefused() {
        AclBindingFilter unknown = new AclBindingFilter(new ResourcePatternFilter(ResourceType.UNKNOWN, null,
                PatternType.ANY), AccessControlEntryFilter.ANY);
        Outcome outcome = AclChanges.delete(new ControllerCommand.DeleteAcls(List.of(unknown)), ImageState.empty());
        assertEquals(Errors.INVALID_REQUEST, outcome.items().get(0).error());
    }

    @Test
    void commandsRoundTripThroughTheCommandCodec() {
        ControllerCommand create = new ControllerCommand.CreateAcls(List.of(ALICE_READ, BOB_GROUP));
        assertEquals(create, CommandCodec.decode(CommandCodec.encode(create)));
        ControllerCommand delete = new ControllerCommand.DeleteAcls(List.of(AclBindingFilter.ANY,
                new AclBindingFilter(new ResourcePatternFilter(ResourceType.GROUP, "billing", PatternType.MATCH),
                        new AccessControlEntryFilter("User:bob", null, AclOperation.ANY, AclPermissionType.DENY))));
        assertEquals(delete, CommandCodec.decode(CommandCodec.encode(delete)));
    }

    @Test
    void textFormKeepsOddNames() {
        AclBinding odd = acl(ResourceType.GROUP, "a,b-\u00e9,=", PatternType.LITERAL, "User:*",
                AclOperation.DESCRIBE, AclPermissionType.ALLOW);
        assertEquals(odd, AclEntries.decode(AclEntries.encode(odd)));
        assertNull(AclChanges.problem(odd));
    }
}
