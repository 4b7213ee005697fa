#!/usr/bin/env bash
# cluster.sh — three Skein nodes (combined broker + controller) on this machine.
#
#   deploy/local/cluster.sh up        start all three nodes; returns once all serve clients
#   deploy/local/cluster.sh down      stop all three cleanly (data is kept)
#   deploy/local/cluster.sh kill N    kill -9 node N (1-3)
#   deploy/local/cluster.sh stop N    stop node N cleanly (controlled shutdown: its leaders move first)
#   deploy/local/cluster.sh start N   start node N again; returns once it serves clients
#   deploy/local/cluster.sh status    which nodes run, their pids and ports
#
# Node N listens for clients on 127.0.0.1:(SKEIN_BASE_PORT + 100*(N-1)) — 9092, 9192, 9292 by
# default — and for the controller quorum one port above (9093, 9193, 9293). SKEIN_BASE_PORT
# (default 9092) shifts every port. Data, logs and pids live under SKEIN_CLUSTER_DIR (default
# ./data/cluster-<base port> under the repository), printed by `up`. Per-node settings come
# from deploy/local/cluster/node-N.properties; ports, voters and log.dirs are set from the above.
# JVM heap per node: SKEIN_HEAP_OPTS (default -Xms256m -Xmx512m).
#
# SKEIN_SECURITY=sasl_ssl runs the same cluster secured: clients connect with SASL_SSL (SCRAM-SHA-512,
# SCRAM-SHA-256 or PLAIN) to the same ports, brokers replicate to each other over SASL_SSL
# (PLAIN, user "broker"), the metadata quorum runs over mutually authenticated TLS, and ACLs are
# on (super users: broker, admin). The first `up` makes a CA and keystores with ./skein certs and
# random passwords under SKEIN_CLUSTER_DIR/security, and writes admin.properties there: the
# client settings of the super user "admin" for Kafka's tools.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASE="${SKEIN_BASE_PORT:-9092}"
DIR="${SKEIN_CLUSTER_DIR:-$ROOT/data/cluster-$BASE}"
SECURITY="$(echo "${SKEIN_SECURITY:-plaintext}" | tr '[:upper:]' '[:lower:]')"
SEC_DIR="$DIR/security"
READY_TIMEOUT_S=120
STOP_TIMEOUT_S=60
export SKEIN_HEAP_OPTS="${SKEIN_HEAP_OPTS:--Xms256m -Xmx512m}"

client_port() { echo $((BASE + 100 * ($1 - 1))); }
controller_port() { echo $(($(client_port "$1") + 1)); }
pid_file() { echo "$DIR/node-$1.pid"; }
out_file() { echo "$DIR/node-$1.out"; }

voters() {
  echo "1@127.0.0.1:$(controller_port 1),2@127.0.0.1:$(controller_port 2),3@127.0.0.1:$(controller_port 3)"
}

bootstrap_controllers() {
  echo "127.0.0.1:$(controller_port 1),127.0.0.1:$(controller_port 2),127.0.0.1:$(controller_port 3)"
}

check_node() {
  [[ "${1:-}" =~ ^[123]$ ]] || { echo "cluster.sh: node must be 1, 2 or 3, got '${1:-}'" >&2; exit 2; }
}

