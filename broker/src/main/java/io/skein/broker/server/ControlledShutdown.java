package io.skein.broker.server;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clean stop's first step: the broker asks the controller to fence it, which moves its
 * leaderships to other in-sync replicas, and waits until this node's image has applied that, so
 * clients are sent to the new leaders before the broker stops serving. Skipped when no other
 * broker is unfenced (a single node: there is nobody to take over). Bounded by a timeout; on
 * failure the broker stops anyway and the controller fences it when its session expires.
 *
 * <p>Stateless; runs on the thread that closes the server.
 */
final class ControlledShutdown {

    private static final Logger log = LoggerFactory.getLogger(ControlledShutdown.class);

    private ControlledShutdown() {
    }

    static void run(MetadataQuorum quorum, int brokerId, Uuid incarnationId, Duration timeout) {
        MetadataImage image = quorum.image();
        boolean othersAlive = image.brokers().values().stream().anyMatch(b -> b.id() != brokerId && !b.fenced());
        if (!othersAlive) {
            log.info("Controlled shutdown of broker {} skipped: no other unfenced broker can take over", brokerId);
            return;
        }
        long started = System.nanoTime();
        try {
            ControllerResult result = quorum.submit(new ControllerCommand.FenceBroker(brokerId, incarnationId, true))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            ControllerResult.ItemResult item = result.items().get(0);
            if (item.error() != Errors.NONE) {
                log.warn("Controlled shutdown of broker {} refused: {} {}", brokerId, item.error(), item.message());
                return;
            }
            quorum.awaitApplied(result.offset()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Controlled shutdown of broker {}: fenced, {} ({} ms)", brokerId, item.message(),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (TimeoutException e) {
            log.warn("Controlled shutdown of broker {} timed out after {} ms; stopping anyway", brokerId,
                    timeout.toMillis());
        } catch (ExecutionException e) {
            log.warn("Controlled shutdown of broker {} failed; stopping anyway: {}", brokerId,
                    e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
