#!/usr/bin/env bash
# groups-vs-kafka.sh — consumer-group rebalance time and offset-commit throughput, Skein against
# Apache Kafka 4.4.0 (one KRaft node via ../shared/bench/kafka-ref.sh), alternating the two brokers.
#
# Per round, broker and mode (bench/GroupRebalancePerf.java): a group of 10 consumers on a
# 30-partition topic; CYCLES times one consumer joins and one leaves; the time until every partition
# is owned by exactly one member again (median of the cycles), then commitSync of 6 partitions in a loop
# for 10 s (commits/s). Modes: eager (classic, range), cooperative (classic, cooperative-sticky),
# consumer (KIP-848). Client and broker defaults otherwise (classic heartbeat.interval.ms 3000,
# group.consumer.heartbeat.interval.ms 5000), which dominate the rebalance times on both brokers.
#
# Usage: bench/groups-vs-kafka.sh [ROUNDS]     (default 2; ~1 min per mode, round and broker)
# Env:   MODES ("eager cooperative consumer"), CYCLES (5), SKEIN_PORT (19192), KEEP_RUNNING=1.
set -euo pipefail

ROUNDS="${1:-2}"
MODES="${MODES:-eager cooperative consumer}"
CYCLES="${CYCLES:-5}"
# shellcheck source=brokers.sh
source "$(dirname "${BASH_SOURCE[0]}")/brokers.sh"
start_brokers

run_side() { # label bootstrap round mode
  local label="$1" bs="$2" r="$3" mode="$4" out="$WORK/$1-$3-$4.out"
  if ! java -Xmx1g -cp "$TOOLS_CP" "$HERE/GroupRebalancePerf.java" "$bs" "$mode" 10 "$CYCLES" >"$out" 2>&1; then
    say "round $r $label $mode failed; see $out"
    tail -5 "$out" >&2
    return 0
  fi
  awk -v side="$label" '$1 ~ /_(join_ms|leave_ms|commits_per_s)$/ {print side, $1, $2}' "$out"
  say "round $r $label $mode: $(awk '$1 ~ /_(join_ms|leave_ms|commits_per_s)$/ {printf "%s=%s ", $1, $2}' "$out")"
}

: >"$WORK/results"
for ((r = 1; r <= ROUNDS; r++)); do
  for mode in $MODES; do
    run_side kafka "$KAFKA_BS" "$r" "$mode" >>"$WORK/results"
    run_side skein "$SKEIN_BS" "$r" "$mode" >>"$WORK/results"
  done
done

echo "=== groups-vs-kafka rounds=$ROUNDS group=10 consumers, 30 partitions (ms, commits/s) date=$(date -u +%FT%TZ)"
metrics=()
for mode in $MODES; do metrics+=("${mode}_join_ms" "${mode}_leave_ms" "${mode}_commits_per_s"); done
summarize "$WORK/results" "${metrics[@]}"
peak_rss
echo "=== raw logs: $WORK"
