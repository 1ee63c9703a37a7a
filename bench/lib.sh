# shellcheck shell=bash
# Sourced by bench/cluster, bench/pipeline and bench/scaleout (not run): cleanup on exit, a
# server's port from its log, and a throwaway local cluster.
#
# The cluster (scripts/cluster) lives in a fresh directory under /tmp and on ports of its own
# (gateway BENCH_CLUSTER_PORT, default 26000, the services the next four, extra categorizers
# +22...; PostgreSQL BENCH_PG_PORT 26432; RabbitMQ BENCH_AMQP_PORT 26672), so it never meets
# a developer's cluster (5000) or the test cluster (15000). Access control is on: the
# benchmarks send the cluster's admin key, whose rate limit is 0 (unlimited). It is destroyed
# (every process stopped by pid, its data deleted) when the script exits, on failure or
# interruption too.

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Commands run at exit, last registered first.
bench_cleanups=()
bench_on_exit() { bench_cleanups=("$1" "${bench_cleanups[@]}"); }
bench_cleanup() {
  local c
  for c in "${bench_cleanups[@]}"; do eval "$c" || true; done
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# The port a server printed ("listening on http://127.0.0.1:PORT") in LOG; bounded wait.
bench_port_from() {  # bench_port_from LOG WHAT
  local port=""
  for _ in $(seq 1 100); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$1" | grep -o '[0-9]*$' || true)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$1" >&2; echo "bench: $2 did not start" >&2; return 1; }
  echo "$port"
}

bench_port_free() { ! ss -Htln "( sport = :$1 )" | grep -q .; }

# Starts the cluster: bench_cluster_up BIN [scripts/cluster up options]. Sets cluster_url
# and cluster_key_file. The environment it is called with reaches every service.
bench_cluster_up() {
  local bin=$1; shift
  export SMARTTICKET_BIN=$bin
  export SMARTTICKET_CLUSTER_PORT=${BENCH_CLUSTER_PORT:-26000}
  export SMARTTICKET_PG_PORT=${BENCH_PG_PORT:-26432}
  export SMARTTICKET_AMQP_PORT=${BENCH_AMQP_PORT:-26672}
  export SMARTTICKET_CLUSTER_LOG_LEVEL=${BENCH_CLUSTER_LOG_LEVEL:-warn}
  export SMARTTICKET_RATE_LIMIT_ADMIN=0
  local p
  for p in $(seq "$SMARTTICKET_CLUSTER_PORT" $((SMARTTICKET_CLUSTER_PORT + 4))) \
    "$SMARTTICKET_PG_PORT" "$SMARTTICKET_AMQP_PORT"; do
    bench_port_free "$p" || { echo "bench: port $p is in use (set BENCH_CLUSTER_PORT, BENCH_PG_PORT, BENCH_AMQP_PORT)" >&2; return 1; }
  done
  SMARTTICKET_CLUSTER_DIR=$(mktemp -d /tmp/smartticket-bench-cluster.XXXXXX)
  export SMARTTICKET_CLUSTER_DIR
  # shellcheck disable=SC2016 # expanded when the cleanup runs
  bench_on_exit '"$bench_root/scripts/cluster" destroy >/dev/null 2>&1'
  "$bench_root/scripts/cluster" up "$@" >"$SMARTTICKET_CLUSTER_DIR/up.log" 2>&1 || {
    cat "$SMARTTICKET_CLUSTER_DIR/up.log" "$SMARTTICKET_CLUSTER_DIR"/logs/*.log >&2 || true
    echo "bench: the cluster did not come up" >&2
    return 1
  }
  # shellcheck disable=SC2034 # read by the scripts that source this file
  cluster_url="http://127.0.0.1:$SMARTTICKET_CLUSTER_PORT"
  # shellcheck disable=SC2034
  cluster_key_file="$SMARTTICKET_CLUSTER_DIR/admin.key"
}

# "name MiB, ..." for every process the cluster runs.
bench_cluster_rss() {
  local f out=""
  for f in "$SMARTTICKET_CLUSTER_DIR"/pids/*.pid; do
    [[ -e "$f" ]] || continue
    local kb
    kb=$(awk '/^VmRSS/ {print $2}' "/proc/$(cat "$f")/status" 2>/dev/null || true)
    [[ -n "$kb" ]] && out+="${out:+, }$(basename "$f" .pid) $((kb / 1024)) MiB"
  done
  echo "$out"
}
