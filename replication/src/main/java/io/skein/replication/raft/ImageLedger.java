package io.skein.replication.raft;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.controller.Controller;
import io.skein.replication.controller.Outcome;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.RecordCodec;
import java.util.function.BiConsumer;

/**
 * The images of one node's state machine and the compare-and-set that keeps "compute, then
 * replay" correct when Ratis reorders concurrently started transactions. Knows nothing of Ratis,
 * so it is tested directly.
 *
 * <ul>
 *   <li><b>committed</b>: the result of replaying every applied log entry, in log order. Identical
 *       on every replica at the same entry.</li>
 *   <li><b>pending</b> (leader only, may be null = same as committed): committed plus the records
 *       of entries proposed but not applied yet, so that two commands in flight see each other
 *       (the second CreateTopics of a name answers TOPIC_ALREADY_EXISTS before the first commits).</li>
 * </ul>
 *
 * <p>{@link #propose} computes a command against pending and encodes the records with the
 * version of the image they were computed against. {@link #apply} replays an entry only if that
 * version is still the committed version; otherwise the entry is <em>stale</em> (its results may be
 * wrong), changes nothing, and the proposer computes the command again. A stale or cancelled entry,
 * or a leader change, drops pending, because what it predicted will not happen.
 *
 * <p>Threading: {@code propose} runs on Ratis request threads, {@code apply} on Ratis's single
 * apply thread, {@code leaderChanged} and {@code discardPending} on Ratis event threads; all state
 * is guarded by this object's monitor. {@code published} is volatile so {@link #image()} needs no
 * lock. The sink is called under the monitor, so images reach it in the order they were made;
 * it must only enqueue.
 */
final class ImageLedger {

    /** An entry to append and the answer to give once it is applied (offset still unknown: -1). */
    record Proposal(byte[] entry, ControllerResult result) {
    }

    /** What applying one entry did. */
    record Applied(boolean stale, ImageState image) {
    }

    private final Controller controller;
    private final BiConsumer<ImageState, ImageState> sink;
    private ImageState committed = ImageState.empty();
    private ImageState pending;
    private int leaderId = -1;
    private long appliedEntries;
    private volatile ImageState published = ImageState.empty();

    /**
     * @param sink told (previous, current) for every published image, under this ledger's lock
     */
    ImageLedger(Controller controller, BiConsumer<ImageState, ImageState> sink) {
        this.controller = controller;
        this.sink = sink;
    }

    /** The latest published image: committed, with the leader this node knows of. */
    ImageState image() {
        return published;
    }

    synchronized Proposal propose(ControllerCommand command) {
        ImageState base = pending != null ? pending : committed;
        Outcome outcome = controller.compute(command, base);
        byte[] entry = RecordCodec.encode(base.version(), outcome.records());
        if (!outcome.records().isEmpty()) {
            pending = base.replay(outcome.records(), base.offset());
        }
        return new Proposal(entry, new ControllerResult(-1, outcome.items(), outcome.producerIdStart()));
    }

    /**
     * Applies the entry at {@code index}: replays its records if it was computed against the
     * committed image, otherwise marks it stale. Either way the image moves to {@code index}.
     *
     * @throws io.skein.replication.metadata.MetadataCorruptionException on a corrupt entry (fatal)
     */
    synchronized Applied apply(byte[] entry, long index) {
        RecordCodec.Entry decoded = RecordCodec.decode(entry);
        appliedEntries++;
        boolean stale = decoded.basedOn() != committed.version();
        if (stale || decoded.records().isEmpty()) {
            committed = committed.atOffset(index);
        } else {
            committed = committed.replay(decoded.records(), index);
        }
        if (stale || (pending != null && pending.version() <= committed.version())) {
            pending = null;
        }
        publish(committed.withController(leaderId));
        return new Applied(stale, published);
    }

    /** The committed image, for a snapshot taken on the apply thread between two entries. */
    synchronized ImageState committed() {
        return committed;
    }

    /** Replaces everything with a snapshot's image (at start, or when a follower installs the leader's). */
    synchronized void restore(ImageState image) {
        committed = image;
        pending = null;
        publish(committed.withController(leaderId));
    }

    /** Log entries applied since this ledger was made (the tail replayed after a snapshot, then new ones). */
    synchronized long appliedEntries() {
        return appliedEntries;
    }

    /** A proposal will never be applied (Ratis refused to append it): forget what it predicted. */
    synchronized void discardPending() {
        pending = null;
    }

    /** @return true if the leader really changed */
    synchronized boolean leaderChanged(int newLeaderId) {
        pending = null;
        if (newLeaderId == leaderId) {
            return false;
        }
        leaderId = newLeaderId;
        publish(committed.withController(leaderId));
        return true;
    }

    private void publish(ImageState next) {
        ImageState previous = published;
        published = next;
        sink.accept(previous, next);
    }
}
