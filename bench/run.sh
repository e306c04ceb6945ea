#!/usr/bin/env bash
# Performance figures as "name value unit" lines. Runs the release build on loopback with a
# temporary database; every load is bounded in time and stops by itself.
#   http.healthz.rps     keep-alive GET /healthz, 64 connections (target >= 40000)
#   http.healthz.p99_ms
#   http.login.rps       POST /api/v1/auth/login with a correct password (argon2id on workers)
#   http.login.p99_ms
#   roster.generate.region100.s  parta demo --schools 100 (~90,000 students) into a new database
#                                (target < 10 s)
#   sync.initialize.school.ms, sync.initialize.region100.s (target < 5 s),
#   sync.initialize.noop.region100.s (< 1 s), sync.order.enrol.p99_us (< 2 ms),
#   sync.initialize.region100.peak_rss_mib (< 1 GiB)   see bench/sync.c
#   msg.fanout.deliveries_per_s (target >= 100000), msg.send_to_deliver.p50_ms / p99_ms
#   (target < 20 ms) at BENCH_MSG_RATE messages/s (default 5000) into chats of 30
#   (BENCH_MSG_USERS users, default 3000), with the CPU time per delivery of the server and
#   of the generator; the same lines suffixed .at_2000 at 2,000 messages/s   see bench/msgload.c
#   ws.idle.kib_per_conn (target <= 32) at BENCH_WS_CLIENTS connections (default 20,000, or
#   as many as the descriptor limit holds, said on stderr), ws.reconnect_storm.clients,
#   ws.reconnect_storm.20k.s (the server killed and started again: until every client has
#   resumed; target < 10 s), ws.reconnect_storm.peak_rss_mib   see bench/wsstorm.c
#   journal.chats.page.p99_ms, journal.picker.page.p99_ms (< 50 ms; 4,000 students, ~5,000
#   chats)   see bench/journal.c
#   roster.import.oneroster.rows_per_s  parta import --format oneroster of a generated bulk
#                                export (~300,000 rows, 22,000 students; target >= 100000)
#   lesson.activate.p99_ms (< 100 ms), lesson.activate.burst1000.s (< 5 s)   see bench/vconf.mjs
#   msg.crash.senders, msg.crash.acked_messages (BENCH_CRASH_MESSAGES, default 20,000, then
#   SIGKILL), msg.crash.acks_per_s, msg.crash.unacked_messages, msg.crash.committed_unacked,
#   msg.crash.restart_to_listening.ms, msg.crash.restart_to_resumed.ms, msg.crash.messages:
#   the crash test's long form; fails when an acknowledged message is lost or doubled or a
#   resuming client sees a gap or a duplicate   see bench/crash.mjs
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PARTA_BIN:-build/parta}
DURATION=${BENCH_SECONDS:-5}
dir=$(mktemp -d)
mpid=""
trap 'kill $pid $mpid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"' EXIT

PARTA_PASSWORD=bench-password "$BIN" user add --db "$dir/bench.db" --org "Бенчмарк" \
	--login bench --name "Бенч" --role staff >/dev/null 2>&1
"$BIN" serve --db "$dir/bench.db" --listen 127.0.0.1:0 --log-level info 2>"$dir/server.log" &
pid=$!
# The URL a server started with --log-level info printed (waiting for it to bind).
server_url() {
	local log=$1 server=$2 found=""
	for _ in $(seq 1 200); do
		found=$(grep -oE 'listening url=http://[0-9.:]+' "$log" | sed 's/listening url=//' || true)
		[[ -n $found ]] && break
		kill -0 "$server" 2>/dev/null || break
		sleep 0.05 # waiting for the process to bind: start-up, not a timed test
	done
	echo "$found"
}
url=$(server_url "$dir/server.log" "$pid")
[[ -n $url ]] || { echo "bench: server did not start" >&2; cat "$dir/server.log" >&2; exit 1; }

# "99%   1.23ms" → milliseconds
p99_ms() {
	awk '$1=="99%" { v=$2; u=v; gsub(/[0-9.]/,"",u); gsub(/[a-z]/,"",v);
		if (u=="us") v/=1000; else if (u=="s") v*=1000; else if (u=="m") v*=60000;
		printf "%.2f", v }'
}
rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }'; }

out=$(wrk -t2 -c64 -d"${DURATION}s" --latency "$url/healthz")
echo "http.healthz.rps $(rps <<<"$out") rps"
echo "http.healthz.p99_ms $(p99_ms <<<"$out") ms"

