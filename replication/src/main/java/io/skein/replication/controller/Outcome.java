package io.skein.replication.controller;

import io.skein.replication.api.ControllerResult;
import io.skein.replication.metadata.MetadataRecord;
import java.util.List;

/**
 * What a command decides: the records to write (empty for a pure validation or a refusal) and the
 * per-item results to answer with.
 */
public record Outcome(List<MetadataRecord> records, List<ControllerResult.ItemResult> items, long producerIdStart) {
}
