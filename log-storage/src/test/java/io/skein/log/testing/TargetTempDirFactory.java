package io.skein.log.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/** Puts {@code @TempDir} directories under {@code target/tmp} so storage tests use the build's own disk. */
public final class TargetTempDirFactory implements TempDirFactory {

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        Path root = Path.of("target", "tmp").toAbsolutePath();
        Files.createDirectories(root);
        return Files.createTempDirectory(root, "log-test-");
    }
}
