package io.skein.replication.api;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * The controller's answer to a command.
 *
 * @param offset the metadata log offset of the command's records; wait for it with
 *     {@link MetadataQuorum#awaitApplied} before reading the image
 * @param items one result per item of the command, in the command's order
 * @param producerIdStart for {@link ControllerCommand.AllocateProducerIds}, the first id of the block; -1 otherwise
 */
public record ControllerResult(long offset, List<ItemResult> items, long producerIdStart) {

    /** The outcome for one item (a topic, a broker). */
    public record ItemResult(String key, Errors error, String message) {
        public static ItemResult ok(String key) {
            return new ItemResult(key, Errors.NONE, null);
        }
    }
}
