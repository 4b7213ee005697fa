package io.skein.log.internal;

import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import java.nio.file.Path;
import java.util.List;

/** Placeholder so the API compiles; replaced by the real implementation. */
public final class DiskLogRegistry {
    private DiskLogRegistry() {
    }

    public static LogRegistry open(List<Path> logDirs, LogConfig defaultConfig) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
