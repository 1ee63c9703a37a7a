#!/usr/bin/env bash
# The PostgreSQL backup and restore of docs/operations.md ("Distributed (PostgreSQL and
# RabbitMQ)"), step by step, on a cluster of its own (scripts/cluster, loopback only):
#   tickets routed -> pg_dump (the document's command) -> more tickets, some of them with
#   their events still queued -> stop the services, gateway first -> pg_restore -> ticket ids
#   moved on -> up;
# then asserts what the document promises: the snapshot's tickets with their departments,
# the later ones gone (404), the tables of the document's table, healthy services, empty
# outboxes, the queued events of lost tickets dead-lettered and purgeable, new tickets routed
# under new ids, the lost tickets' tokens opening nothing.
# usage: SMARTTICKET_BIN=build/smartticket tests/operations/pg_backup_restore.sh WORK_DIR
# (ctest: cluster.pg_backup_restore). Ports 17000-17004, 17432 and 17672: apart from the
# shared test cluster (15xxx) and the chaos cluster (16xxx).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(realpath -m "${1:?usage: pg_backup_restore.sh WORK_DIR}")
export SMARTTICKET_BIN=${SMARTTICKET_BIN:-$root/build/smartticket}
[[ -x "$SMARTTICKET_BIN" ]] || { echo "pg_backup_restore: $SMARTTICKET_BIN is not an executable" >&2; exit 1; }
export SMARTTICKET_CLUSTER_DIR="$work/cluster"
export SMARTTICKET_CLUSTER_PORT=17000 SMARTTICKET_PG_PORT=17432 SMARTTICKET_AMQP_PORT=17672
export SMARTTICKET_CLUSTER_LOG_LEVEL=warn
# Many creates from one key in a few seconds; and no call leaves the machine (no Claude: the
# categorizer's local model and keyword rules decide).
export SMARTTICKET_RATE_LIMIT_ADMIN=0 SMARTTICKET_RATE_LIMIT_ANONYMOUS=0
# Anonymous creates answer a ticket token (an HMAC of the ticket's id): a lost ticket's token
# must not open a ticket created after the restore.
export SMARTTICKET_AUTH_ANONYMOUS_CREATE=true
unset ANTHROPIC_API_KEY ANTHROPIC_API_KEY_FILE ANTHROPIC_BASE_URL

cluster="$root/scripts/cluster"
gateway="http://127.0.0.1:$SMARTTICKET_CLUSTER_PORT"
pg=(-h 127.0.0.1 -p "$SMARTTICKET_PG_PORT" -U postgres)
dir=$SMARTTICKET_CLUSTER_DIR

say() { echo "pg_backup_restore: $*"; }
fail() { echo "pg_backup_restore: FAIL: $*" >&2; exit 1; }

