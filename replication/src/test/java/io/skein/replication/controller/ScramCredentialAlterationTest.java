package io.skein.replication.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerCommand.ScramDeletion;
import io.skein.replication.api.ControllerCommand.ScramUpsertion;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import io.skein.replication.metadata.RecordCodec;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ScramCredentialAlterationTest {

    private static final byte[] SALT = {1, 2, 3};

    private static ScramUpsertion upsert(String user, String mechanism, int iterations) {
        return new ScramUpsertion(user, mechanism, SALT, new byte[] {4}, new byte[] {5}, iterations);
    }

    private static Outcome alter(ImageState image, List<ScramUpsertion> upserts, List<ScramDeletion> deletes) {
        return ScramCredentialAlteration.alter(new ControllerCommand.AlterScramCredentials(upserts, deletes), image);
    }

    @Test
    void credentialsAreStoredReplacedAndDeleted() {
        ImageState image = ImageState.empty();
        Outcome created = alter(image, List.of(upsert("alice", "SCRAM-SHA-256", 4096),
                upsert("alice", "SCRAM-SHA-512", 8192)), List.of());
        assertEquals(Errors.NONE, created.items().get(0).error());
        // the records survive the metadata log's encoding
        List<MetadataRecord> replayed = RecordCodec.decode(RecordCodec.encode(0, created.records())).records();
        image = image.replay(replayed, 0);
        assertEquals(8192, image.scramCredentials().get("alice").get("SCRAM-SHA-512").iterations());
        assertArrayEquals(SALT, image.scramCredentials().get("alice").get("SCRAM-SHA-256").salt());

        image = image.replay(alter(image, List.of(), List.of(new ScramDeletion("alice", "SCRAM-SHA-256"))).records(), 1);
        assertEquals(1, image.scramCredentials().get("alice").size());
        image = image.replay(alter(image, List.of(), List.of(new ScramDeletion("alice", "SCRAM-SHA-512"))).records(), 2);
        assertTrue(image.scramCredentials().isEmpty());
    }

    @Test
    void badRequestsGetKafkasErrorsAndChangeNothingForThatUser() {
        ImageState image = ImageState.empty();
        assertEquals(Errors.UNACCEPTABLE_CREDENTIAL,
                alter(image, List.of(upsert("alice", "SCRAM-SHA-256", 100)), List.of()).items().get(0).error());
        assertEquals(Errors.UNACCEPTABLE_CREDENTIAL,
                alter(image, List.of(upsert("alice", "SCRAM-SHA-256", 20000)), List.of()).items().get(0).error());
        assertEquals(Errors.UNSUPPORTED_SASL_MECHANISM,
                alter(image, List.of(upsert("alice", "SCRAM-SHA-1", 4096)), List.of()).items().get(0).error());
        assertEquals(Errors.RESOURCE_NOT_FOUND,
                alter(image, List.of(), List.of(new ScramDeletion("ghost", "SCRAM-SHA-256"))).items().get(0).error());
        Outcome duplicate = alter(image, List.of(upsert("bob", "SCRAM-SHA-256", 4096)),
                List.of(new ScramDeletion("bob", "SCRAM-SHA-256")));
        assertEquals(Errors.DUPLICATE_RESOURCE, duplicate.items().get(0).error());
        assertTrue(duplicate.records().isEmpty());
        Outcome mixed = alter(image, List.of(upsert("carol", "SCRAM-SHA-256", 4096), upsert("dave", "SCRAM-SHA-256", 1)),
                List.of());
        assertEquals(1, mixed.records().size(), "carol is stored, dave is not");
    }
}
