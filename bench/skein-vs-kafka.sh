#!/usr/bin/env bash
# skein-vs-kafka.sh — the same load against Skein and against Apache Kafka 4.4.0 (one KRaft node,
# jars from Maven Central via ../shared/bench/kafka-ref.sh), alternating the two brokers over
# ROUNDS rounds, then the median MB/s of each side and the ratio Skein/Kafka.
#
# Load per round and broker (Kafka's own perf tools, kafka-tools 4.3.1):
#   topic with 6 partitions; ProducerPerformance NUM_RECORDS x 1024 B (default 2,000,000 = 1.9 GiB),
#   acks=1, linger.ms=5, batch.size=131072, no compression, unthrottled (same as load.sh's produce);
#   then a kafka-clients consumer (assign + seekToBeginning; Skein has no consumer groups yet, so
#   load.sh's ConsumerPerformance cannot run against it) reading all records back.
#
# Usage: bench/skein-vs-kafka.sh [ROUNDS]     (default 3; ~2 min per round and broker)
# Env:   NUM_RECORDS (2000000), SKEIN_PORT (19192), KEEP_RUNNING=1 leaves both brokers up.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
KREF_SH="${KREF_SH:-$ROOT/../shared/bench/kafka-ref.sh}"
ROUNDS="${1:-3}"
NUM_RECORDS="${NUM_RECORDS:-2000000}"
SKEIN_PORT="${SKEIN_PORT:-19192}"
WORK="$(mktemp -d /var/tmp/skein-bench.XXXXXX)"
KAFKA_BS=127.0.0.1:19092
SKEIN_BS="127.0.0.1:$SKEIN_PORT"

say() { echo "skein-vs-kafka $(date +%H:%M:%S) $*" >&2; }

cleanup() {
  if [[ "${KEEP_RUNNING:-0}" != 1 ]]; then
    [[ -n "${SKEIN_PID:-}" ]] && kill "$SKEIN_PID" 2>/dev/null && wait "$SKEIN_PID" 2>/dev/null || true
    "$KREF_SH" stop >/dev/null 2>&1 || true
    rm -rf "$WORK/skein-data"
  fi
}
trap cleanup EXIT

say "starting Apache Kafka (reference) on $KAFKA_BS"
"$KREF_SH" start1 >"$WORK/kafka-start.log" 2>&1
TOOLS_CP="$("$KREF_SH" classpath tools)"

say "starting Skein on $SKEIN_BS (data in $WORK/skein-data)"
"$ROOT/skein" build
"$ROOT/skein" start --set "listeners=PLAINTEXT://127.0.0.1:$SKEIN_PORT,CONTROLLER://127.0.0.1:$((SKEIN_PORT + 1))" \
  --set "controller.quorum.voters=1@127.0.0.1:$((SKEIN_PORT + 1))" --set "log.dirs=$WORK/skein-data" \
  >"$WORK/skein.log" 2>&1 &
SKEIN_PID=$!
for _ in $(seq 1 120); do grep -q '^skein ready:' "$WORK/skein.log" && break; sleep 1; done
grep -q '^skein ready:' "$WORK/skein.log" || { tail -30 "$WORK/skein.log"; exit 1; }

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

echo "=== skein-vs-kafka rounds=$ROUNDS records=$NUM_RECORDS x 1024 B (MB = 2^20 bytes) date=$(date -u +%FT%TZ)"
awk '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; j = i - 1; while (j > 0 && a[j] + 0 > t + 0) { a[j + 1] = a[j]; j-- } a[j + 1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { v[$1 " " $2] = v[$1 " " $2] " " $3 }
  END {
    printf "%-10s %12s %12s %8s   %s\n", "metric", "kafka MB/s", "skein MB/s", "ratio", "runs kafka | skein"
    split("produce consume", m, " ")
    for (i = 1; i <= 2; i++) {
      k = median(v["kafka " m[i]]); s = median(v["skein " m[i]])
      printf "%-10s %12.2f %12.2f %8.3f  %s |%s\n", m[i], k, s, (k > 0 ? s / k : 0), v["kafka " m[i]], v["skein " m[i]]
    }
  }' "$WORK/results"
hwm() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
KAFKA_PID="$(awk 'NR == 1 {print $2}' "${KREF:-/var/tmp/kafka-ref}/run/pids" 2>/dev/null || true)"
SKEIN_JAVA_PID="$(pgrep -P "$SKEIN_PID" java 2>/dev/null || echo "$SKEIN_PID")"
echo "peak RSS (VmHWM): kafka $(hwm "${KAFKA_PID:-0}") MiB, skein $(hwm "$SKEIN_JAVA_PID") MiB"
echo "=== raw logs: $WORK"
