#!/usr/bin/env bash
# skein-vs-kafka.sh — the same load against Skein and against Apache Kafka 4.4.0 (one KRaft node,
# jars from Maven Central via ../shared/bench/kafka-ref.sh), alternating the two brokers over
# ROUNDS rounds, then the median MB/s of each side and the ratio Skein/Kafka.
#
# Load per round and broker (Kafka's own perf tools, kafka-tools 4.3.1):
#   topic with 6 partitions; ProducerPerformance NUM_RECORDS x 1024 B (default 2,000,000 = 1.9 GiB),
#   acks=1, linger.ms=5, batch.size=131072, no compression, unthrottled (same as load.sh's produce);
#   then a kafka-clients consumer (assign + seekToBeginning, no group) reading all records back.
#   For the shared workload with ConsumerPerformance in a group, use ../shared/bench/compare.sh.
#
# Usage: bench/skein-vs-kafka.sh [ROUNDS]     (default 3; ~2 min per round and broker)
# Env:   NUM_RECORDS (2000000), SKEIN_PORT (19192), KEEP_RUNNING=1 leaves both brokers up.
set -euo pipefail

ROUNDS="${1:-3}"
NUM_RECORDS="${NUM_RECORDS:-2000000}"
# shellcheck source=brokers.sh
source "$(dirname "${BASH_SOURCE[0]}")/brokers.sh"
start_brokers

run_side() { # label bootstrap round
  local label="$1" bs="$2" r="$3" topic="bench-$1-$3"
  "$KREF_SH" tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bs" --create --topic "$topic" \
    --partitions 6 --replication-factor 1 >/dev/null
  "$KREF_SH" tool org.apache.kafka.tools.ProducerPerformance --topic "$topic" --num-records "$NUM_RECORDS" \
    --record-size 1024 --throughput -1 --producer-props "bootstrap.servers=$bs" acks=1 linger.ms=5 \
    batch.size=131072 compression.type=none >"$WORK/$label-$r-produce.out" 2>&1
  local produce
  produce="$(grep -E 'records sent' "$WORK/$label-$r-produce.out" | tail -1 | sed -E 's/.*\(([0-9.]+) MB\/sec\).*/\1/')"
  java -Xmx512m -cp "$TOOLS_CP" "$HERE/AssignConsumerPerf.java" "$bs" "$topic" "$NUM_RECORDS" \
    >"$WORK/$label-$r-consume.out" 2>&1
  local consume
  consume="$(awk '$1 == "consume_MBps" {print $2}' "$WORK/$label-$r-consume.out")"
  "$KREF_SH" tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bs" --delete --topic "$topic" \
    >/dev/null 2>&1 || true
  echo "$label produce $produce"
  echo "$label consume $consume"
  say "round $r $label: produce $produce MB/s, consume $consume MB/s"
}

: >"$WORK/results"
for ((r = 1; r <= ROUNDS; r++)); do
  run_side kafka "$KAFKA_BS" "$r" >>"$WORK/results"; sleep 5
  run_side skein "$SKEIN_BS" "$r" >>"$WORK/results"; sleep 5
done

echo "=== skein-vs-kafka rounds=$ROUNDS records=$NUM_RECORDS x 1024 B (MB/s, MB = 2^20 bytes) date=$(date -u +%FT%TZ)"
summarize "$WORK/results" produce consume
peak_rss
echo "=== raw logs: $WORK"
