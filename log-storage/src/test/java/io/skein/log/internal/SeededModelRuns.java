package io.skein.log.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The seed handling the randomized model tests share: four runs from a random seed (each in its
 * own directory under the test's temp dir), or one run with the seed fixed by
 * {@code -Dskein.model.seed=N}; a failure names the seed that reproduces it.
 */
final class SeededModelRuns {

    /** One run of a model test with its seed, in an empty directory of its own. */
    @FunctionalInterface
    interface ModelRun {
        void run(long seed, Path dir) throws IOException;
    }

    private SeededModelRuns() {
    }

    static void run(String testName, Path root, ModelRun modelRun) throws IOException {
        Long fixed = Long.getLong("skein.model.seed");
        int runs = fixed != null ? 1 : 4;
        long first = fixed != null ? fixed : new Random().nextLong();
        for (int run = 0; run < runs; run++) {
            long seed = first + run;
            Path dir = Files.createDirectory(root.resolve("run-" + run));
            try {
                modelRun.run(seed, dir);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(testName + " failed with seed " + seed
                        + " (rerun with -Dskein.model.seed=" + seed + "): " + e, e);
            }
        }
    }
}
