package io.skein.it.harness;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A well-behaved client on its own connections: one thread that produces numbered records to a
 * partition (waiting for each acknowledgement) and fetches them back with an assign()-based
 * consumer, checking that they arrive complete and in order. Tests that abuse the broker run it
 * alongside and then check it kept making progress and never failed.
 *
 * <p>Thread ownership: the traffic thread owns the producer and consumer; the counters and the
 * first failure are atomics so that the test thread can read them.
 */
public final class BackgroundTraffic implements AutoCloseable {

    private final String bootstrap;
    private final TopicPartition partition;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private final Thread thread;

    private BackgroundTraffic(String bootstrap, TopicPartition partition) {
        this.bootstrap = bootstrap;
        this.partition = partition;
        this.thread = new Thread(this::run, "background-traffic-" + partition);
        this.thread.setDaemon(true);
    }

    /** Starts producing and fetching on the (existing) partition, from its current end. */
    public static BackgroundTraffic start(String bootstrap, TopicPartition partition) {
        BackgroundTraffic traffic = new BackgroundTraffic(bootstrap, partition);
        traffic.thread.start();
        return traffic;
    }

    private void run() {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap)) {
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition); // resolve the end now, before the first record is produced
            long next = 0;
            while (running) {
                byte[] value = ByteBuffer.allocate(Long.BYTES).putLong(next++).array();
                producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), null, value))
                        .get(30, TimeUnit.SECONDS);
                acked.incrementAndGet();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long expected = consumed.get();
                    long got = ByteBuffer.wrap(r.value()).getLong();
                    if (got != expected) {
                        throw new AssertionError("fetched record number " + got + " where " + expected + " was next");
                    }
                    consumed.incrementAndGet();
                }
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /** Waits until a few more records have been both acknowledged and fetched back; fails if traffic failed or stalled. */
    public void assertProgress(Duration timeout) {
        long ackedBefore = acked.get();
        long consumedBefore = consumed.get();
        boolean progressed = Clients.waitFor(() -> failure.get() != null
                || acked.get() >= ackedBefore + 3 && consumed.get() >= consumedBefore + 3, timeout);
        assertNoFailure();
        if (!progressed) {
            throw new AssertionError("the well-behaved client made no progress in " + timeout.toSeconds() + " s (acked "
                    + acked.get() + ", fetched " + consumed.get() + ")");
        }
    }

    public long acked() {
        return acked.get();
    }

    public long consumed() {
        return consumed.get();
    }

    private void assertNoFailure() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("the well-behaved client failed: " + t, t);
        }
    }

    /** Stops the traffic thread and fails if it had failed. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new AssertionError("the well-behaved client did not stop within 60 s");
        }
        assertNoFailure();
    }
}
