package io.skein.it.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Builds the Go test programs under {@code src/test/go/<name>} against Debian's packaged
 * confluent-kafka-go (GOPATH mode, {@code GO111MODULE=off}, as CLIENT-TRAPS.md describes) into
 * {@code target/go/<name>}.
 */
public final class GoPrograms {

    private GoPrograms() {
    }

    /** Builds the program and returns the path of its binary; fails with what to install if Go or the package is missing. */
    public static Path build(String name) throws Exception {
        Processes.require("go");
        Processes.require("pkg-config");
        Path debianPackage = Path.of("/usr/share/gocode/src/github.com/confluentinc/confluent-kafka-go/kafka");
        if (!Files.isDirectory(debianPackage)) {
            throw new AssertionError(debianPackage + " is missing (Debian package golang-github-confluentinc-"
                    + "confluent-kafka-go-dev); run ./skein test, which installs the test prerequisites");
        }
        Path binary = Path.of("target", "go", name).toAbsolutePath();
        Files.createDirectories(binary.getParent());
        Processes.Result build = Processes.run(List.of("go", "build", "-o", binary.toString(),
                        "./" + Path.of("src", "test", "go", name)),
                null, Map.of("GO111MODULE", "off", "GOPATH", "/usr/share/gocode", "GOFLAGS", "",
                        "GOCACHE", Path.of("target", "go", "cache").toAbsolutePath().toString()),
                Duration.ofMinutes(10));
        if (build.exitCode() != 0) {
            throw new AssertionError("go build of " + name + " failed (librdkafka-dev missing? run ./skein test); "
                    + build.describe());
        }
        return binary;
    }
}
