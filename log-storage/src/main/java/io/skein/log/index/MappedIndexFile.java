package io.skein.log.index;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The memory-mapped file under a sparse index ({@link OffsetIndex}, {@link TimeIndex}): fixed-size
 * entries, preallocated while the segment is active and trimmed to its entries on roll and close.
 * The index types own the entry layout; this class owns the mapping and the published entry count.
 *
 * <p>Threading: one writer ({@link #publish}, {@link #clear}, {@link #trim}); readers take
 * {@link #buffer()} then {@link #entries()} and read without locks. {@code entries} is volatile and
 * published after an entry's bytes; {@code mmap} is volatile because {@link #trim} replaces it.
 */
final class MappedIndexFile {

    private final Path file;
    private final int entrySize;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    private MappedIndexFile(Path file, int entrySize, MappedByteBuffer mmap) {
        this.file = file;
        this.entrySize = entrySize;
        this.mmap = mmap;
        this.maxEntries = mmap.capacity() / entrySize;
    }

    /** An empty file preallocated to {@code maxIndexBytes} (replacing any file there). */
    static MappedIndexFile createEmpty(Path file, int entrySize, int maxIndexBytes) throws IOException {
        int length = Math.max(entrySize, maxIndexBytes / entrySize * entrySize);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            return new MappedIndexFile(file, entrySize, ch.map(FileChannel.MapMode.READ_WRITE, 0, length));
        }
    }

    /**
     * The file as on disk (created empty if missing), mapped to its whole entries; no entry counts
     * as valid until the index type has checked them ({@link #validEntries}).
     */
    static MappedIndexFile openExisting(Path file, int entrySize) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long length = ch.size() / entrySize * entrySize;
            return new MappedIndexFile(file, entrySize, ch.map(FileChannel.MapMode.READ_WRITE, 0, length));
        }
    }

    MappedByteBuffer buffer() {
        return mmap;
    }

    /** The entries the mapping can hold (all of the file's, before validation). */
    int capacity() {
        return mmap.capacity() / entrySize;
    }

    int entries() {
        return entries;
    }

    /** Sets how many leading entries of an opened file are valid; {@code frozen}: no more appends fit. */
    void validEntries(int n, boolean frozen) {
        entries = n;
        if (frozen) {
            maxEntries = n;
        }
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    /** Makes the entry written at index {@code entries()} visible to readers. Writer only. */
    void publish() {
        entries = entries + 1;
    }

    /** Whether the file held bytes past the valid entries (for a rolled segment: damage, rebuild it). */
    boolean hasTrailingBytes() {
        return mmap.capacity() > entries * entrySize;
    }

    void clear() {
        entries = 0;
    }

    /** Shrinks the file to its entries and maps just those; no more appends fit. */
    void trim() throws IOException {
        int n = entries;
        mmap.force();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.truncate((long) n * entrySize);
            mmap = ch.map(FileChannel.MapMode.READ_WRITE, 0, (long) n * entrySize);
        }
        maxEntries = n;
    }

    void flush() {
        mmap.force();
    }

    Path file() {
        return file;
    }
}