running_pid() {
  local f
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 1
  local pid
  pid="$(cat "$f")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Creates, once, the CA, the nodes' keystore, the passwords and the admin client settings.
prepare_security() {
  [[ -f "$SEC_DIR/cluster.properties" ]] && return 0
  mkdir -p "$SEC_DIR"
  chmod 700 "$SEC_DIR"
  "$ROOT/skein" certs --out "$SEC_DIR" --hosts 127.0.0.1 --client admin >/dev/null
  local broker_pw admin_pw
  broker_pw="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
  admin_pw="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
  umask 077
  {
    echo "# Secured cluster settings (made by deploy/local/cluster.sh; passwords are random)"
    grep -v '^#' "$SEC_DIR/127.0.0.1.properties"
    echo "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL"
    echo "inter.broker.listener.name=SASL_SSL"
    echo "sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN"
    echo "sasl.mechanism.inter.broker.protocol=PLAIN"
    echo "listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" password=\"$broker_pw\" user_broker=\"$broker_pw\" user_admin=\"$admin_pw\";"
    echo "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    echo "super.users=User:broker;User:admin"
  } >"$SEC_DIR/cluster.properties"
  {
    echo "# Kafka client settings of the super user admin (made by deploy/local/cluster.sh)"
    echo "security.protocol=SASL_SSL"
    echo "sasl.mechanism=PLAIN"
    echo "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$admin_pw\";"
    grep '^ssl\.truststore' "$SEC_DIR/client.properties"
  } >"$SEC_DIR/admin.properties"
  echo "security settings and admin client settings written to $SEC_DIR (cluster.properties, admin.properties, ca.pem)"
}

# The --set arguments of the secured mode, one per line of cluster.properties.
security_args() {
  [[ "$SECURITY" == "sasl_ssl" ]] || return 0
  local line
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    printf '%s\0%s\0' --set "$line"
  done <"$SEC_DIR/cluster.properties"
}

client_listener() {
  if [[ "$SECURITY" == "sasl_ssl" ]]; then echo SASL_SSL; else echo PLAINTEXT; fi
}

launch() {
  local n="$1"
  if pid="$(running_pid "$n")"; then
    echo "node $n already runs (pid $pid)"
    return 0
  fi
  mkdir -p "$DIR/node-$n"
  local out
  out="$(out_file "$n")"
  echo "--- start $(date -u +%FT%TZ)" >>"$out"
  local extra=()
  if [[ "$SECURITY" == "sasl_ssl" ]]; then
    mapfile -d '' extra < <(security_args)
  fi
  nohup "$ROOT/skein" start --config "$ROOT/deploy/local/cluster/node-$n.properties" \
    --set "node.id=$n" \
    --set "listeners=$(client_listener)://127.0.0.1:$(client_port "$n"),CONTROLLER://127.0.0.1:$(controller_port "$n")" \
    "${extra[@]}" \
    --set "controller.quorum.voters=$(voters)" \
    --set "controller.quorum.bootstrap.servers=$(bootstrap_controllers)" \
    --set "log.dirs=$DIR/node-$n/data" \
    >>"$out" 2>&1 </dev/null &
  echo $! >"$(pid_file "$n")"
}

# Waits until node N printed its ready line in this run (the last "--- start" section of its output).
await_ready() {
  local n="$1" deadline=$((SECONDS + READY_TIMEOUT_S)) out
  out="$(out_file "$n")"
  while ((SECONDS < deadline)); do
    if awk '/^--- start /{ready=0} /^skein ready:/{ready=1} END{exit !ready}' "$out" 2>/dev/null; then
      echo "node $n serves clients on 127.0.0.1:$(client_port "$n") (pid $(cat "$(pid_file "$n")"))"
      return 0
    fi
    if ! running_pid "$n" >/dev/null; then
      echo "cluster.sh: node $n exited; last lines of $out:" >&2
      tail -n 20 "$out" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "cluster.sh: node $n not ready after ${READY_TIMEOUT_S}s; see $out" >&2
  return 1
}

# Sends node N the signal and waits for its exit, escalating to SIGKILL after STOP_TIMEOUT_S.
# skein start execs java, so the pid is the JVM's; SIGTERM runs the controlled shutdown.
end_node() { # N signal what-happened
  local n="$1" signal="$2" done="$3" pid
  if ! pid="$(running_pid "$n")"; then
    echo "node $n is not running"
    return 0
  fi
  kill "-$signal" "$pid"
  local deadline=$((SECONDS + STOP_TIMEOUT_S))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "cluster.sh: node $n did not stop within ${STOP_TIMEOUT_S}s of SIG$signal; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  rm -f "$(pid_file "$n")"
  echo "node $n $done"
}

stop_node() { end_node "$1" TERM stopped; }
kill_node() { end_node "$1" KILL "killed (kill -9)"; }

status() {
  echo "cluster directory: $DIR"
  for n in 1 2 3; do
    if pid="$(running_pid "$n")"; then
      echo "node $n: running (pid $pid), clients 127.0.0.1:$(client_port "$n"), controller 127.0.0.1:$(controller_port "$n")"
    else
      echo "node $n: stopped, clients 127.0.0.1:$(client_port "$n"), controller 127.0.0.1:$(controller_port "$n")"
    fi
  done
}

case "$SECURITY" in
  plaintext) ;;
  sasl_ssl) ;;
  *) echo "cluster.sh: SKEIN_SECURITY must be plaintext or sasl_ssl, got '$SECURITY'" >&2; exit 2 ;;
esac

cmd="${1:-}"
case "$cmd" in
  up)
    mkdir -p "$DIR"
    echo "cluster directory: $DIR"
    "$ROOT/skein" build-if-needed
    if [[ "$SECURITY" == "sasl_ssl" ]]; then prepare_security; fi
    for n in 1 2 3; do launch "$n"; done
    # Each node is ready only once a majority of the quorum runs, so all three start first.
    for n in 1 2 3; do await_ready "$n"; done
    echo "bootstrap servers: 127.0.0.1:$(client_port 1),127.0.0.1:$(client_port 2),127.0.0.1:$(client_port 3)"
    if [[ "$SECURITY" == "sasl_ssl" ]]; then
      echo "clients: SASL_SSL with the CA in $SEC_DIR/ca.pem; Kafka tools as the super user: --command-config $SEC_DIR/admin.properties"
    fi
    ;;
  down)
    for n in 1 2 3; do stop_node "$n"; done
    echo "data kept in $DIR (rm -rf it for a fresh cluster)"
    ;;
  kill)
    check_node "${2:-}"
    kill_node "$2"
    ;;
  stop)
    check_node "${2:-}"
    stop_node "$2"
    ;;
  start)
    check_node "${2:-}"
    "$ROOT/skein" build-if-needed
    if [[ "$SECURITY" == "sasl_ssl" ]]; then prepare_security; fi
    launch "$2"
    await_ready "$2"
    ;;
  status)
    status
    ;;
  *)
    sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
