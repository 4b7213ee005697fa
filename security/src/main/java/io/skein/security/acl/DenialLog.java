package io.skein.security.acl;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused operations at INFO in Kafka's authorizer wording, at most {@code perSecond} lines a
 * second; what goes over is counted and reported with the next line. Never logs credentials: only
 * the principal, the operation, the host and the resource.
 *
 * <p>Threading: any thread; the window is guarded by this object's monitor (denials are rare and
 * cheap to serialise).
 */
public final class DenialLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.skein.security.acl.Authorizer");
    private static final long SECOND = 1_000_000_000L;

    private final LongSupplier nanoTime;
    private final int perSecond;
    private long windowStart;
    private int inWindow;
    private long suppressed;

    public DenialLog(LongSupplier nanoTime, int perSecond) {
        this.nanoTime = nanoTime;
        this.perSecond = perSecond;
        this.windowStart = nanoTime.getAsLong();
    }

    public void denied(String principal, String operation, String host, String resource, String request) {
        long dropped;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (now - windowStart >= SECOND) {
                windowStart = now;
                inWindow = 0;
            }
            if (++inWindow > perSecond) {
                suppressed++;
                return;
            }
            dropped = suppressed;
            suppressed = 0;
        }
        LOG.info("Principal = {} is Denied operation = {} from host = {} on resource = {} for request = {}{}",
                principal, operation, host, resource, request,
                dropped == 0 ? "" : " (" + dropped + " earlier denials not logged)");
    }
}
