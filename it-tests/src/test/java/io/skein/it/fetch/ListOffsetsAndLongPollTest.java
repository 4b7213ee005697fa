package io.skein.it.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ListOffsets answers earliest, latest, by timestamp and max timestamp as Kafka does; and a
 * consumer's long poll (a fetch the broker holds for up to fetch.max.wait.ms) is answered as soon
 * as a record is appended, not when the wait runs out.
 */
class ListOffsetsAndLongPollTest {

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static TestBroker broker;
    private static Admin admin;
    /** Ten records at offsets 0-9, timestamps base + 1000 * offset, except offset 6, which has the largest. */
    private static TopicPartition timed;
    private static long base;

    @BeforeAll
    static void startBrokerAndProduceTimedRecords() throws Exception {
        broker = TestBroker.start("offsets");
        admin = Clients.admin(broker.bootstrap());
        timed = new TopicPartition(broker.topic("timed"), 0);
        admin.createTopics(List.of(new NewTopic(timed.topic(), 1, (short) 1))).all().get();
        Clients.awaitTopic(admin, timed.topic(), 1, METADATA_TIMEOUT);
        base = System.currentTimeMillis() - 600_000;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 10; i++) {
                long ts = i == 6 ? base + 100_000 : base + 1000L * i;
                producer.send(new ProducerRecord<>(timed.topic(), 0, ts, null, new byte[] {(byte) i})).get();
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void earliestIsZero() throws Exception {
        assertEquals(0, listOffsets(OffsetSpec.earliest()).offset());
    }

    @Test
    void latestIsTheNextOffsetToBeWritten() throws Exception {
        assertEquals(10, listOffsets(OffsetSpec.latest()).offset());
    }

    @Test
    void byTimestampIsTheFirstOffsetAtOrAfterIt() throws Exception {
        ListOffsetsResultInfo between = listOffsets(OffsetSpec.forTimestamp(base + 3500));
        ListOffsetsResultInfo exact = listOffsets(OffsetSpec.forTimestamp(base + 2000));

        assertEquals(4, between.offset());
        assertEquals(base + 4000, between.timestamp());
        assertEquals(2, exact.offset());
        assertEquals(base + 2000, exact.timestamp());
    }

    @Test
    void byTimestampAfterEveryRecordFindsNothing() throws Exception {
        ListOffsetsResultInfo after = listOffsets(OffsetSpec.forTimestamp(base + 200_000));

        assertEquals(-1, after.offset());
    }

    @Test
    void maxTimestampIsTheRecordWithTheLargestTimestamp() throws Exception {
        ListOffsetsResultInfo max = listOffsets(OffsetSpec.maxTimestamp());

        assertEquals(6, max.offset());
        assertEquals(base + 100_000, max.timestamp());
    }

    @Test
    void longPollReturnsSoonAfterARecordIsProducedNotAtTheEndOfTheWait() throws Exception {
        TopicPartition tp = new TopicPartition(broker.topic("long-poll"), 0);
        admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1))).all().get();
        Clients.awaitTopic(admin, tp.topic(), 1, METADATA_TIMEOUT);
        Duration maxWait = Duration.ofSeconds(30);
        AtomicLong pollStarted = new AtomicLong();
        KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(maxWait.toMillis()),
                        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000"));
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            consumer.position(tp); // offsets resolved: the next poll only fetches
            producer.partitionsFor(tp.topic()); // producer metadata ready: the send below goes out at once
            CompletableFuture<Long> ackedAt = CompletableFuture.supplyAsync(() -> {
                Clients.await("the consumer to enter its poll", Duration.ofSeconds(30), () -> pollStarted.get() != 0);
                // Not a wait for a result: a head start for the consumer, so that its fetch is
                // already parked at the broker when the record arrives (otherwise the test
                // would pass without exercising the long poll).
                Clients.waitFor(() -> false, Duration.ofSeconds(2));
                try {
                    producer.send(new ProducerRecord<>(tp.topic(), 0, null, "wake up".getBytes())).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return System.nanoTime();
            });

            pollStarted.set(System.nanoTime());
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            long deadline = System.nanoTime() + maxWait.plusSeconds(15).toNanos();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofSeconds(5)).forEach(got::add);
            }
            long returnedAt = System.nanoTime();

            assertEquals(1, got.size(), "records fetched");
            long afterProduceMs = TimeUnit.NANOSECONDS.toMillis(returnedAt - ackedAt.get(30, TimeUnit.SECONDS));
            assertTrue(afterProduceMs < 10_000, "the long poll returned " + afterProduceMs
                    + " ms after the record was acknowledged (fetch.max.wait.ms=" + maxWait.toMillis() + ")");
        } finally {
            // the consumer's next fetch is parked now; a default close would wait for it
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
        }
    }

    private static ListOffsetsResultInfo listOffsets(OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(timed, spec)).partitionResult(timed).get();
    }
}
