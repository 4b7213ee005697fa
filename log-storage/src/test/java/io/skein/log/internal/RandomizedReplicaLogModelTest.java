package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.EpochEndOffset;
import io.skein.log.epoch.EpochEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication primitives against a model: random leader appends, leader epoch changes,
 * follower appends (batches carrying their own offsets and epochs), truncations (to a random
 * offset, and full restarts at a new offset), DeleteRecords, clean and unclean restarts, and reads.
 * After every step the log end, log start, high watermark (a sole replica: the log end), the
 * leader-epoch history and {@code endOffsetForEpoch} are checked against the model, and random
 * reads against the model's batch bytes. Seeded; {@code -Dskein.model.seed=N} fixes the seed.
 */
class RandomizedReplicaLogModelTest {

    @TempDir
    Path root;

    private record ModelBatch(long baseOffset, long lastOffset, int epoch, byte[] bytes) {
    }

    @Test
    void replicationOperationsAgreeWithTheModel() throws IOException {
        SeededModelRuns.run("RandomizedReplicaLogModelTest", root, (seed, dir) -> new Run(seed, dir).execute(300));
    }

    private static final class Run {
        private final long seed;
        private final Random random;
        private final Path dir;
        private final LogConfig config;
        private final List<ModelBatch> batches = new ArrayList<>();
        private List<EpochEntry> epochs = new ArrayList<>();
        private long start;
        private long end;
        private int leaderEpoch = -1;
        private int largestEpochWritten = -1;
        private String lastStep = "start";
        private final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
        private LogFixture f;

        Run(long seed, Path dir) {
            this.seed = seed;
            this.random = new Random(seed);
            this.dir = dir;
            this.config = LogFixture.config(Map.of("index.interval.bytes", Integer.toString(random.nextInt(600))))
                    .withSegmentBytes(300 + random.nextInt(1700));
        }

        void execute(int operations) throws IOException {
            f = new LogFixture(dir, config);
            try {
                for (int i = 0; i < operations; i++) {
                    step(random.nextInt(100));
                    recent.addLast(lastStep + " -> [" + start + ", " + end + ")");
                    if (recent.size() > 12) {
                        recent.removeFirst();
                    }
                    check();
                }
            } finally {
                f.close();
            }
        }

        private void step(int dice) throws IOException {
            if (dice < 35) {
                leaderAppend();
            } else if (dice < 45) {
                becomeLeader();
            } else if (dice < 65) {
                followerAppend();
            } else if (dice < 77) {
                truncateTo();
            } else if (dice < 80) {
                truncateFully();
            } else if (dice < 86) {
                deleteRecords();
            } else if (dice < 93) {
                lastStep = "clean restart";
                f.reopen(config);
                afterLoad();
            } else {
                lastStep = "unclean restart";
                f.crashAndReopen(config, () -> { });
                afterLoad();
            }
        }

        private void leaderAppend() {
            if (Math.max(latestEpoch(), largestEpochWritten) > leaderEpoch) {
                becomeLeader(); // a replica that followed batches of a later epoch leads only at a newer one
            }
            MemoryRecords records = Batches.batch(random.nextInt(4) == 0 ? Compression.gzip().build()
                    : Compression.NONE, System.currentTimeMillis(), 1 + random.nextInt(6));
            AppendResult result = f.log.append(records, new AppendContext(0, System.currentTimeMillis()));
            assertEquals(Errors.NONE, result.error(), result.errorMessage());
            int epoch = Math.max(0, leaderEpoch);
            if (epoch > leaderEpoch) {
                leaderEpoch = epoch;
                assign(epoch, end);
            }
            assertEquals(end, result.baseOffset(), "leader append base, seed " + seed);
            assign(epoch, result.baseOffset());
            add(new ModelBatch(result.baseOffset(), result.lastOffset(), epoch, Batches.bytesOf(records)));
            lastStep = "leader append at " + result.baseOffset();
        }

        private void becomeLeader() {
            int epoch = Math.max(largestEpochWritten, Math.max(leaderEpoch, latestEpoch())) + 1 + random.nextInt(3);
            f.log.becomeLeader(epoch);
            leaderEpoch = epoch;
            assign(epoch, end);
            lastStep = "become leader at epoch " + epoch;
        }

        private void followerAppend() {
            // a leader's epochs only grow, even when truncation removed their history entries
            int epoch = Math.max(0, Math.max(latestEpoch(), largestEpochWritten)) + (random.nextInt(3) == 0 ? 1 : 0);
            long base = end + (random.nextInt(10) == 0 ? 1 + random.nextInt(5) : 0); // sometimes a compaction gap
            MemoryRecords records = ReplicaBatches.atOffset(base, epoch, 1 + random.nextInt(6),
                    System.currentTimeMillis());
            byte[] bytes = Batches.bytesOf(records);
            AppendResult result = f.log.appendAsFollower(records);
            assertEquals(Errors.NONE, result.error(), result.errorMessage());
            assign(epoch, base);
            add(new ModelBatch(base, result.lastOffset(), epoch, bytes));
            lastStep = "follower append at " + base + " epoch " + epoch;
            if (random.nextInt(5) == 0) {
                long overlapping = Math.max(start, end - 1 - random.nextInt(3));
                AppendResult refused = f.log.appendAsFollower(ReplicaBatches.atOffset(overlapping, epoch, 1, 0L));
                assertEquals(Errors.OFFSET_OUT_OF_RANGE, refused.error(), "overlap at " + overlapping);
            }
        }