cleanup() {
  local rc=$?
  if ((rc != 0)) && [[ -d "$dir/logs" ]]; then
    # The cluster's data goes with destroy; its logs are what explains a failure.
    { rm -rf "$work/failed-logs" && cp -r "$dir/logs" "$work/failed-logs"; } || true
    for f in "$work"/failed-logs/*.log; do
      [[ -s "$f" ]] || continue
      echo "--- last lines of $f" >&2
      tail -n 15 "$f" >&2 || true
    done
  fi
  "$cluster" destroy >/dev/null 2>&1 || echo "pg_backup_restore: destroy failed; see $dir" >&2
  exit "$rc"
}

mkdir -p "$work"
"$cluster" destroy >/dev/null  # a previous run's leftovers, if it was killed
rm -rf "$work"/smartticket-*.dump "$work"/token-* "$work/failed-logs"
trap cleanup EXIT

# api METHOD PATH [BODY] [HEADER...]: the answer's body on stdout, its status in $work/status.
# As the admin; with AUTH=none without a key, with AUTH=TOKEN with that bearer token.
api() {
  local method=$1 path=$2 body=${3:-}
  shift $(($# < 3 ? $# : 3))
  local args=(-sS --max-time 20 -X "$method" -o "$work/answer" -w '%{http_code}')
  case "${AUTH:-admin}" in
    admin) args+=(-H "Authorization: Bearer $(cat "$dir/admin.key")") ;;
    none) ;;
    *) args+=(-H "Authorization: Bearer $AUTH") ;;
  esac
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data "$body")
  local h
  for h in "$@"; do args+=(-H "$h"); done
  curl "${args[@]}" "$gateway$path" >"$work/status" || echo 000 >"$work/status"
  cat "$work/answer"
}
status() { cat "$work/status"; }

# Texts the keyword rules send to different departments.
texts=(
  "Laptop will not boot|My laptop shows a black screen after the update and will not start."
  "Charged twice this month|My invoice shows the same payment twice, please refund one of them."
  "Air conditioning broken|The air conditioning on the third floor has been off since Monday."
  "VPN keeps dropping|The VPN disconnects every few minutes while I work from home."
  "Password reset needed|I am locked out of my account and need my password reset."
  "Question about my salary slip|My salary slip for November is missing the overtime hours."
)
# create [HEADER...]: a new ticket (its id on stdout); 201, or 202 with respond-async. Called
# in $(...), so its running number is kept in a file; an anonymous create's (AUTH=none)
# ticket token in $work/token-ID.
echo 0 >"$work/created"
create() {
  local created
  created=$(($(cat "$work/created") + 1))
  echo "$created" >"$work/created"
  local text=${texts[$(((created - 1) % ${#texts[@]}))]}
  local body
  body=$(jq -cn --arg t "${text%%|*} ($created)" --arg d "${text#*|}" \
    '{title: $t, description: $d, user_name: "Restore Test", user_email: "restore@example.com"}')
  local answer
  answer=$(api POST /api/tickets "$body" "$@")
  [[ $(status) == 201 || $(status) == 202 ]] || fail "POST /api/tickets answered $(status): $answer"
  local id
  id=$(jq -er '.ticket_id' <<<"$answer")
  if [[ "${AUTH:-admin}" == none ]]; then jq -er '.ticket_token' <<<"$answer" >"$work/token-$id"; fi
  echo "$id"
}

# routed ID: its department once routed (bounded wait), else fails.
routed() {
  local id=$1 deadline=$((SECONDS + 60)) department
  while ((SECONDS < deadline)); do
    department=$(api GET "/api/tickets/$id" | jq -r '.ticket.department // empty' 2>/dev/null || true)
    if [[ $(status) == 200 && -n "$department" ]]; then
      echo "$department"
      return 0
    fi
    sleep 0.5
  done
  fail "ticket $id was not routed within 60 s (last answer $(status): $(cat "$work/answer"))"
}

# Bounded wait until every queue of the broker is empty (dead-letter queues aside).
queues_drained() {
  local deadline=$((SECONDS + 120)) waiting
  while ((SECONDS < deadline)); do
    waiting=$("$cluster" rabbitmqctl list_queues name messages 2>/dev/null |
      awk '$2 ~ /^[0-9]+$/ && $1 !~ /\.dlq$/ && $2 > 0 {print $1 "=" $2}' || true)
    [[ -z "$waiting" ]] && return 0
    sleep 1
  done
  fail "queues not drained within 120 s: $waiting"
}

# The outbox relays of tickets and routing report an empty backlog (their /metrics, with the
# cluster's service credential).
outboxes_empty() {
  local deadline=$((SECONDS + 60)) service port backlog
  for service in tickets routing; do
    [[ $service == tickets ]] && port=$((SMARTTICKET_CLUSTER_PORT + 1)) || port=$((SMARTTICKET_CLUSTER_PORT + 3))
    while :; do
      backlog=$(curl -sS --max-time 10 -H "Authorization: Bearer $(cat "$dir/service.token")" \
        "http://127.0.0.1:$port/metrics" |
        awk '/^smartticket_outbox_backlog\{/ {s += $2} END {print s + 0}' || echo "?")
      [[ "$backlog" == 0 ]] && break
      ((SECONDS < deadline)) || fail "the $service outbox still holds $backlog events after 60 s"
      sleep 1
    done
  done
}

tables() { psql "${pg[@]}" -Atc "select tablename from pg_tables where schemaname = 'public' order by 1" smartticket; }

say "starting a cluster in $dir"
"$cluster" up >/dev/null

# 1. Tickets that the backup will hold, each routed.
declare -A snapshot=()
for _ in 1 2 3 4 5 6; do
  id=$(create)
  snapshot[$id]=$(routed "$id")
done
say "snapshot tickets (id=department): $(for id in "${!snapshot[@]}"; do printf '%s=%s ' "$id" "${snapshot[$id]}"; done)"
tables_before=$(tables)

# 2. The backup, services running: docs/operations.md's command, with this cluster's host,
# port and superuser (trust authentication) for DBHOST and the smartticket user.
# shellcheck disable=SC2046  # the document's command as written (the date has no spaces)
(cd "$work" && pg_dump "${pg[@]}" --format=custom --file=smartticket-$(date -u +%Y%m%dT%H%M%SZ).dump smartticket)
dumps=("$work"/smartticket-*.dump)
[[ ${#dumps[@]} -eq 1 && -s "${dumps[0]}" ]] || fail "pg_dump wrote no dump file"
dump=${dumps[0]}
say "backup: $dump ($(stat -c %s "$dump") bytes)"

# 3. After the backup: tickets fully routed, and tickets whose ticket.created still waits in
# the categorizer's queue at the restore (the document's step 4: the queues are left as
# they are, so those events meet a database without their tickets).
later=()
for _ in 1 2 3; do
  id=$(AUTH=none create)
  routed "$id" >/dev/null
  later+=("$id")
done
"$cluster" stop categorizer >/dev/null
queued=()
for _ in 1 2; do
  id=$(AUTH=none create 'Prefer: respond-async')
  queued+=("$id")
done
# Their ticket.created must be on the broker (relayed), not in the outbox the restore replaces.
outboxes_empty
say "after the backup: routed ${later[*]}; queued ${queued[*]}"

# 4. Restore. Step 1: every Smart Ticket process stopped, the gateway first; PostgreSQL and
# RabbitMQ keep running.
for s in gateway categorizer routing analytics tickets; do "$cluster" stop "$s" >/dev/null; done
# Step 2, the document's command (same substitutions as the dump).
pg_restore "${pg[@]}" --clean --if-exists --dbname=smartticket "$dump"
count=$(psql "${pg[@]}" -Atc "select count(*) from tickets" smartticket)
((count == ${#snapshot[@]})) || fail "the restored database holds $count tickets, the snapshot ${#snapshot[@]}"
# Step 3, the document's command (same substitutions): ids past those issued since.
psql "${pg[@]}" -c "SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT coalesce(max(id), 0) FROM tickets) + 1000000)" smartticket >/dev/null
issued=$(printf '%s\n' "${later[@]}" "${queued[@]}" | sort -n | tail -1)

# The tables: the restore recreates every table the services had, and the document's table
# (plus schema_migrations) names exactly those, so it cannot fall out of date unnoticed.
tables_after=$(tables)
[[ "$tables_after" == "$tables_before" ]] ||
  fail "tables after the restore differ: $(diff <(echo "$tables_before") <(echo "$tables_after") | grep '^[<>]' | tr '\n' ' ')"
documented=$( (
  echo schema_migrations
  # shellcheck disable=SC2016  # backquotes, not an expansion: the names are in `code`
  sed -n '/^| service | tables |$/,/^$/p' "$root/docs/operations.md" | grep -o '`[a-z_0-9]*`' | tr -d '`'
) | sort -u)
[[ $(wc -l <<<"$documented") -gt 10 ]] || fail "docs/operations.md: no table of the services' tables found"
missing=$(comm -23 <(echo "$documented") <(echo "$tables_after"))
undocumented=$(comm -13 <(echo "$documented") <(echo "$tables_after"))
[[ -z "$missing" ]] || fail "tables in docs/operations.md that the restored database lacks: $(tr "\n" " " <<<"$missing")"
[[ -z "$undocumented" ]] || fail "tables the services create that docs/operations.md does not list: $(tr "\n" " " <<<"$undocumented")"

# Step 5: start again (scripts/cluster restarts what is not running) and let the outboxes
# relay and the consumers take the queued events.
"$cluster" up >/dev/null
health=$(curl -sS --max-time 10 "$gateway/api/health")
jq -e '.status == "healthy"' <<<"$health" >/dev/null || fail "not healthy after the restore: $health"
queues_drained
outboxes_empty

# The snapshot, exactly: its tickets with their departments; the later ones gone.
for id in "${!snapshot[@]}"; do
  answer=$(api GET "/api/tickets/$id")
  [[ $(status) == 200 ]] || fail "snapshot ticket $id answered $(status) after the restore"
  department=$(jq -r '.ticket.department // "null"' <<<"$answer")
  [[ "$department" == "${snapshot[$id]}" ]] ||
    fail "ticket $id is in '$department' after the restore, '${snapshot[$id]}' in the snapshot"
done
for id in "${later[@]}" "${queued[@]}"; do
  api GET "/api/tickets/$id" >/dev/null
  [[ $(status) == 404 ]] || fail "ticket $id, created after the backup, answered $(status) after the restore"
done

# Step 6: the queued tickets' events ended as dead letters (their tickets are not in the
# restored database); list them, then purge each queue that holds some.
# (Polled, bounded: an event taken off one queue may not be on the next one yet.)
deadline=$((SECONDS + 30))
while :; do
  letters=$(api GET /api/admin/dead-letters)
  [[ $(status) == 200 ]] || fail "GET /api/admin/dead-letters answered $(status): $letters"
  total=$(jq -er '.total' <<<"$letters")
  ((total >= ${#queued[@]})) && break
  ((SECONDS < deadline)) ||
    fail "expected the ${#queued[@]} queued tickets' events among the dead letters, found $total: $letters"
  sleep 1
done
queues_drained
say "dead letters after the restore: $(jq -c '[.queues[] | select(.count > 0) | {queue, count}]' <<<"$letters")"
# The document's command (the CLI: its DELETE /api/admin/dead-letters/{queue}).
for queue in $(jq -r '.queues[] | select(.count > 0) | .queue' <<<"$letters"); do
  "$SMARTTICKET_BIN" dead-letters purge --queue "$queue" --url "$gateway" \
    --admin-key-file "$dir/admin.key" || fail "smartticket dead-letters purge --queue $queue failed"
done
letters=$(api GET /api/admin/dead-letters)
[[ $(jq -r '.total' <<<"$letters") == 0 ]] || fail "dead letters left after the purge: $letters"

# "After a restore": analytics recorded the queued events of the lost tickets; the
# document's clean-up leaves it counting exactly the restored tickets.
phantoms=$(psql "${pg[@]}" -Atc "select count(*) from analytics_tickets where ticket_id not in (select id from tickets)" smartticket)
say "analytics rows of lost tickets before the clean-up: $phantoms"
psql "${pg[@]}" -c "DELETE FROM analytics_events WHERE ticket_id NOT IN (SELECT id FROM tickets); DELETE FROM analytics_tickets WHERE ticket_id NOT IN (SELECT id FROM tickets)" smartticket >/dev/null
answer=$(api GET '/api/analytics/tickets?period=all')
[[ $(status) == 200 ]] || fail "GET /api/analytics/tickets answered $(status): $answer"
[[ $(jq -r '.total_tickets' <<<"$answer") == "${#snapshot[@]}" ]] ||
  fail "analytics counts $(jq -r '.total_tickets' <<<"$answer") tickets after the clean-up, the snapshot ${#snapshot[@]}"

# New tickets are routed as before, under ids never issued before.
for _ in 1 2 3; do
  id=$(create)
  ((id > issued)) || fail "new ticket $id reuses an id issued before the restore (up to $issued)"
  department=$(routed "$id")
  say "new ticket $id routed to $department"
done
# A lost ticket's token opens nothing (its id names no ticket).
for id in "${later[@]}" "${queued[@]}"; do
  AUTH=$(cat "$work/token-$id") api GET "/api/tickets/$id" >/dev/null
  [[ $(status) == 404 ]] || fail "the token of lost ticket $id answered $(status) after the restore"
done
health=$(curl -sS --max-time 10 "$gateway/api/health")
jq -e '.status == "healthy"' <<<"$health" >/dev/null || fail "not healthy at the end: $health"
say "ok: ${#snapshot[@]} tickets restored, $((${#later[@]} + ${#queued[@]})) later ones gone, $total dead letters purged"
