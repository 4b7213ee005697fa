package io.skein.it.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import java.nio.file.Path;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three kafka-clients consumers with {@code group.protocol=consumer} (KIP-848, server-side
 * assignment) or {@code classic} (eager with the range assignor, and cooperative-sticky) share a 6-partition topic: every partition has exactly one
 * owner, one member leaves, one is killed with SIGKILL in its own JVM (its session expires), and
 * the survivor ends up with every partition; every record is processed at least once and, since each batch is committed
 * after it is processed, only batches whose commit failed are seen twice.
 */
class LeaveAndCrashTest {

    private static final int PARTITIONS = 6;
    private static final int RECORDS = 3000;

    /** One consumer on its own thread: polls, records what it processed, commits after each batch. */
    private static final class Member implements AutoCloseable {
        final String name;
        final KafkaConsumer<byte[], byte[]> consumer;
        final Thread thread;
        final AtomicReference<Set<TopicPartition>> assignment = new AtomicReference<>(Set.of());
        final AtomicReference<String> stop = new AtomicReference<>();
        final AtomicInteger uncommitted = new AtomicInteger();
        volatile Throwable failure;

        Member(String name, String bootstrap, String group, String topic, String protocol,
               Map<String, Integer> seen, AtomicInteger processed) {
            this.name = name;
            this.consumer = Clients.consumer(bootstrap, GroupMemberMain.config(group, protocol, name));
            this.thread = new Thread(() -> run(topic, seen, processed), name);
            thread.start();
        }

