#!/usr/bin/env bash
# txn-vs-kafka.sh — transactional produce throughput and commitTransaction latency, Skein against
# Apache Kafka 4.4.0 (one KRaft node via ../shared/bench/kafka-ref.sh), alternating the two brokers.
#
# Per round and broker (bench/TransactionPerf.java, kafka-clients from the reference tools, so
# transactions version 2 on both): transactions of 100 records of 1 KiB (SMALL_TXNS of them) and
# of 10,000 records (LARGE_TXNS), acks=all; records/s over the run and the median and p99 of
# commitTransaction() after a flush.
#
# Usage: bench/txn-vs-kafka.sh [ROUNDS]     (default 3)
# Env:   SMALL_TXNS (200), LARGE_TXNS (10), SKEIN_PORT (19192), KEEP_RUNNING=1.
set -euo pipefail

ROUNDS="${1:-3}"
SMALL_TXNS="${SMALL_TXNS:-200}"
LARGE_TXNS="${LARGE_TXNS:-10}"
# shellcheck source=brokers.sh
source "$(dirname "${BASH_SOURCE[0]}")/brokers.sh"
start_brokers

run_side() { # label bootstrap round size transactions
  local label="$1" bs="$2" r="$3" size="$4" count="$5" out="$WORK/$1-$3-$4.out"
  if ! java -Xmx1g -cp "$TOOLS_CP" "$HERE/TransactionPerf.java" "$bs" "$size" "$count" >"$out" 2>&1; then
    say "round $r $label txn$size failed; see $out"
    tail -5 "$out" >&2
    return 0
  fi
  awk -v side="$label" '$1 ~ /^txn/ {print side, $1, $2}' "$out"
  say "round $r $label txn$size: $(awk '$1 ~ /^txn/ {printf "%s=%s ", $1, $2}' "$out")"
}

: >"$WORK/results"
for ((r = 1; r <= ROUNDS; r++)); do
  for spec in "100 $SMALL_TXNS" "10000 $LARGE_TXNS"; do
    read -r size count <<<"$spec"
    run_side kafka "$KAFKA_BS" "$r" "$size" "$count" >>"$WORK/results"
    run_side skein "$SKEIN_BS" "$r" "$size" "$count" >>"$WORK/results"
  done
done

echo "=== txn-vs-kafka rounds=$ROUNDS 1 KiB records, 3 partitions, acks=all date=$(date -u +%FT%TZ)"
summarize "$WORK/results" txn100_records_per_s txn100_commit_ms_p50 txn100_commit_ms_p99 \
  txn10000_records_per_s txn10000_commit_ms_p50 txn10000_commit_ms_p99
peak_rss
echo "=== raw logs: $WORK"
