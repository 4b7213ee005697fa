package io.skein.replication.controller;

import io.skein.replication.api.ControllerResult;
import io.skein.replication.metadata.MetadataRecord;
import java.util.List;

/**
 * What the controller decided for one command.
 *
 * @param records what to write to the metadata log (empty for a refusal or a validation-only command)
 * @param items the per-item answers, in the command's order
 * @param producerIdStart the first id of an allocated producer-id block, -1 otherwise
 */
public record Outcome(List<MetadataRecord> records, List<ControllerResult.ItemResult> items, long producerIdStart) {
}
