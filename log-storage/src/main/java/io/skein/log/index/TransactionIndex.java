package io.skein.log.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment's aborted-transaction index, {@code <base offset>.txnindex}: one entry for each
 * transaction whose ABORT marker is in the segment, in marker order. Kafka's layout, big-endian,
 * {@value #ENTRY_SIZE} bytes an entry: int16 version (0), int64 producer id, int64 first offset,
 * int64 last offset (the marker's), int64 last stable offset when the marker was written. No
 * header. read_committed fetches ask it which aborted transactions overlap what they return.
 *
 * <p>Crash behaviour: entries are appended with positional writes and forced with the segment.
 * On open, a torn tail (a partial entry, or one with an unknown version) is cut off with the
 * entries after it. The index of a segment recovered after an unclean stop is rebuilt from the
 * log's markers ({@link #reset}, then the loader's replay appends again); the file is created
 * only when the first entry is appended.
 *
 * <p>Threading: the partition's writer appends, truncates, resets, flushes and closes (under the
 * log's lock). Readers on any thread query {@link #collect} against {@code entries}, an immutable
 * list replaced whole after each change (a volatile), so they never touch the file.
 */
public final class TransactionIndex {

    public static final int ENTRY_SIZE = 34;
    private static final short VERSION = 0;

    private final Path file;
    private FileChannel channel;
    private volatile List<AbortedTxn> entries;
    private boolean dirty;
    private long cutOnOpen;

    private TransactionIndex(Path file, List<AbortedTxn> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** Bytes of a torn tail {@link #open} cut off (for the loader's log line); 0 normally. */
    public long cutOnOpen() {
        return cutOnOpen;
    }

    /** Opens the index at {@code file} (empty when the file does not exist), cutting a torn tail. */
    public static TransactionIndex open(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new TransactionIndex(file, List.of());
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<AbortedTxn> read = new ArrayList<>(bytes.length / ENTRY_SIZE);
        while (in.remaining() >= ENTRY_SIZE) {
            short version = in.getShort();
            if (version != VERSION) {
                break;
            }
            read.add(new AbortedTxn(in.getLong(), in.getLong(), in.getLong(), in.getLong()));
        }
        TransactionIndex index = new TransactionIndex(file, List.copyOf(read));
        if ((long) read.size() * ENTRY_SIZE != bytes.length) {
            index.cutOnOpen = bytes.length - (long) read.size() * ENTRY_SIZE;
            index.rewrite(read.size());
        }
        return index;
    }

    /** Creates an empty index at {@code file}, removing any old file there. */
    public static TransactionIndex createEmpty(Path file) throws IOException {
        Files.deleteIfExists(file);
        return new TransactionIndex(file, List.of());
    }

    /** Appends an entry; its marker must follow every entry's already in the index. */
    public void append(AbortedTxn txn) throws IOException {
        List<AbortedTxn> current = entries;
        if (!current.isEmpty() && current.get(current.size() - 1).lastOffset() >= txn.lastOffset()) {
            throw new IllegalArgumentException("Aborted transaction " + txn + " does not follow the last entry "
                    + current.get(current.size() - 1) + " of " + file);
        }
        ByteBuffer out = ByteBuffer.allocate(ENTRY_SIZE);
        out.putShort(VERSION).putLong(txn.producerId()).putLong(txn.firstOffset()).putLong(txn.lastOffset())
                .putLong(txn.lastStableOffset()).flip();
        FileChannel ch = channel();
        long at = (long) current.size() * ENTRY_SIZE;
        while (out.hasRemaining()) {
            at += ch.write(out, at);
        }
        dirty = true;
        List<AbortedTxn> next = new ArrayList<>(current.size() + 1);
        next.addAll(current);
        next.add(txn);
        entries = List.copyOf(next);
    }

    /**
     * Adds to {@code out} the entries of transactions overlapping {@code [fetchOffset, upperBoundOffset)}
     * (last offset at or after the fetch offset, first offset below the bound).
     *
     * @return true when an entry's last stable offset reached the bound: no later segment can hold
     *     another overlapping transaction, the search is complete
     */
    public boolean collect(long fetchOffset, long upperBoundOffset, List<AbortedTxn> out) {
        for (AbortedTxn txn : entries) {
            if (txn.lastOffset() >= fetchOffset && txn.firstOffset() < upperBoundOffset) {
                out.add(txn);
            }
            if (txn.lastStableOffset() >= upperBoundOffset) {
                return true;
            }
        }
        return false;
    }

    /** Removes the entries whose marker is at or after {@code offset} (the log was cut there). */
    public void truncateTo(long offset) throws IOException {
        List<AbortedTxn> current = entries;
        int keep = 0;
        while (keep < current.size() && current.get(keep).lastOffset() < offset) {
            keep++;
        }
        if (keep < current.size()) {
            entries = List.copyOf(current.subList(0, keep));
            rewrite(keep);
        }
    }

    /** Empties the index, to be rebuilt from the segment's markers. */
    public void reset() throws IOException {
        entries = List.of();
        if (channel != null || Files.exists(file)) {
            rewrite(0);
        }
    }

    public List<AbortedTxn> entries() {
        return entries;
    }

    public Path file() {
        return file;
    }

    /** Forces appended entries to disk. */
    public void flush() throws IOException {
        if (dirty && channel != null) {
            channel.force(true);
            dirty = false;
        }
    }

    /** Closes the file (the in-memory entries stay readable). */
    public void close() throws IOException {
        if (channel != null) {
            flush();
            channel.close();
            channel = null;
        }
    }

    private void rewrite(int keepEntries) throws IOException {
        FileChannel ch = channel();
        ch.truncate((long) keepEntries * ENTRY_SIZE);
        ch.force(true);
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }
        return channel;
    }
}
