#!/usr/bin/env bash
# The deployment checks (ctest label `deploy`). Docker images cannot be built nor a cluster
# run here, so each file under deploy/ is checked by the tools that can read it:
#   promtool (Debian's prometheus): the scrape config, the alert rules and their unit tests,
#   kubectl kustomize (the base and the overlay recipe of docs/deployment.md), the compose
#   schema (docker compose or Debian's docker-compose), a Dockerfile linter (dockerfile-utils,
#   tests/deploy/package.json), the runtime package list the image would install, structure
#   checks (check_deploy_files.py: probes, ports, scaling, non-root, env names the binary
#   reads) and proof that those checks reject broken copies (check_checker_bites.py).
# usage: tests/deploy/run.sh SMARTTICKET_BINARY WORK_DIR
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/deploy"
bin=$(realpath "${1:?usage: run.sh SMARTTICKET_BINARY WORK_DIR}")
work=$(realpath -m "${2:?usage: run.sh SMARTTICKET_BINARY WORK_DIR}")
rm -rf "$work" && mkdir -p "$work"
cd "$root" || exit 1

# Debian's python3, which has python3-yaml (scripts/setup), over whatever else is on PATH.
python=python3
[[ -x /usr/bin/python3 ]] && python=/usr/bin/python3

passed=0
failed=0
# step TITLE FUNCTION: runs one check, prints ok or FAIL with its output (ctest bounds the time).
step() {
  local title=$1 out
  shift
  if out=$("$@" 2>&1); then
    echo "ok   $title"
    passed=$((passed + 1))
  else
    echo "FAIL $title"
    printf '%s\n' "$out" | sed 's/^/     /'
    failed=$((failed + 1))
  fi
}

need() {
  command -v "$1" >/dev/null || { echo "$1 is not installed: run scripts/setup" >&2; return 1; }
}

env_names() {
  "$bin" config --env-names >"$work/env-names.txt" && [[ -s "$work/env-names.txt" ]]
}

kustomize_base() {
  need kubectl && kubectl kustomize deploy/k8s >"$work/k8s.yaml"
}

# The overlay docs/deployment.md tells operators to write: secrets from files they do not
# commit, a setting merged into the ConfigMap, the image from their registry. Checks that it
# builds and replaces what it says it does.
kustomize_overlay() {
  local dir="$work/overlay" base value
  need kubectl || return 1
  mkdir -p "$dir"
  base=$(realpath --relative-to="$dir" "$root/deploy/k8s")
  printf %s 'sk-ant-test-key' >"$dir/anthropic-api-key"
  printf %s 'pg-test-password' >"$dir/postgres-password"
  printf %s 'mq-test-password' >"$dir/rabbitmq-password"
  printf %s 'amqp://smartticket:mq-test-password@rabbitmq:5672/' >"$dir/rabbitmq-url"
  printf %s 'svc-test-token-0123456789abcdef0123456789abcdef' >"$dir/service-token"
  printf %s 'stk_0123456789abcdef_0123456789abcdef0123456789abcdef' >"$dir/admin-key"
  cat >"$dir/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $base
images:
  - name: smartticket
    newName: registry.example.com/smartticket
    newTag: "1.2.3"
secretGenerator:
  - name: smartticket-anthropic
    behavior: replace
    files:
      - api-key=anthropic-api-key
  - name: smartticket-postgres
    behavior: replace
    literals: [username=smartticket]
    files: [password=postgres-password]
  - name: smartticket-rabbitmq
    behavior: replace
    literals: [username=smartticket]
    files: [password=rabbitmq-password, url=rabbitmq-url]
  - name: smartticket-service-token
    behavior: replace
    files: [token=service-token]
  - name: smartticket-admin-key
    behavior: replace
    files: [admin-key=admin-key]
configMapGenerator:
  - name: smartticket-config
    behavior: merge
    literals: [SMARTTICKET_LOG_LEVEL=debug]
EOF
  kubectl kustomize "$dir" >"$work/overlay.yaml" || return 1
  for value in sk-ant-test-key pg-test-password mq-test-password \
    svc-test-token-0123456789abcdef0123456789abcdef; do
    grep -q ": $(printf %s "$value" | base64)\$" "$work/overlay.yaml" ||
      { echo "the overlay did not put $value into its Secret"; return 1; }
  done
  # kustomize folds the admin key's longer base64 over two lines: its first 48 digits suffice.
  grep -q "$(printf %s 'stk_0123456789abcdef_0123456789abcdef0123456789abcdef' | base64 | cut -c1-48)" \
    "$work/overlay.yaml" || { echo "the overlay did not put the admin key into its Secret"; return 1; }
  ! grep -qE 'change-me|c3RrXzAwMDAwMDAwMDAwMDAwMDBf' "$work/overlay.yaml" || { echo "a placeholder survived the overlay"; return 1; }
  grep -q 'SMARTTICKET_LOG_LEVEL: debug' "$work/overlay.yaml" ||
    { echo "the overlay did not merge SMARTTICKET_LOG_LEVEL into the ConfigMap"; return 1; }
  [[ $(grep -c 'image: registry.example.com/smartticket:1.2.3' "$work/overlay.yaml") == 5 ]] ||
    { echo "the overlay did not set the image of the five Deployments"; return 1; }
}

