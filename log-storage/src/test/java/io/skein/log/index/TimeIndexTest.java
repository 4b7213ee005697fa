package io.skein.log.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeIndexTest {

    @TempDir
    Path dir;

    @Test
    void appendsOnlyGrowingTimestamps() throws IOException {
        TimeIndex index = TimeIndex.createEmpty(dir.resolve("00000000000000000100.timeindex"), 100, 1200);

        index.maybeAppend(1000, 100);
        index.maybeAppend(1000, 110);
        index.maybeAppend(900, 120);
        index.maybeAppend(-1, 125);
        index.maybeAppend(2000, 130);

        assertEquals(2, index.entries());
        assertEquals(2000, index.lastTimestamp());
        assertEquals(130, index.lastOffset());
    }

    @Test
    void looksUpTheLastEntryAtOrBelowTheTarget() throws IOException {
        TimeIndex index = TimeIndex.createEmpty(dir.resolve("00000000000000000100.timeindex"), 100, 1200);
        index.maybeAppend(1000, 100);
        index.maybeAppend(2000, 130);
        index.maybeAppend(3000, 170);

        assertEquals(100, index.lookup(500));
        assertEquals(100, index.lookup(1999));
        assertEquals(130, index.lookup(2000));
        assertEquals(170, index.lookup(99_999));
    }

    @Test
    void writesKafkasTwelveByteEntriesAndTrims() throws IOException {
        Path file = dir.resolve("00000000000000000100.timeindex");
        TimeIndex index = TimeIndex.createEmpty(file, 100, 1200);
        index.maybeAppend(1000, 100);
        index.maybeAppend(2000, 130);

        index.trim();

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertEquals(24, bytes.capacity());
        assertEquals(1000, bytes.getLong(0));
        assertEquals(0, bytes.getInt(8));
        assertEquals(2000, bytes.getLong(12));
        assertEquals(30, bytes.getInt(20));
        TimeIndex reopened = TimeIndex.openExisting(file, 100);
        assertEquals(2, reopened.entries());
        assertEquals(130, reopened.lookup(2500));
    }

    @Test
    void keepsOnlyTheLeadingIncreasingEntriesOfADamagedFile() throws IOException {
        Path file = dir.resolve("00000000000000000000.timeindex");
        ByteBuffer bytes = ByteBuffer.allocate(36);
        bytes.putLong(1000).putInt(0).putLong(3000).putInt(10).putLong(2000).putInt(20);
        Files.write(file, bytes.array());

        TimeIndex index = TimeIndex.openExisting(file, 0);

        assertEquals(2, index.entries());
        assertEquals(true, index.hasTrailingBytes());
    }
}
