package io.skein.replication.raft;

import io.skein.log.checkpoint.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.util.MD5FileUtil;

/**
 * One metadata snapshot file on disk, named as Ratis' {@code SimpleStateMachineStorage} expects
 * ({@code snapshot.<term>_<index>}) so Ratis finds the latest one at start, sends it to followers
 * that fell behind the purged log, and deletes old ones. The bytes are those of
 * {@link io.skein.replication.metadata.ImageSnapshotCodec} (versioned, CRC-checked); beside the
 * file Ratis' {@code .md5} digest is written too, which Ratis checks when installing a snapshot
 * on a follower.
 *
 * <p>Crash behaviour: written to a temporary file, forced, renamed over the final name, then the
 * directory is forced; a crash leaves either no snapshot at that index or a whole one (a stray
 * temporary file is ignored by Ratis). A torn or corrupt file fails its CRC when loaded.
 *
 * <p>Stateless: only touches the file system.
 */
final class SnapshotFile {

    private SnapshotFile() {
    }

    static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, bytes);
        MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
        AtomicFiles.syncDirectory(file.getParent());
    }

    static byte[] read(Path file) throws IOException {
        return Files.readAllBytes(file);
    }
}
