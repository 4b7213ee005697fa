package io.skein.wire.codec;

import io.netty.channel.DefaultFileRegion;
import io.skein.wire.api.FileRegionRecords;

/**
 * Record bytes sent straight from a segment file. It must be a {@link DefaultFileRegion}: only
 * that class gets native {@code sendfile} on the epoll transport. Unlike its parent it never
 * closes the file channel (segments are shared); when Netty releases it (sent, failed, or the
 * channel closed first) it calls {@link FileRegionRecords#release()}, exactly once because
 * reference counting calls {@code deallocate} once.
 */
final class FileRecordsRegion extends DefaultFileRegion {

    private final FileRegionRecords records;

    FileRecordsRegion(FileRegionRecords records) {
        super(records.channel(), records.position(), records.sizeInBytes());
        this.records = records;
    }

    FileRegionRecords records() {
        return records;
    }

    @Override
    protected void deallocate() {
        records.release();
    }
}
