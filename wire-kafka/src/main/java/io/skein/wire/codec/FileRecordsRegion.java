package io.skein.wire.codec;

import io.netty.channel.DefaultFileRegion;
import io.skein.wire.api.FileRegionRecords;

/**
 * Record bytes sent straight from a segment file. A {@link DefaultFileRegion} so that the epoll
 * transport uses native sendfile; unlike its parent it does not close the file (segments are
 * shared), it hands its reference back to the log instead.
 */
final class FileRecordsRegion extends DefaultFileRegion {

    private final FileRegionRecords records;

    FileRecordsRegion(FileRegionRecords records) {
        super(records.channel(), records.position(), records.sizeInBytes());
        this.records = records;
    }

    @Override
    protected void deallocate() {
        records.release();
    }
}
