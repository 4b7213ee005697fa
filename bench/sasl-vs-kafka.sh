#!/usr/bin/env bash
# sasl-vs-kafka.sh — produce and consume throughput over SASL_SSL (PLAIN, TLS with a PKCS12 keystore
# from ./skein certs) against PLAINTEXT, on Skein and on Apache Kafka 4.4.0 (one KRaft node via
# ../shared/bench/kafka-ref.sh, with a SASL_SSL listener added), alternating the brokers.
#
# Load per round, broker and listener: topic with 6 partitions; ProducerPerformance NUM_RECORDS x
# 1024 B, acks=1, linger.ms=5, batch.size=131072, no compression; then an assign-based consumer
# (bench/AssignConsumerPerf.java) reading them all back over the same listener.
#
# Usage: bench/sasl-vs-kafka.sh [ROUNDS]     (default 2; ~1 min per round, broker and listener)
# Env:   NUM_RECORDS (1000000), SKEIN_PORT (19192; SASL_SSL on SKEIN_PORT+2), KEEP_RUNNING=1.
set -euo pipefail

ROUNDS="${1:-2}"
NUM_RECORDS="${NUM_RECORDS:-1000000}"
# shellcheck source=brokers.sh
source "$(dirname "${BASH_SOURCE[0]}")/brokers.sh"

CERTS="$WORK/certs"
"$ROOT/skein" build
"$ROOT/skein" certs --out "$CERTS" --hosts 127.0.0.1 >"$WORK/certs.log"
ssl_props() { grep -E '^ssl\.' "$CERTS/127.0.0.1.properties"; }
cat >"$WORK/jaas.conf" <<'JAAS'
KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required user_bench="bench-secret";
};
JAAS
{
  echo "security.protocol=SASL_SSL"
  echo "sasl.mechanism=PLAIN"
  echo 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="bench" password="bench-secret";'
  grep -E '^ssl\.truststore\.' "$CERTS/client.properties"
} >"$WORK/sasl-client.properties"
: >"$WORK/plain-client.properties"

# Kafka: a SASL_SSL listener on 19094 beside PLAINTEXT; PLAIN users from the static JAAS file
KREF_EXTRA_PROPS="listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093,SASL_SSL://127.0.0.1:19094
advertised.listeners=PLAINTEXT://127.0.0.1:19092,SASL_SSL://127.0.0.1:19094
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=PLAIN $(ssl_props | tr '\n' ' ')" \
JAVA_TOOL_OPTIONS="-Djava.security.auth.login.config=$WORK/jaas.conf" \
  start_brokers --set "listeners=PLAINTEXT://127.0.0.1:$SKEIN_PORT,CONTROLLER://127.0.0.1:$((SKEIN_PORT + 1)),SASL_SSL://127.0.0.1:$((SKEIN_PORT + 2))" \
  --set "sasl.enabled.mechanisms=PLAIN" \
  --set 'listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_bench="bench-secret";' \
  $(ssl_props | sed 's/^/--set /')
unset JAVA_TOOL_OPTIONS

run_side() { # label bootstrap client-properties round
  local label="$1" bs="$2" props="$3" r="$4" topic="sasl-bench-$1-$4"
  "$KREF_SH" tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bs" --command-config "$props" \
    --create --topic "$topic" --partitions 6 --replication-factor 1 >/dev/null
  "$KREF_SH" tool org.apache.kafka.tools.ProducerPerformance --topic "$topic" --num-records "$NUM_RECORDS" \
    --record-size 1024 --throughput -1 --producer.config "$props" --producer-props "bootstrap.servers=$bs" \
    acks=1 linger.ms=5 batch.size=131072 compression.type=none >"$WORK/$label-$r-produce.out" 2>&1
  local produce consume
  produce="$(grep -E 'records sent' "$WORK/$label-$r-produce.out" | tail -1 | sed -E 's/.*\(([0-9.]+) MB\/sec\).*/\1/')"
  java -Xmx512m -cp "$TOOLS_CP" "$HERE/AssignConsumerPerf.java" "$bs" "$topic" "$NUM_RECORDS" "$props" \
    >"$WORK/$label-$r-consume.out" 2>&1
  consume="$(awk '$1 == "consume_MBps" {print $2}' "$WORK/$label-$r-consume.out")"
  "$KREF_SH" tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bs" --command-config "$props" \
    --delete --topic "$topic" >/dev/null 2>&1 || true
  echo "${label%%-*} produce_${label#*-} $produce"
  echo "${label%%-*} consume_${label#*-} $consume"
  say "round $r $label: produce $produce MB/s, consume $consume MB/s"
}

: >"$WORK/results"
for ((r = 1; r <= ROUNDS; r++)); do
  run_side kafka-plaintext "$KAFKA_BS" "$WORK/plain-client.properties" "$r" >>"$WORK/results"
  run_side skein-plaintext "$SKEIN_BS" "$WORK/plain-client.properties" "$r" >>"$WORK/results"
  run_side kafka-sasl_ssl 127.0.0.1:19094 "$WORK/sasl-client.properties" "$r" >>"$WORK/results"
  run_side skein-sasl_ssl "127.0.0.1:$((SKEIN_PORT + 2))" "$WORK/sasl-client.properties" "$r" >>"$WORK/results"
done

echo "=== sasl-vs-kafka rounds=$ROUNDS records=$NUM_RECORDS x 1024 B (MB/s, MB = 2^20 bytes) date=$(date -u +%FT%TZ)"
summarize "$WORK/results" produce_plaintext produce_sasl_ssl consume_plaintext consume_sasl_ssl
peak_rss
echo "=== raw logs: $WORK"
