package io.skein.replication.controller;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;

/**
 * AlterUserScramCredentials as Kafka checks it: known mechanisms only, 4096 to 16384 iterations,
 * a non-empty user name, a user and mechanism at most once per request, deletions only of
 * credentials that exist. Every user's changes apply or none do.
 *
 * <p>Stateless.
 */
final class ScramCredentialAlteration {

    static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-256", "SCRAM-SHA-512");
    static final int MIN_ITERATIONS = 4096;
    static final int MAX_ITERATIONS = 16384;

    private ScramCredentialAlteration() {
    }

    static Outcome alter(ControllerCommand.AlterScramCredentials command, MetadataImage image) {
        Map<String, ItemResult> failures = new LinkedHashMap<>();
        Map<String, List<MetadataRecord>> recordsByUser = new LinkedHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (ControllerCommand.ScramUpsertion u : command.upsertions()) {
            seen.merge(u.user() + "\u0000" + u.mechanism(), 1, Integer::sum);
        }
        for (ControllerCommand.ScramDeletion d : command.deletions()) {
            seen.merge(d.user() + "\u0000" + d.mechanism(), 1, Integer::sum);
        }
        for (ControllerCommand.ScramDeletion d : command.deletions()) {
            recordsByUser.computeIfAbsent(d.user(), x -> new ArrayList<>());
            ItemResult problem = check(d.user(), d.mechanism(), seen);
            if (problem == null && !image.scramCredentials().getOrDefault(d.user(), Map.of()).containsKey(d.mechanism())) {
                problem = new ItemResult(d.user(), Errors.RESOURCE_NOT_FOUND,
                        "Attempt to delete a user credential that does not exist");
            }
            if (problem != null) {
                failures.putIfAbsent(d.user(), problem);
            } else {
                recordsByUser.get(d.user()).add(new MetadataRecord.RemoveScramCredential(d.user(), d.mechanism()));
            }
        }
        for (ControllerCommand.ScramUpsertion u : command.upsertions()) {
            recordsByUser.computeIfAbsent(u.user(), x -> new ArrayList<>());
            ItemResult problem = check(u.user(), u.mechanism(), seen);
            if (problem == null && u.iterations() < MIN_ITERATIONS) {
                problem = new ItemResult(u.user(), Errors.UNACCEPTABLE_CREDENTIAL,
                        "Too few iterations: " + u.iterations() + " (at least " + MIN_ITERATIONS + ")");
            }
            if (problem == null && u.iterations() > MAX_ITERATIONS) {
                problem = new ItemResult(u.user(), Errors.UNACCEPTABLE_CREDENTIAL,
                        "Too many iterations: " + u.iterations() + " (at most " + MAX_ITERATIONS + ")");
            }
            if (problem != null) {
                failures.putIfAbsent(u.user(), problem);
            } else {
                recordsByUser.get(u.user()).add(new MetadataRecord.ScramCredential(u.user(), u.mechanism(), u.salt(),
                        u.storedKey(), u.serverKey(), u.iterations()));
            }
        }
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        for (Map.Entry<String, List<MetadataRecord>> e : recordsByUser.entrySet()) {
            ItemResult failure = failures.get(e.getKey());
            if (failure != null) {
                items.add(failure);
            } else {
                records.addAll(e.getValue());
                items.add(ItemResult.ok(e.getKey()));
            }
        }
        return new Outcome(List.copyOf(records), List.copyOf(items), -1);
    }

    private static ItemResult check(String user, String mechanism, Map<String, Integer> seen) {
        if (user == null || user.isEmpty()) {
            return new ItemResult(user == null ? "" : user, Errors.UNACCEPTABLE_CREDENTIAL, "Username must not be empty");
        }
        if (!MECHANISMS.contains(mechanism)) {
            return new ItemResult(user, Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism " + mechanism);
        }
        if (seen.getOrDefault(user + "\u0000" + mechanism, 0) > 1) {
            return new ItemResult(user, Errors.DUPLICATE_RESOURCE,
                    "A user credential cannot be altered twice in the same request");
        }
        return null;
    }
}