out=$(wrk -t1 -c4 -d"${DURATION}s" --latency -s bench/login.lua "$url/api/v1/auth/login")
echo "http.login.rps $(rps <<<"$out") rps"
echo "http.login.p99_ms $(p99_ms <<<"$out") ms"
non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
[[ -z $non2xx ]] || { echo "bench: $non2xx logins failed" >&2; exit 1; }

# A region of 100 schools (~90,000 students) and a college, generated and imported.
start=$(date +%s.%N)
"$BIN" demo --db "$dir/region.db" --schools 100 --generate-only --log-level warn >/dev/null
end=$(date +%s.%N)
echo "roster.generate.region100.s $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s"

# Chat sync on that region (bench/sync.c): Initialize from no chats, again (no-op), and
# single enrolments with their sync and commit.
"${BENCH_SYNC:-build/bench-sync}" "$dir/region.db"

# «Управление чатами» on a school of 4,000 students and about 5,000 chats (bench/journal.c):
# management list and participant picker pages (targets: p99 < 50 ms).
"${BENCH_JOURNAL:-build/bench-journal}" "$dir/journal.db"

# A OneRoster export of one large school, imported into a new organisation.
rows=$(node bench/oneroster-gen.mjs "$dir/oneroster" "${BENCH_ONEROSTER_STUDENTS:-22000}")
PARTA_PASSWORD=bench-password "$BIN" user add --db "$dir/oneroster.db" --org "OneRoster" \
	--login orbench --name "Бенч" --role admin --log-level warn >/dev/null
start=$(date +%s.%N)
"$BIN" import --db "$dir/oneroster.db" --org 1 --format oneroster "$dir/oneroster" \
	--log-level warn >/dev/null
end=$(date +%s.%N)
echo "roster.import.oneroster.rows_per_s $(awk -v n="$rows" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }') rows/s"

# The messenger under load (bench/msgload.c): users in chats of 30, each connected over the
# messenger's WebSocket; a fixed offered load of messages and the time from a send to each
# member's delivery, at the target load and below it.
mdir="$dir/msg"
mkdir -p "$mdir"
"$BIN" initdb --db "$mdir/m.db" --log-level warn >/dev/null
"${BENCH_MSGLOAD:-build/bench-msgload}" setup "$mdir/m.db" "${BENCH_MSG_USERS:-3000}" >"$mdir/tokens"
"$BIN" serve --db "$mdir/m.db" --listen 127.0.0.1:0 --log-level info 2>"$mdir/server.log" &
mpid=$!
murl=$(server_url "$mdir/server.log" "$mpid")
[[ -n $murl ]] || { echo "bench: messenger server did not start" >&2; exit 1; }
"${BENCH_MSGLOAD:-build/bench-msgload}" run "${murl##*:}" "$mdir/tokens" "${BENCH_MSG_RATE:-5000}" \
	"$DURATION" "$mpid"
"${BENCH_MSGLOAD:-build/bench-msgload}" run "${murl##*:}" "$mdir/tokens" 2000 "$DURATION" "$mpid" \
	.at_2000
kill "$mpid" 2>/dev/null || true
wait "$mpid" 2>/dev/null || true
mpid=""

# Conferences starting by themselves with their Janus rooms (bench/vconf.mjs: its own server
# in test mode and its own Janus, both on loopback).
PARTA_BIN="$BIN" node bench/vconf.mjs

# The crash test at length (bench/crash.mjs: its own server in test mode, killed with SIGKILL in
# the middle of a send storm and started again on the same database).
PARTA_BIN="$BIN" node bench/crash.mjs

# Idle connections and the reconnect storm (bench/wsstorm.c starts, kills and restarts its
# own server on a database of BENCH_WS_CLIENTS users).
wdir="$dir/ws"
mkdir -p "$wdir"
"$BIN" initdb --db "$wdir/w.db" --log-level warn >/dev/null
"${BENCH_MSGLOAD:-build/bench-msgload}" setup "$wdir/w.db" "${BENCH_WS_CLIENTS:-20000}" >"$wdir/tokens"
build/bench-wsstorm "$wdir/tokens" "${BENCH_WS_CLIENTS:-20000}" 2 -- "$BIN" serve --db "$wdir/w.db" \
	--listen @LISTEN@ --log-level warn
