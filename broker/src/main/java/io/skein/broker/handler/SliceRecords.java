package io.skein.broker.handler;

import io.skein.log.api.LogSlice;
import io.skein.wire.api.FileRegionRecords;
import java.nio.channels.FileChannel;

/** A log slice presented to the wire server as file records to send with sendfile. */
final class SliceRecords implements FileRegionRecords {

    private final LogSlice slice;

    SliceRecords(LogSlice slice) {
        this.slice = slice;
    }

    @Override
    public FileChannel channel() {
        return slice.channel();
    }

    @Override
    public long position() {
        return slice.position();
    }

    @Override
    public int sizeInBytes() {
        return slice.sizeInBytes();
    }

    @Override
    public void release() {
        slice.release();
    }
}
