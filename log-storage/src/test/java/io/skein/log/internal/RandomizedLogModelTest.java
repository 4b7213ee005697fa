package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.OffsetOutOfRangeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random appends, rolls (small segments), DeleteRecords, clean and unclean restarts (with the last
 * segment cut at a random length or a byte flipped inside a batch) and reads, each checked
 * against a model: the list of batches (offsets and exact bytes) the log should hold. Seeded;
 * the seed is in every failure message and can be fixed with {@code -Dskein.model.seed=N}.
 */
class RandomizedLogModelTest {

    @TempDir
    Path root;

    /** One batch as the model knows it: offsets and the bytes as stamped by the append. */
    private record ModelBatch(long baseOffset, long lastOffset, byte[] bytes) {
    }

    @Test
    void randomOperationsAgreeWithTheModel() throws IOException {
        SeededModelRuns.run("RandomizedLogModelTest", root, (seed, dir) -> new Run(seed, dir).execute(300));
    }

    private static final class Run {
        private final long seed;
        private final Random random;
        private final Path dir;
        private final LogConfig config;
        private final List<ModelBatch> model = new ArrayList<>();
        private long logStartOffset;
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
                    int dice = random.nextInt(100);
                    if (dice < 55) {
                        append();
                    } else if (dice < 75) {
                        readAt();
                    } else if (dice < 80) {
                        f.reopen(config);
                        checkWhole("after a clean restart");
                    } else if (dice < 86) {
                        crashAndCutTheLastSegment();
                    } else if (dice < 90) {
                        crashAndFlipAByte();
                    } else if (dice < 94) {
                        f.crashAndReopen(config, () -> { });
                        checkWhole("after an unclean restart");
                    } else {
                        deleteRecords();
                    }
                }
                checkWhole("at the end");
            } finally {
                f.close();
            }
        }

        private long logEndOffset() {
            return model.isEmpty() ? Math.max(logStartOffset, 0) : model.get(model.size() - 1).lastOffset() + 1;
        }

        private void append() {
            int count = 1 + random.nextInt(6);
            MemoryRecords records = Batches.batch(random.nextInt(5) == 0 ? Compression.gzip().build()
                    : Compression.NONE, System.currentTimeMillis(), count);
            AppendResult result = f.append(records);
            assertEquals(Errors.NONE, result.error(), result.errorMessage());
            assertEquals(logEndOffset(), result.baseOffset(), "seed " + seed);
            model.add(new ModelBatch(result.baseOffset(), result.lastOffset(), Batches.bytesOf(records)));
        }

        private void readAt() {
            long end = logEndOffset();
            if (random.nextInt(8) == 0 && logStartOffset > 0) {
                long below = random.nextLong(logStartOffset);
                assertThrows(OffsetOutOfRangeException.class, () -> f.log.read(below, 1000, end, true));
                return;
            }
            if (end == logStartOffset) {
                return;
            }
            long offset = logStartOffset + random.nextLong(end - logStartOffset);
            LogReadResult result = f.log.read(offset, random.nextInt(3000), end, true);
            try {
                ByteBuffer bytes = result.records().readFully();
                ModelBatch expected = batchHolding(offset);
                byte[] firstBatch = new byte[expected.bytes().length];
                bytes.get(firstBatch);
                assertArrayEquals(expected.bytes(), firstBatch, "batch at offset " + offset + ", seed " + seed);
            } finally {
                result.records().release();
            }
        }

        private ModelBatch batchHolding(long offset) {
            for (ModelBatch b : model) {
                if (b.lastOffset() >= offset) {
                    return b;
                }
            }
            throw new AssertionError("no batch holds " + offset);
        }

        private void checkWhole(String when) {
            assertEquals(logEndOffset(), f.log.logEndOffset(), "log end offset " + when);
            assertEquals(logStartOffset, f.log.logStartOffset(), "log start offset " + when);
            byte[] expected = expectedBytesFrom(logStartOffset);
            byte[] actual;
            if (expected.length == 0) {
                actual = new byte[0];
            } else {
                ByteBuffer read = f.readAll(logStartOffset);
                actual = new byte[read.remaining()];
                read.get(actual);
            }
            assertArrayEquals(expected, actual, "whole log " + when);
        }

        /** The model's bytes from the batch holding {@code offset}, up to the end of its segment and on. */
        private byte[] expectedBytesFrom(long offset) {
            List<Long> bases = segmentBases();
            ModelBatch startBatch = model.stream().filter(b -> b.lastOffset() >= offset).findFirst().orElse(null);
            if (startBatch == null) {
                return new byte[0];
            }
            // a read never spans two segments: stop at the next segment's base
            long stop = bases.stream().filter(b -> b > startBatch.baseOffset()).findFirst().orElse(Long.MAX_VALUE);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (ModelBatch b : model) {
                if (b.lastOffset() >= offset && b.baseOffset() < stop) {
                    out.writeBytes(b.bytes());
                }
            }
            return out.toByteArray();
        }

        private List<Long> segmentBases() {
            try (Stream<Path> files = Files.list(f.partitionDir())) {
                return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log"))
                        .map(n -> Long.parseLong(n.substring(0, 20))).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Path lastSegment() {
            List<Long> bases = segmentBases();
            return f.partitionDir().resolve(String.format("%020d.log", bases.get(bases.size() - 1)));
        }

        /** The model batches in the last segment, in file order. */
        private List<ModelBatch> batchesInLastSegment() {
            List<Long> bases = segmentBases();
            long base = bases.get(bases.size() - 1);
            return model.stream().filter(b -> b.baseOffset() >= base).toList();
        }

        private void crashAndCutTheLastSegment() throws IOException {
            Path last = lastSegment();
            List<ModelBatch> inLast = batchesInLastSegment();
            long size = inLast.stream().mapToLong(b -> b.bytes().length).sum();
            long cut = size == 0 ? 0 : random.nextLong(size + 1);
            f.crashAndReopen(config, () -> resize(last, cut));
            dropFrom(inLast, cut);
            checkWhole("after cutting " + last.getFileName() + " to " + cut + " bytes");
        }

        private void crashAndFlipAByte() throws IOException {
            Path last = lastSegment();
            List<ModelBatch> inLast = batchesInLastSegment();
            if (inLast.isEmpty()) {
                return;
            }
            int victim = random.nextInt(inLast.size());
            long batchStart = 0;
            for (int i = 0; i < victim; i++) {
                batchStart += inLast.get(i).bytes().length;
            }
            // from the CRC field on: the bytes a CRC check can see (base offset and length are checked otherwise)
            long position = batchStart + 17 + random.nextInt(inLast.get(victim).bytes().length - 17);
            f.crashAndReopen(config, () -> flip(last, position));
            dropFrom(inLast, batchStart);
            checkWhole("after flipping the byte at " + position + " of " + last.getFileName());
        }

        /** Drops the model batches of the last segment that do not lie wholly below {@code bytes}. */
        private void dropFrom(List<ModelBatch> inLast, long bytes) {
            long end = 0;
            for (ModelBatch b : inLast) {
                end += b.bytes().length;
                if (end > bytes) {
                    model.subList(model.indexOf(b), model.size()).clear();
                    break;
                }
            }
            logStartOffset = Math.min(logStartOffset, logEndOffsetAfterDrop(inLast));
        }

        private long logEndOffsetAfterDrop(List<ModelBatch> inLast) {
            return model.isEmpty() ? inLast.isEmpty() ? logStartOffset : inLast.get(0).baseOffset() : logEndOffset();
        }

        private void deleteRecords() {
            long end = logEndOffset();
            long target = logStartOffset + (end == logStartOffset ? 0 : random.nextLong(end - logStartOffset + 1));
            assertEquals(Math.max(logStartOffset, target), f.log.deleteRecordsBefore(target));
            logStartOffset = Math.max(logStartOffset, target);
            f.disk().checkpointLogStartOffsets();
        }

        private static void resize(Path file, long size) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(size);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void flip(Path file, long position) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                ch.read(b, position);
                b.put(0, (byte) (b.get(0) ^ (1 + new Random(position).nextInt(255)))).rewind();
                ch.write(b, position);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

}
