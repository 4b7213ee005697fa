package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.log.api.AbortedTransaction;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random transactional and plain appends from a few producers, COMMIT and ABORT markers (some
 * bumping the producer epoch, as transactions v2 do), rolls (small segments), truncations, clean
 * restarts and restarts after kill -9, each checked against a model of the log's batches: the
 * last stable offset and the aborted transactions a read_committed fetch from any offset gets.
 * Seeded; the seed is in every failure message and can be fixed with {@code -Dskein.model.seed=N}.
 */
class RandomizedTransactionModelTest {

    private static final int PRODUCERS = 3;

    @TempDir
    Path root;

    /** One batch as the model knows it. */
    private record ModelBatch(long baseOffset, long lastOffset, long producerId, short epoch, int lastSeq,
                              boolean transactional, Boolean commit) {
        boolean marker() {
            return commit != null;
        }
    }

    @Test
    void randomOperationsAgreeWithTheModel() throws IOException {
        SeededModelRuns.run("RandomizedTransactionModelTest", root, (seed, dir) -> new Run(seed, dir).execute(250));
    }

    private static final class Run {
        private final Random random;
        private final Path dir;
        private final LogConfig config;
        private final List<ModelBatch> model = new ArrayList<>();
        private LogFixture f;

        Run(long seed, Path dir) {
            this.random = new Random(seed);
            this.dir = dir;
            this.config = LogConfig.defaults().withSegmentBytes(300 + random.nextInt(1200));
        }

        void execute(int operations) throws IOException {
            f = new LogFixture(dir, config);
            try {
                for (int i = 0; i < operations; i++) {
                    int op = random.nextInt(100);
                    String what;
                    if (op < 45) {
                        what = "data";
                        data(random.nextInt(PRODUCERS) + 1L, random.nextInt(4) > 0);
                    } else if (op < 75) {
                        what = "marker";
                        marker(random.nextInt(PRODUCERS) + 1L, random.nextBoolean(), random.nextInt(3) == 0);
                    } else if (op < 82) {
                        what = "plain";
                        assertEquals(Errors.NONE, f.append(Batches.batch(1 + random.nextInt(3))).error());
                        long end = f.log.logEndOffset();
                        model.add(new ModelBatch(model.isEmpty() ? 0 : model.get(model.size() - 1).lastOffset() + 1,
                                end - 1, -1, (short) -1, -1, false, null));
                    } else if (op < 88) {
                        what = "truncate";
                        truncate();
                    } else if (op < 94) {
                        what = "restart";
                        f.reopen(config);
                    } else {
                        what = "crash";
                        f.crashAndReopen(config, () -> { });
                    }
                    check("after " + what + " (operation " + i + ")");
                }
            } finally {
                f.close();
            }
        }

        private long end() {
            return model.isEmpty() ? 0 : model.get(model.size() - 1).lastOffset() + 1;
        }

        /** The producer's epoch and next sequence as the log's producer state has them. */
        private short epochOf(long pid) {
            short epoch = 0;
            for (ModelBatch b : model) {
                if (b.producerId() == pid) {
                    epoch = (short) Math.max(epoch, b.epoch());
                }
            }
            return epoch;
        }

        private int nextSeq(long pid, short epoch) {
            int next = 0;
            for (ModelBatch b : model) {
                if (b.producerId() == pid && b.epoch() == epoch && !b.marker()) {
                    next = b.lastSeq() + 1;
                }
            }
            return next;
        }

        private void data(long pid, boolean transactional) {
            short epoch = epochOf(pid);
            int seq = nextSeq(pid, epoch);
            int count = 1 + random.nextInt(3);
            SimpleRecord[] records = new SimpleRecord[count];
            for (int i = 0; i < count; i++) {
                records[i] = new SimpleRecord(System.currentTimeMillis(), ("k" + i).getBytes(), ("v" + i).getBytes());
            }
            MemoryRecords batch = transactional
                    ? MemoryRecords.withTransactionalRecords(Compression.NONE, pid, epoch, seq, records)
                    : MemoryRecords.withIdempotentRecords(Compression.NONE, pid, epoch, seq, records);
            AppendResult r = f.append(batch);
            assertEquals(Errors.NONE, r.error(), r.errorMessage());
            model.add(new ModelBatch(r.baseOffset(), r.lastOffset(), pid, epoch, seq + count - 1, transactional, null));
        }

        private void marker(long pid, boolean commit, boolean bumpEpoch) {
            short epoch = (short) (epochOf(pid) + (bumpEpoch ? 1 : 0));
            AppendResult r = f.log.appendTransactionMarker(pid, epoch, 0, commit, 7, System.currentTimeMillis());
            assertEquals(Errors.NONE, r.error(), r.errorMessage());
            model.add(new ModelBatch(r.baseOffset(), r.lastOffset(), pid, epoch, -1, true, commit));
        }

        private void truncate() {
            if (model.isEmpty()) {
                return;
            }
            long target = random.nextLong(end() + 1);
            f.log.truncateTo(target);
            model.removeIf(b -> b.lastOffset() >= target);
            f.log.setHighWatermarkFollowsLogEnd(true);
        }

        private void check(String when) {
            assertEquals(end(), f.log.logEndOffset(), "log end " + when);
            Map<Long, Long> open = new HashMap<>();
            List<long[]> aborted = new ArrayList<>(); // producer, first offset, marker offset
            for (ModelBatch b : model) {
                if (b.marker()) {
                    Long first = open.remove(b.producerId());
                    if (first != null && !b.commit()) {
                        aborted.add(new long[] {b.producerId(), first, b.baseOffset()});
                    }
                } else if (b.transactional()) {
                    open.putIfAbsent(b.producerId(), b.baseOffset());
                }
            }
            long lso = open.values().stream().mapToLong(Long::longValue).min().orElse(end());
            assertEquals(lso, f.log.lastStableOffset(), "last stable offset " + when + ", model " + model);
            long from = end() == 0 ? 0 : random.nextLong(end());
            long upper = from + 1 + random.nextInt(20);
            List<AbortedTransaction> expected = aborted.stream().filter(a -> a[2] >= from && a[1] < upper)
                    .map(a -> new AbortedTransaction(a[0], a[1])).toList();
            assertEquals(expected, f.log.abortedTransactions(from, upper),
                    "aborted transactions in [" + from + ", " + upper + ") " + when + ", model " + model);
        }
    }
}