        /**
         * Whole batches at or past the target go. The new end is where the remaining data ends,
         * except after a compaction gap that began a segment: then the segment's base offset,
         * which the model does not know, so it accepts any end between the two and adopts it.
         */
        private void truncateTo() {
            long target = start + (end == start ? 0 : random.nextLong(end - start + 1));
            long newEnd = f.log.truncateTo(target);
            long t = Math.max(target, start);
            if (t < end) {
                long firstRemoved = batches.stream().filter(b -> b.lastOffset() >= t).mapToLong(ModelBatch::baseOffset)
                        .findFirst().orElse(t);
                batches.removeIf(b -> b.lastOffset() >= t);
                long dataEnd = batches.isEmpty() ? Long.MIN_VALUE : batches.get(batches.size() - 1).lastOffset() + 1;
                String what = "truncateTo(" + target + ") end " + newEnd + " within [" + dataEnd + ", " + firstRemoved
                        + "], seed " + seed + ", recent steps " + recent;
                if (dataEnd < start && firstRemoved <= start) {
                    // the batch holding the log start offset went: the log restarts empty there
                    batches.clear();
                    epochs.clear();
                    end = start;
                } else {
                    assertEquals(true, newEnd >= dataEnd && newEnd <= Math.min(t, firstRemoved), what);
                    end = newEnd;
                    epochs.removeIf(e -> e.startOffset() >= end);
                }
            } else {
                epochs.removeIf(e -> e.startOffset() >= end); // an epoch that began at the end appended nothing
            }
            assertEquals(end, newEnd, "truncateTo(" + target + ") end, seed " + seed + ", recent steps " + recent);
            lastStep = "truncate to " + target;
        }

        private void truncateFully() {
            long offset = end + random.nextInt(50);
            f.log.truncateFullyAndStartAt(offset);
            batches.clear();
            epochs.clear();
            start = offset;
            end = offset;
            lastStep = "truncate fully, start at " + offset;
        }

        private void deleteRecords() {
            long target = start + (end == start ? 0 : random.nextLong(end - start + 1));
            f.log.deleteRecordsBefore(target);
            if (target > start) {
                start = target;
                int lastBelow = -1;
                for (int i = 0; i < epochs.size() && epochs.get(i).startOffset() <= start; i++) {
                    lastBelow = i;
                }
                if (lastBelow >= 0) {
                    List<EpochEntry> next = new ArrayList<>();
                    next.add(new EpochEntry(epochs.get(lastBelow).epoch(), start));
                    next.addAll(epochs.subList(lastBelow + 1, epochs.size()));
                    epochs = next;
                }
            }
            f.disk().checkpointLogStartOffsets();
            lastStep = "delete records before " + target;
        }

        private void afterLoad() {
            epochs.removeIf(e -> e.startOffset() >= end);
            leaderEpoch = latestEpoch();
        }

        private void add(ModelBatch batch) {
            largestEpochWritten = Math.max(largestEpochWritten, batch.epoch());
            batches.add(batch);
            end = batch.lastOffset() + 1;
        }

        /** Kafka's assign, written plainly. */
        private void assign(int epoch, long startOffset) {
            EpochEntry latest = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
            if (latest != null && latest.epoch() == epoch && latest.startOffset() <= startOffset) {
                return;
            }
            epochs.removeIf(e -> e.epoch() >= epoch || e.startOffset() >= startOffset);
            epochs.add(new EpochEntry(epoch, startOffset));
        }

        private int latestEpoch() {
            return epochs.isEmpty() ? -1 : epochs.get(epochs.size() - 1).epoch();
        }

        private EpochEndOffset expectedEndOffsetFor(int requested) {
            if (requested < 0 || epochs.isEmpty() || requested > latestEpoch()) {
                return EpochEndOffset.UNDEFINED_ANSWER;
            }
            if (requested == latestEpoch()) {
                return new EpochEndOffset(requested, end);
            }
            EpochEntry floor = null;
            for (EpochEntry e : epochs) {
                if (e.epoch() > requested) {
                    return new EpochEndOffset(floor == null ? requested : floor.epoch(), e.startOffset());
                }
                floor = e;
            }
            throw new AssertionError("unreachable");
        }

        private void check() {
            String when = " after " + lastStep + ", seed " + seed + ", recent steps " + recent;
            assertEquals(end, f.log.logEndOffset(), "log end offset" + when);
            assertEquals(start, f.log.logStartOffset(), "log start offset" + when);
            assertEquals(end, f.log.highWatermark(), "high watermark of a sole replica" + when);
            assertEquals(epochs, f.diskLog().leaderEpochEntries(), "leader epochs" + when);
            int requested = random.nextInt(latestEpoch() + 3) - 1;
            assertEquals(expectedEndOffsetFor(requested), f.log.endOffsetForEpoch(requested),
                    "endOffsetForEpoch(" + requested + ")" + when);
            List<ModelBatch> readable = batches.stream().filter(b -> b.lastOffset() >= start).toList();
            if (readable.isEmpty()) {
                assertEquals(0, f.read(start, Integer.MAX_VALUE, true).remaining(), "empty log reads nothing" + when);
                return;
            }
            ModelBatch target = readable.get(random.nextInt(readable.size()));
            long offset = Math.max(start, target.baseOffset() + random.nextLong(target.lastOffset()
                    - target.baseOffset() + 1));
            LogReadResult result = f.log.read(offset, 1, end, true);
            try {
                ByteBuffer bytes = result.records().readFully();
                byte[] first = new byte[target.bytes().length];
                bytes.get(first);
                assertArrayEquals(target.bytes(), first, "batch holding " + offset + when);
            } finally {
                result.records().release();
            }
        }
    }
}
