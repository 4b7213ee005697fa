package io.skein.log.internal;

import io.skein.log.checkpoint.AtomicFiles;
import io.skein.log.producer.BatchMetadata;
import io.skein.log.producer.ProducerStateTable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Producer-state snapshots: {@code <offset>.snapshot} in a partition directory holds every
 * idempotent producer's epoch and recent batches as of that offset (everything below it), written
 * when a segment rolls, so a restart restores producer state from the newest snapshot and the
 * batches after it instead of forgetting producers whose batches sit in older segments.
 *
 * <p>Files are replaced whole but not fsynced (they are written on the append path): after a
 * power cut a snapshot may be empty or torn, which its CRC reveals.
 *
 * <p>Format (Skein's own): int16 version (2), int32 producer count, then per producer int64 id,
 * int16 epoch, int32 coordinator epoch of its last marker (-1 if none), int64 first offset of its
 * open transaction (-1 if none; Kafka's {@code current_txn_first_offset}), int32 batch count and
 * per batch int32 first and last sequence, int64 first and last offset, int64 timestamp; a CRC-32C
 * of everything before it ends the file. Version 1 files (written before transactions, without
 * the two transaction fields) are still read, as producers without transaction state. A file that does not
 * check out is skipped with a warning and an older one (or the batches) used instead.
 *
 * <p>Stateless; called under the log's lock (roll, truncation) or while loading.
 */
final class ProducerSnapshotFile {

    static final String SUFFIX = ".snapshot";
    /** How many snapshots a partition keeps (the newest ones). */
    static final int KEEP = 3;
    private static final short VERSION = 2;
    private static final short VERSION_WITHOUT_TXN = 1;
    private static final Logger log = LoggerFactory.getLogger(ProducerSnapshotFile.class);

    /** A snapshot read back: its offset and the producers. */
    record Snapshot(long offset, List<ProducerStateTable.Producer> producers) {
    }

    private ProducerSnapshotFile() {
    }

    static Path path(Path dir, long offset) {
        return dir.resolve(String.format("%020d", offset) + SUFFIX);
    }

    /** Writes the table as of {@code offset}, then keeps only the newest {@link #KEEP} snapshots. */
    static void write(Path dir, long offset, ProducerStateTable table) throws IOException {
        List<ProducerStateTable.Producer> producers = table.producers();
        int size = 2 + 4 + 4;
        for (ProducerStateTable.Producer p : producers) {
            size += 8 + 2 + 4 + 8 + 4 + p.recent().size() * (4 + 4 + 8 + 8 + 8);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putShort(VERSION).putInt(producers.size());
        for (ProducerStateTable.Producer p : producers) {
            out.putLong(p.producerId()).putShort(p.epoch()).putInt(p.coordinatorEpoch()).putLong(p.txnFirstOffset())
                    .putInt(p.recent().size());
            for (BatchMetadata b : p.recent()) {
                out.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset())
                        .putLong(b.timestamp());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        // written on the append path at a roll: not fsynced (a torn file fails its CRC and an older
        // snapshot or the batches are used instead)
        AtomicFiles.writeWithoutSync(path(dir, offset), out.array());
        List<Long> offsets = new ArrayList<>(offsets(dir));
        for (int i = 0; i < offsets.size() - KEEP; i++) {
            Files.deleteIfExists(path(dir, offsets.get(i)));
        }
    }

    /** The newest readable snapshot at or below {@code atMost}, if any. */
    static Optional<Snapshot> latest(Path dir, long atMost) throws IOException {
        for (long offset : offsets(dir).descendingSet()) {
            if (offset > atMost) {
                continue;
            }
            try {
                return Optional.of(new Snapshot(offset, read(Files.readAllBytes(path(dir, offset)))));
            } catch (IOException | RuntimeException e) {
                log.warn("Skipping producer-state snapshot {}: {}", path(dir, offset), e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Deletes the snapshots above {@code offset} (their history was truncated away). */
    static void deleteAbove(Path dir, long offset) throws IOException {
        for (long o : offsets(dir)) {
            if (o > offset) {
                Files.deleteIfExists(path(dir, o));
            }
        }
    }

    private static TreeSet<Long> offsets(Path dir) throws IOException {
        TreeSet<Long> offsets = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX) && name.length() == 20 + SUFFIX.length()) {
                    try {
                        offsets.add(Long.parseLong(name.substring(0, 20)));
                    } catch (NumberFormatException e) {
                        // not one of ours
                    }
                }
            }
        }
        return offsets;
    }

    private static List<ProducerStateTable.Producer> read(byte[] bytes) throws IOException {
        if (bytes.length < 10) {
            throw new IOException("too short (" + bytes.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if ((int) crc.getValue() != in.getInt(bytes.length - 4)) {
            throw new IOException("CRC mismatch");
        }
        short version = in.getShort();
        if (version != VERSION && version != VERSION_WITHOUT_TXN) {
            throw new IOException("unknown version " + version);
        }
        int count = in.getInt();
        List<ProducerStateTable.Producer> producers = new ArrayList<>(Math.min(count, 100_000));
        for (int i = 0; i < count; i++) {
            long id = in.getLong();
            short epoch = in.getShort();
            int coordinatorEpoch = version == VERSION ? in.getInt() : -1;
            long txnFirstOffset = version == VERSION ? in.getLong() : -1;
            int batches = in.getInt();
            List<BatchMetadata> recent = new ArrayList<>(Math.min(batches, ProducerStateTable.RECENT_BATCHES));
            for (int b = 0; b < batches; b++) {
                recent.add(new BatchMetadata(in.getInt(), in.getInt(), in.getLong(), in.getLong(), in.getLong()));
            }
            producers.add(new ProducerStateTable.Producer(id, epoch, recent, coordinatorEpoch, txnFirstOffset));
        }
        if (in.remaining() != 4) {
            throw new IOException(in.remaining() - 4 + " unexpected bytes at the end");
        }
        return producers;
    }
}
