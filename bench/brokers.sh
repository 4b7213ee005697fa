#!/usr/bin/env bash
# brokers.sh — sourced by the bench scripts: starts Apache Kafka 4.4.0 (one KRaft node, via
# ../shared/bench/kafka-ref.sh, on 127.0.0.1:19092) and Skein (one node on 127.0.0.1:$SKEIN_PORT)
# side by side, stops both on exit (unless KEEP_RUNNING=1), and offers median/ratio helpers.
# Sets: HERE ROOT KREF_SH WORK KAFKA_BS SKEIN_BS SKEIN_PID TOOLS_CP.

HERE="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
KREF_SH="${KREF_SH:-$ROOT/../shared/bench/kafka-ref.sh}"
SKEIN_PORT="${SKEIN_PORT:-19192}"
WORK="$(mktemp -d /var/tmp/skein-bench.XXXXXX)"
KAFKA_BS=127.0.0.1:19092
SKEIN_BS="127.0.0.1:$SKEIN_PORT"

say() { echo "$(basename "$0") $(date +%H:%M:%S) $*" >&2; }

stop_brokers() {
  if [[ "${KEEP_RUNNING:-0}" != 1 ]]; then
    [[ -n "${SKEIN_PID:-}" ]] && kill "$SKEIN_PID" 2>/dev/null && wait "$SKEIN_PID" 2>/dev/null || true
    "$KREF_SH" stop >/dev/null 2>&1 || true
    rm -rf "$WORK/skein-data"
  fi
}

start_brokers() {
  trap stop_brokers EXIT
  say "starting Apache Kafka (reference) on $KAFKA_BS"
  "$KREF_SH" start1 >"$WORK/kafka-start.log" 2>&1
  TOOLS_CP="$("$KREF_SH" classpath tools)"
  say "starting Skein on $SKEIN_BS (data in $WORK/skein-data)"
  "$ROOT/skein" build
  "$ROOT/skein" start --set "listeners=PLAINTEXT://127.0.0.1:$SKEIN_PORT,CONTROLLER://127.0.0.1:$((SKEIN_PORT + 1))" \
    --set "controller.quorum.voters=1@127.0.0.1:$((SKEIN_PORT + 1))" --set "log.dirs=$WORK/skein-data" \
    "$@" >"$WORK/skein.log" 2>&1 &
  SKEIN_PID=$!
  for _ in $(seq 1 120); do grep -q '^skein ready:' "$WORK/skein.log" && break; sleep 1; done
  grep -q '^skein ready:' "$WORK/skein.log" || { tail -30 "$WORK/skein.log"; exit 1; }
}

# Reads "side metric value" lines; prints per metric the median of each side and skein/kafka.
summarize() { # results-file metric...
  local file="$1"; shift
  awk -v metrics="$*" '
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; j = i - 1; while (j > 0 && a[j] + 0 > t + 0) { a[j + 1] = a[j]; j-- } a[j + 1] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { v[$1 " " $2] = v[$1 " " $2] " " $3 }
    END {
      printf "%-22s %12s %12s %8s   %s\n", "metric", "kafka", "skein", "ratio", "runs kafka | skein"
      n = split(metrics, m, " ")
      for (i = 1; i <= n; i++) {
        k = median(v["kafka " m[i]]); s = median(v["skein " m[i]])
        printf "%-22s %12.2f %12.2f %8.3f  %s |%s\n", m[i], k, s, (k > 0 ? s / k : 0), v["kafka " m[i]], v["skein " m[i]]
      }
    }' "$file"
}

peak_rss() {
  hwm() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
  local kafka_pid skein_java_pid
  kafka_pid="$(awk 'NR == 1 {print $2}' "${KREF:-/var/tmp/kafka-ref}/run/pids" 2>/dev/null || true)"
  skein_java_pid="$(pgrep -P "$SKEIN_PID" java 2>/dev/null || echo "$SKEIN_PID")"
  echo "peak RSS (VmHWM): kafka $(hwm "${kafka_pid:-0}") MiB, skein $(hwm "$skein_java_pid") MiB"
}
