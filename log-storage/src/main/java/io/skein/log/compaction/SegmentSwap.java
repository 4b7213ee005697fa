package io.skein.log.compaction;

import io.skein.log.api.LogConfig;
import io.skein.log.segment.BatchHeader;
import io.skein.log.segment.LogSegment;
import io.skein.log.segment.Segments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a cleaned segment in place of the segments it was made from, crash-safely, and completes
 * a swap a crash interrupted. The steps (each rename atomic, the directory forced after each
 * group of renames):
 * <ol>
 * <li>{@code <base>.{index,timeindex,txnindex,log}.cleaned} → {@code .swap}, the log last: a
 *     {@code <base>.log.swap} means a complete cleaned segment is ready;</li>
 * <li>under the log's writer lock: the old segments' files → {@code .deleted} (their open
 *     channels keep serving readers), {@code .swap} → final names, the new segment opened and put
 *     in the segment map in place of the old ones;</li>
 * <li>after the lock: the old segments retired (their files deleted {@code file.delete.delay.ms}
 *     later, their channels closed when the last reader releases them).</li>
 * </ol>
 * On load, {@link #completeInterruptedSwaps} finishes step 2 for every {@code <base>.log.swap}: it
 * deletes the segments whose base offsets fall in the swap segment's offset range and renames the
 * swap files (a cleaned segment always keeps the last batch of its range, possibly empty, so
 * the range is exact); a swap file that is not whole batches is deleted instead, and so are stray
 * index {@code .swap} files. {@code .cleaned} and {@code .deleted}
 * leftovers are deleted by the loader.
 *
 * <p>Stateless.
 */
public final class SegmentSwap {

    private static final Logger log = LoggerFactory.getLogger(SegmentSwap.class);
    static final String SWAP_SUFFIX = ".swap";
    private static final List<String> SUFFIXES = List.of(LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX,
            LogSegment.TXN_INDEX_SUFFIX, LogSegment.LOG_SUFFIX);

    private SegmentSwap() {
    }

    /**
     * Swaps the finished cleaned segment at {@code baseOffset} in for {@code old}; returns the new
     * segment, or null when the log changed meanwhile (closed, or one of the old segments was
     * deleted or truncated away): then the cleaned files are deleted and nothing else changes.
     */
    static LogSegment swapIn(CleanableLog cleanable, List<LogSegment> old, long baseOffset, long nowMs)
            throws IOException {
        Path dir = cleanable.dir();
        for (String suffix : SUFFIXES) {
            move(cleaned(dir, baseOffset, suffix), swap(dir, baseOffset, suffix));
        }
        syncDirectory(dir);
        LogSegment[] swapped = new LogSegment[1];
        List<Path> renamed = new ArrayList<>();
        LogConfig config = cleanable.config();
        boolean ran = cleanable.underWriterLock(() -> {
            Segments segments = cleanable.segments();
            for (LogSegment s : old) {
                if (segments.floor(s.baseOffset()) != s || s == segments.active()) {
                    return;
                }
            }
            for (LogSegment s : old) {
                renamed.addAll(s.renameForDeletion());
            }
            for (String suffix : SUFFIXES) {
                move(swap(dir, baseOffset, suffix), dir.resolve(LogSegment.fileName(baseOffset, suffix)));
            }
            syncDirectory(dir);
            LogSegment fresh = LogSegment.open(dir, baseOffset, config.segmentIndexBytes(),
                    config.indexIntervalBytes(), false, nowMs);
            fresh.recover(false, false, null);
            segments.replace(old, fresh);
            swapped[0] = fresh;
        });
        if (swapped[0] == null) {
            for (String suffix : SUFFIXES) {
                Files.deleteIfExists(swap(dir, baseOffset, suffix));
            }
            log.info("Dropped the cleaned segment {} of {}: the log {} while it was being cleaned",
                    LogSegment.fileName(baseOffset, LogSegment.LOG_SUFFIX), cleanable.topicPartition(),
                    ran ? "lost some of the segments cleaned" : "was closed");
            return null;
        }
        cleanable.retire(old, renamed);
        return swapped[0];
    }

    /**
     * Completes the swaps a crash interrupted in a partition directory (before the loader lists
     * its segments); returns the number completed.
     */
    public static int completeInterruptedSwaps(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.toList();
        }
        int completed = 0;
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (!name.endsWith(LogSegment.LOG_SUFFIX + SWAP_SUFFIX)) {
                continue;
            }
            long base = Long.parseLong(name.substring(0, 20));
            long last = lastOffsetOf(file);
            if (last < 0) {
                // not a finished cleaned segment (ours always hold whole batches, the last one
                // marking where the group ended): never swapped in, the old segments stand
                log.info("Removing the incomplete swap file {}", file);
                for (String suffix : SUFFIXES) {
                    Files.deleteIfExists(swap(dir, base, suffix));
                }
                continue;
            }
            for (Path other : files) {
                String n = other.getFileName().toString();
                if (n.length() == 20 + LogSegment.LOG_SUFFIX.length() && n.endsWith(LogSegment.LOG_SUFFIX)) {
                    long otherBase = Long.parseLong(n.substring(0, 20));
                    if (otherBase >= base && otherBase <= last) {
                        for (String suffix : SUFFIXES) {
                            Files.deleteIfExists(dir.resolve(LogSegment.fileName(otherBase, suffix)));
                        }
                    }
                }
            }
            for (String suffix : SUFFIXES) {
                Path from = swap(dir, base, suffix);
                if (Files.exists(from)) {
                    move(from, dir.resolve(LogSegment.fileName(base, suffix)));
                }
            }
            log.info("Completed the interrupted swap of the cleaned segment {} in {} (offsets {} to {})",
                    LogSegment.fileName(base, LogSegment.LOG_SUFFIX), dir, base, last);
            completed++;
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path stray : list.filter(p -> p.getFileName().toString().endsWith(SWAP_SUFFIX)).toList()) {
                Files.deleteIfExists(stray); // index swap files whose log swap never got renamed
            }
        }
        if (completed > 0) {
            syncDirectory(dir);
        }
        return completed;
    }

    /**
     * The last offset in a swap segment file, walking its batch headers; -1 unless the file is
     * whole magic v2 batches to its last byte, at least one.
     */
    private static long lastOffsetOf(Path file) throws IOException {
        long last = -1;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
            long pos = 0;
            while (pos + BatchHeader.SIZE <= size) {
                header.clear();
                while (header.hasRemaining() && ch.read(header, pos + header.position()) > 0) {
                    // read the whole header
                }
                int total = BatchHeader.totalSize(header, 0);
                if (header.hasRemaining() || header.get(BatchHeader.MAGIC) != 2 || total < BatchHeader.SIZE
                        || pos + total > size) {
                    return -1;
                }
                last = Math.max(last, BatchHeader.lastOffset(header, 0));
                pos += total;
            }
            return pos == size ? last : -1;
        }
    }

    private static Path cleaned(Path dir, long base, String suffix) {
        return CleanedSegmentWriter.file(dir, base, suffix);
    }

    private static Path swap(Path dir, long base, String suffix) {
        return dir.resolve(LogSegment.fileName(base, suffix + SWAP_SUFFIX));
    }

    private static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems refuse to open directories; the renames are still atomic there
        }
    }
}
