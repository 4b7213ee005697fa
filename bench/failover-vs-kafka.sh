#!/usr/bin/env bash
# failover-vs-kafka.sh [ROUNDS] — leader failover time on three nodes, Skein against Apache Kafka
# 4.4.0 (../shared/bench/kafka-ref.sh start3), alternating, ROUNDS fresh clusters per side
# (default 3). Each run (bench/LeaderFailoverPerf.java): a new 6-partition RF 3 topic, an
# idempotent acks=all producer at 3000 records/s over all partitions, the leader of partition 0
# killed with SIGKILL after 5 s; reported: time from the kill to the first acknowledgement of a
# record sent after it, on each partition the dead node led (max per run). Both sides use their
# defaults: broker.session.timeout.ms 9000, broker.heartbeat.interval.ms 2000.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
KREF_SH="${KREF_SH:-$ROOT/../shared/bench/kafka-ref.sh}"
ROUNDS="${1:-3}"
WORK="$(mktemp -d /var/tmp/skein-failover-bench.XXXXXX)"
export SKEIN_BASE_PORT=19192 SKEIN_HEAP_OPTS="-Xms1g -Xmx1g"

say() { echo "$(basename "$0") $(date +%H:%M:%S) $*" >&2; }
stop_all() {
  SKEIN_CLUSTER_DIR="$WORK/skein" "$ROOT/deploy/local/cluster.sh" down >/dev/null 2>&1 || true
  "$KREF_SH" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop_all EXIT

TOOLS_CP="$("$KREF_SH" classpath tools)"
kafka_results=() skein_results=()
for round in $(seq 1 "$ROUNDS"); do
  say "round $round: Kafka"
  "$KREF_SH" start3 >"$WORK/kafka-start.log" 2>&1 || { tail -20 "$WORK/kafka-start.log" >&2; exit 1; }
  pids="$("$KREF_SH" status 2>/dev/null | awk '$1 == "node" && $3 == "pid" {printf "%s%s=%s", sep, $2, $4; sep=","}')"
  out="$(java -Xmx512m -cp "$TOOLS_CP" "$HERE/LeaderFailoverPerf.java" 127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096 "$pids" 2>/dev/null | grep -E '^(killed|failover)')"
  echo "$out" | sed 's/^/  kafka: /' >&2
  kafka_results+=("$(echo "$out" | awk '/failover_max_ms/ {print $2}')")
  "$KREF_SH" stop >/dev/null 2>&1 || true

  say "round $round: Skein"
  rm -rf "$WORK/skein"
  SKEIN_CLUSTER_DIR="$WORK/skein" "$ROOT/deploy/local/cluster.sh" up >"$WORK/skein-start.log" 2>&1 || { tail -20 "$WORK/skein-start.log" >&2; exit 1; }
  pids="$(for n in 1 2 3; do printf '%s%s=%s' "$([[ $n == 1 ]] || echo ,)" "$n" "$(cat "$WORK/skein/node-$n.pid")"; done)"
  out="$(java -Xmx512m -cp "$TOOLS_CP" "$HERE/LeaderFailoverPerf.java" 127.0.0.1:19192,127.0.0.1:19292,127.0.0.1:19392 "$pids" 2>/dev/null | grep -E '^(killed|failover)')"
  echo "$out" | sed 's/^/  skein: /' >&2
  skein_results+=("$(echo "$out" | awk '/failover_max_ms/ {print $2}')")
  SKEIN_CLUSTER_DIR="$WORK/skein" "$ROOT/deploy/local/cluster.sh" down >/dev/null 2>&1 || true
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "failover_max_ms kafka: ${kafka_results[*]} (median $(median "${kafka_results[@]}"))"
echo "failover_max_ms skein: ${skein_results[*]} (median $(median "${skein_results[@]}"))"