        private void run(String topic, Map<String, Integer> seen, AtomicInteger processed) {
            try {
                consumer.subscribe(List.of(topic));
                while (stop.get() == null) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        seen.merge(new String(r.value(), StandardCharsets.UTF_8), 1, Integer::sum);
                        processed.incrementAndGet();
                    }
                    if (!records.isEmpty()) {
                        Thread.sleep(60); // processing takes a while, so members come and go mid-stream
                        try {
                            consumer.commitSync();
                        } catch (RuntimeException e) {
                            uncommitted.addAndGet(records.count());
                        }
                    }
                    assignment.set(Set.copyOf(consumer.assignment()));
                }
                consumer.close(Duration.ofSeconds(10));
                assignment.set(Set.of());
            } catch (Throwable t) {
                failure = t;
            }
        }

        void stop(String how) throws InterruptedException {
            // "leave": close() sends LeaveGroup / a leave heartbeat
            stop.set(how);
            thread.join(30_000);
        }

        @Override
        public void close() {
            if (thread.isAlive()) {
                try {
                    stop("leave");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** A member in its own JVM ({@link GroupMemberMain}), killed with SIGKILL to crash it. */
    private static final class ChildMember implements AutoCloseable {
        final Process process;
        final AtomicReference<Set<TopicPartition>> assignment = new AtomicReference<>(Set.of());
        final AtomicInteger uncommitted = new AtomicInteger();
        private int pending;

        ChildMember(String bootstrap, String group, String topic, String protocol, Map<String, Integer> seen,
                    AtomicInteger processed) throws java.io.IOException {
            process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", ""),
                    GroupMemberMain.class.getName(), bootstrap, group, topic, protocol))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread reader = new Thread(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        onLine(line, seen, processed);
                    }
                } catch (java.io.IOException e) {
                    // the process was killed
                }
                synchronized (this) {
                    uncommitted.addAndGet(pending);
                    pending = 0;
                }
            }, "child-member-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private synchronized void onLine(String line, Map<String, Integer> seen, AtomicInteger processed) {
            if (line.startsWith("processed ")) {
                seen.merge(line.substring("processed ".length()), 1, Integer::sum);
                processed.incrementAndGet();
                pending++;
            } else if (line.equals("committed")) {
                pending = 0;
            } else if (line.equals("commit-failed")) {
                uncommitted.addAndGet(pending);
                pending = 0;
            } else if (line.startsWith("assigned ")) {
                Set<TopicPartition> owned = new HashSet<>();
                for (String tp : line.substring("assigned ".length()).split(",")) {
                    if (!tp.isEmpty()) {
                        int dash = tp.lastIndexOf('-');
                        owned.add(new TopicPartition(tp.substring(0, dash), Integer.parseInt(tp.substring(dash + 1))));
                    }
                }
                assignment.set(Set.copyOf(owned));
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
            assignment.set(Set.of());
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    private static boolean ownedOnce(List<AtomicReference<Set<TopicPartition>>> owners) {
        Set<TopicPartition> all = new HashSet<>();
        int total = 0;
        for (AtomicReference<Set<TopicPartition>> owner : owners) {
            Set<TopicPartition> owned = owner.get();
            if (owned.isEmpty()) {
                return false;
            }
            all.addAll(owned);
            total += owned.size();
        }
        return all.size() == PARTITIONS && total == PARTITIONS;
    }

    private static boolean ownedOnceBy(List<Member> members) {
        Set<TopicPartition> all = new HashSet<>();
        int total = 0;
        for (Member m : members) {
            Set<TopicPartition> owned = m.assignment.get();
            if (owned.isEmpty()) {
                return false;
            }
            all.addAll(owned);
            total += owned.size();
        }
        return all.size() == PARTITIONS && total == PARTITIONS;
    }

    @ParameterizedTest
    @ValueSource(strings = {"consumer", "classic", "classic-cooperative"})
    void partitionsMoveOnLeaveAndOnSessionExpiryAndEveryRecordIsProcessed(String protocol) throws Exception {
        try (TestBroker broker = TestBroker.start("kip848-group", Map.of(
                "offsets.topic.num.partitions", "3",
                "group.consumer.heartbeat.interval.ms", "500",
                "group.consumer.session.timeout.ms", "6000"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            String topic = broker.topic("kip848");
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, PARTITIONS, Duration.ofSeconds(30));
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null,
                            ("r-" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }

            String group = protocol + "-group-" + System.nanoTime();
            Map<String, Integer> seen = new ConcurrentHashMap<>();
            AtomicInteger processed = new AtomicInteger();
            List<Member> members = new ArrayList<>();
            ChildMember child = null;
            try {
                members.add(new Member("member-0", broker.bootstrap(), group, topic, protocol, seen, processed));
                child = new ChildMember(broker.bootstrap(), group, topic, protocol, seen, processed);
                members.add(new Member("member-2", broker.bootstrap(), group, topic, protocol, seen, processed));
                ChildMember crashing = child;
                Clients.await("three members owning every partition exactly once", Duration.ofSeconds(60),
                        () -> ownedOnce(List.of(members.get(0).assignment, crashing.assignment,
                                members.get(1).assignment)));
                ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                assertEquals(3, described.members().size());
                assertEquals(protocol.equals("consumer") ? GroupType.CONSUMER : GroupType.CLASSIC, described.type());

                Clients.await("a third of the records processed", Duration.ofSeconds(60),
                        () -> processed.get() >= RECORDS / 3);
                members.get(0).stop("leave");
                Clients.await("two members owning every partition", Duration.ofSeconds(60),
                        () -> ownedOnce(List.of(crashing.assignment, members.get(1).assignment)));

                child.kill();
                Clients.await("the last member owning every partition after the session timeout",
                        Duration.ofSeconds(60), () -> ownedOnceBy(members.subList(1, 2)));
                Clients.await("every record processed", Duration.ofSeconds(90), () -> seen.size() == RECORDS);
                Clients.await("the group is stable", Duration.ofSeconds(30), () -> {
                    try {
                        return admin.describeConsumerGroups(List.of(group)).all().get().get(group).groupState()
                                == GroupState.STABLE;
                    } catch (Exception e) {
                        return false;
                    }
                });
            } finally {
                for (Member m : members) {
                    m.close();
                }
                if (child != null) {
                    child.close();
                }
            }
            for (Member m : members) {
                assertEquals(null, m.failure, m.name + " failed");
            }
            int uncommitted = members.stream().mapToInt(m -> m.uncommitted.get()).sum() + child.uncommitted.get();
            int duplicates = processed.get() - RECORDS;
            assertTrue(duplicates <= uncommitted, duplicates + " records were processed twice but only "
                    + uncommitted + " were in batches whose commit failed");
            for (int i = 0; i < RECORDS; i++) {
                assertTrue(seen.containsKey("r-" + i), "record r-" + i + " was never processed");
            }
            if (!broker.isExternal()) {
                assertTrue(broker.logged(l -> l.contains("session timed out")
                                && l.contains(protocol.equals("consumer") ? "consumer group" : "of group")),
                        "the crashed member was removed by its session timeout, not by a leave: "
                                + broker.outputLines().stream().filter(l -> l.contains("consumer group")).toList());
            }
        }
    }
}
