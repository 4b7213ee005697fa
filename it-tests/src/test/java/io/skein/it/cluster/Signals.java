package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.it.harness.SkeinNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Sends Unix signals to node processes: STOP freezes a node without closing its sockets, CONT thaws it. */
final class Signals {

    private Signals() {
    }

    static void send(SkeinNode node, String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid()))
                    .redirectErrorStream(true).start();
            assertEquals(0, p.waitFor(), "kill -" + signal + " " + node.pid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
