package io.skein.wire;

import io.skein.wire.api.FileRegionRecords;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;

/** File-backed records for tests that counts its releases. */
public final class TestFileRecords implements FileRegionRecords {

    private final FileChannel channel;
    private final long position;
    private final int size;
    private final AtomicInteger releases = new AtomicInteger();

    public TestFileRecords(FileChannel channel, long position, int size) {
        this.channel = channel;
        this.position = position;
        this.size = size;
    }

    @Override
    public FileChannel channel() {
        return channel;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public int sizeInBytes() {
        return size;
    }

    @Override
    public void release() {
        releases.incrementAndGet();
    }

    public int releases() {
        return releases.get();
    }
}
