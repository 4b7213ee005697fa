package io.skein.replication.raft;

import io.skein.replication.metadata.ImageSnapshotCodec;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataCorruptionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a broker-only node ({@code process.roles=broker}, not a voter) follows the metadata: it
 * asks the Raft leader every {@value #POLL_MS} ms, with a read-only query, for the committed image
 * if it is past the offset this node has, and hands a newer image to its {@link ImageLedger} as a
 * whole (as if it were a snapshot). Nothing is written to the log.
 *
 * <p>Why not a Ratis listener peer: a listener must be in the Raft group's configuration, which
 * the voters would then have to list (Skein's quorum is static, configured by
 * {@code controller.quorum.voters}) or change at run time for every broker that comes and goes.
 * Polling needs neither. Its costs: up to {@value #POLL_MS} ms more latency before this node sees a
 * change, and the whole image travels after each change, which is fine for clusters of a few
 * thousand partitions; incremental fetching (the records after an offset) is the next step.
 *
 * <p>Threading: owns one daemon thread ({@code skein-image-follower-<node>}) that sends the
 * queries; answers are applied on Ratis client threads, one at a time (the next query is sent
 * only after the previous answer was handled). {@code appliedOffset} is written where an answer
 * is handled and read on this node's thread for the next query, hence volatile; {@code closed} is
 * volatile because {@link #close} runs on the owner's thread; {@code reachable} is touched only
 * where answers are handled, one at a time.
 */
final class ImageFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ImageFollower.class);
    static final long POLL_MS = 100;

    private final int nodeId;
    private final ControllerClient client;
    private final ImageLedger ledger;
    private final ScheduledExecutorService thread;
    private volatile long appliedOffset = -1;
    private volatile boolean closed;
    private boolean reachable = true;

    ImageFollower(int nodeId, ControllerClient client, ImageLedger ledger) {
        this.nodeId = nodeId;
        this.client = client;
        this.ledger = ledger;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "skein-image-follower-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        thread.execute(this::poll);
    }

    private void poll() {
        if (closed) {
            return;
        }
        client.query(QueryCodec.imageAfter(appliedOffset)).whenComplete((bytes, failure) -> {
            try {
                if (failure != null) {
                    if (reachable) {
                        log.warn("Node {} cannot fetch the metadata image from the quorum: {}", nodeId,
                                failure.getMessage());
                        reachable = false;
                    }
                    return;
                }
                if (!reachable) {
                    log.info("Node {} fetches the metadata image from the quorum again", nodeId);
                    reachable = true;
                }
                apply(QueryCodec.decodeImageAnswer(bytes));
            } catch (MetadataCorruptionException e) {
                log.error("Node {} received a metadata image it cannot decode: {}", nodeId, e.getMessage());
            } finally {
                schedule();
            }
        });
    }

    private void apply(QueryCodec.ImageAnswer answer) {
        ledger.leaderChanged(answer.leaderId());
        if (answer.snapshot() == null) {
            return;
        }
        ImageState image = ImageSnapshotCodec.decode(answer.snapshot());
        if (image.offset() > appliedOffset) {
            ledger.restore(image);
            appliedOffset = image.offset();
        }
    }

    private void schedule() {
        if (!closed) {
            try {
                thread.schedule(this::poll, POLL_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
    }
}