compose_schema() {
  if docker compose version >/dev/null 2>&1; then
    docker compose -f deploy/docker-compose.yml config -q
  else
    need docker-compose && docker-compose -f deploy/docker-compose.yml config -q
  fi
}

dockerfile_lint() {
  local lint="$here/node_modules/.bin/dockerfile-utils" out
  [[ -x "$lint" ]] || { echo "dockerfile-utils is not installed: run scripts/setup"; return 1; }
  out=$("$lint" lint deploy/Dockerfile 2>&1) || { echo "$out"; return 1; }
  [[ -z "$out" ]] || { echo "$out"; return 1; }  # warnings count too
}

# What the image's runtime stage would install for this binary: real, installed, no -dev.
runtime_packages() {
  local packages p
  packages=$(deploy/runtime-packages.sh "$bin") || return 1
  echo "$packages" >"$work/runtime-packages.txt"
  for p in libc6 libstdc++6; do
    grep -qx "$p" <<<"$packages" || { echo "$p missing from: $packages"; return 1; }
  done
  for p in $packages; do
    [[ $p != *-dev ]] || { echo "a -dev package in the runtime list: $p"; return 1; }
    dpkg-query -W "$p" >/dev/null || { echo "not a Debian package: $p"; return 1; }
  done
}

pending_names() {
  # Deleted once every distributed-mode name is read by the binary: then nothing is pending.
  if [[ -f "$here/pending-env-names.txt" ]]; then
    echo "$here/pending-env-names.txt"
  else
    : >"$work/no-pending.txt"
    echo "$work/no-pending.txt"
  fi
}

structure() {
  "$python" "$here/check_deploy_files.py" --compose deploy/docker-compose.yml \
    --k8s-built "$work/k8s.yaml" --dockerfile deploy/Dockerfile --setup scripts/setup \
    --dockerignore .dockerignore --env-names "$work/env-names.txt" --pending "$(pending_names)"
}

checker_bites() {
  "$python" "$here/check_checker_bites.py" deploy/docker-compose.yml "$work/k8s.yaml" \
    deploy/Dockerfile scripts/setup "$work/env-names.txt" "$(pending_names)" "$work/mutations"
}

# The scrape config reads the metrics token from the secret Compose mounts; checked here with
# a stand-in token file at that path's place.
prometheus_config() {
  need promtool || return 1
  mkdir -p "$work/prometheus"
  printf %s 'metrics-test-token-0123456789abcdef0123' >"$work/prometheus/metrics-token"
  sed "s|/run/secrets/metrics-token|$work/prometheus/metrics-token|; s|/etc/prometheus/rules/|$root/deploy/prometheus/rules/|" \
    deploy/prometheus/prometheus.yml >"$work/prometheus/prometheus.yml"
  promtool check config "$work/prometheus/prometheus.yml"
}

prometheus_rules() {
  need promtool && promtool check rules deploy/prometheus/rules/*.yml
}

prometheus_rule_tests() {
  need promtool && promtool test rules deploy/prometheus/tests/*.yml
}

# The dashboard is JSON whose every query names a series Smart Ticket exports.
grafana_dashboard() {
  "$python" - "$root/deploy/grafana/smartticket.json" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in d["panels"] for t in p.get("targets", [])]
assert exprs, "no queries"
for e in exprs:
    names = re.findall(r"smartticket_[a-z_]+", e)
    assert names or "up{" in e, f"query names no series: {e}"
PY
}

step "smartticket config --env-names lists what the binary reads" env_names
step "promtool check config deploy/prometheus/prometheus.yml" prometheus_config
step "promtool check rules deploy/prometheus/rules" prometheus_rules
step "promtool test rules deploy/prometheus/tests (each alert fires and stays quiet)" prometheus_rule_tests
step "deploy/grafana/smartticket.json parses and queries Smart Ticket series" grafana_dashboard
step "kubectl kustomize deploy/k8s builds" kustomize_base
step "the overlay of docs/deployment.md (secrets from files, a merged setting, own image) builds" kustomize_overlay
step "docker-compose.yml passes the compose schema" compose_schema
step "the Dockerfile passes dockerfile-utils lint" dockerfile_lint
step "the runtime image's package list is derived from the binary" runtime_packages
step "compose, k8s and Dockerfile structure; env names the binary reads" structure
step "the structure checks reject broken copies" checker_bites

echo "deploy: $passed passed, $failed failed"
((failed == 0))
