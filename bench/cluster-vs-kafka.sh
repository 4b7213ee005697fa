#!/usr/bin/env bash
# cluster-vs-kafka.sh [ROUNDS] — three nodes against three nodes: Apache Kafka 4.4.0
# (../shared/bench/kafka-ref.sh start3: brokers 19092/19094/19096, default RF 3,
# min.insync.replicas=2) and Skein (deploy/local/cluster.sh on SKEIN_BASE_PORT=19192: clients on
# 19192/19292/19392, RF 3 and min.insync.replicas=2 from deploy/local/cluster/node-N.properties),
# both with 1 GiB heaps per node, then the shared workload with RF=3 through
# ../shared/bench/compare.sh (alternating, ROUNDS runs per side, default 2), peak RSS summed over
# each side's three processes. Everything runs on this machine's cores and one disk: it measures
# replication overhead, not scale-out. Both clusters are stopped at the end.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
KREF_SH="${KREF_SH:-$ROOT/../shared/bench/kafka-ref.sh}"
COMPARE_SH="${COMPARE_SH:-$ROOT/../shared/bench/compare.sh}"
ROUNDS="${1:-2}"
WORK="$(mktemp -d /var/tmp/skein-cluster-bench.XXXXXX)"
export SKEIN_BASE_PORT=19192 SKEIN_CLUSTER_DIR="$WORK/skein-cluster" SKEIN_HEAP_OPTS="-Xms1g -Xmx1g"

say() { echo "$(basename "$0") $(date +%H:%M:%S) $*" >&2; }

stop_all() {
  "$ROOT/deploy/local/cluster.sh" down >/dev/null 2>&1 || true
  "$KREF_SH" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop_all EXIT

say "starting Apache Kafka 4.4.0, three nodes"
"$KREF_SH" start3 >"$WORK/kafka-start.log" 2>&1 || { tail -20 "$WORK/kafka-start.log" >&2; exit 1; }
KAFKA_PIDS="$("$KREF_SH" status 2>/dev/null | awk '$1 == "node" && $3 == "pid" {print $4}' | paste -sd' ')"
say "starting Skein, three nodes (data in $SKEIN_CLUSTER_DIR)"
"$ROOT/deploy/local/cluster.sh" up >"$WORK/skein-start.log" 2>&1 || { tail -20 "$WORK/skein-start.log" >&2; exit 1; }
SKEIN_PIDS="$(cat "$SKEIN_CLUSTER_DIR"/node-*.pid | paste -sd' ')"
say "Kafka pids: ${KAFKA_PIDS:-unknown}; Skein pids: $SKEIN_PIDS"

RF=3 BROKER_PIDS_A="$KAFKA_PIDS" BROKER_PIDS_B="$SKEIN_PIDS" "$COMPARE_SH" \
  127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096 kafka3 \
  127.0.0.1:19192,127.0.0.1:19292,127.0.0.1:19392 skein3 "$ROUNDS"
