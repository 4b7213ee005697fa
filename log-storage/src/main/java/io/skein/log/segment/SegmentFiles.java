package io.skein.log.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The names of a segment's files (Kafka's: the base offset as 20 zero-padded digits, then
 * {@code .log}, {@code .index}, {@code .timeindex} or {@code .txnindex}) and the file-system steps of retiring them:
 * rename to {@code <name>.deleted} (atomic, so a crash leaves either name and the loader removes
 * {@code .deleted} leftovers), later delete. Stateless.
 */
public final class SegmentFiles {

    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    public static final String TXN_INDEX_SUFFIX = ".txnindex";
    public static final String DELETED_SUFFIX = ".deleted";
    private static final List<String> SUFFIXES = List.of(LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX);

    private SegmentFiles() {
    }

    public static String fileName(long baseOffset, String suffix) {
        return String.format("%020d%s", baseOffset, suffix);
    }

    /** The segment's log, offset index and time index, each with {@code extraSuffix} appended. */
    static List<Path> paths(Path dir, long baseOffset, String extraSuffix) {
        List<Path> files = new ArrayList<>(SUFFIXES.size());
        for (String suffix : SUFFIXES) {
            files.add(dir.resolve(fileName(baseOffset, suffix + extraSuffix)));
        }
        return files;
    }

    /** Renames the existing files of the segment to {@code *.deleted}; returns the new paths. */
    static List<Path> renameForDeletion(Path dir, long baseOffset) throws IOException {
        List<Path> from = paths(dir, baseOffset, "");
        List<Path> to = paths(dir, baseOffset, DELETED_SUFFIX);
        List<Path> renamed = new ArrayList<>(from.size());
        for (int i = 0; i < from.size(); i++) {
            if (Files.exists(from.get(i))) {
                Files.move(from.get(i), to.get(i), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                renamed.add(to.get(i));
            }
        }
        return renamed;
    }

    /** Deletes the segment's files under their normal names. */
    static void delete(Path dir, long baseOffset) throws IOException {
        for (Path p : paths(dir, baseOffset, "")) {
            Files.deleteIfExists(p);
        }
    }
}
