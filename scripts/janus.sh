#!/usr/bin/env bash
# Runs a private Janus media server for Parta (docs/media.md): the demo and the tests.
#
#   scripts/janus.sh start DIR [--http-port N] [--admin-port N] [--origin URL]
#   scripts/janus.sh stop DIR
#
# `start` writes its own configuration into DIR/conf (nothing from /etc/janus is read): only
# the HTTP transport and the VideoRoom plugin are loaded, both HTTP servers listen on
# 127.0.0.1 only, ICE uses the loopback interface only, no STUN, no TURN, no 1:1 NAT. A random
# secret (DIR/admin_secret) guards the admin API and room creation. Janus runs in the
# background with its log in DIR/janus.log; `start` returns once Janus answers and prints
#   PARTA_MEDIA_ADMIN_URL=…  PARTA_MEDIA_ADMIN_SECRET=…  PARTA_MEDIA_PUBLIC_URL=…
# one per line (also kept in DIR/media.env), ready for `export $(scripts/janus.sh start DIR)`.
# Ports not given are free ports picked at random. CORS: any origin, or only --origin.
# Starting a running Janus again prints its lines; stopping a stopped one does nothing.
#
# Environment: PARTA_JANUS_ICE overrides the ICE interface list (default 127.0.0.1; a LAN
# demo names its interface or address, e.g. eth0 or 192.168.1.10).
set -euo pipefail

usage() {
	echo "usage: $0 start DIR [--http-port N] [--admin-port N] [--origin URL] | stop DIR" >&2
	exit 2
}

[[ $# -ge 2 ]] || usage
action=$1
dir=$2
shift 2
http_port=""
admin_port=""
origin=""
while [[ $# -gt 0 ]]; do
	case $1 in
	--http-port) http_port=${2:?}; shift 2 ;;
	--admin-port) admin_port=${2:?}; shift 2 ;;
	--origin) origin=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done

pid_file="$dir/janus.pid"

# The pid in DIR/janus.pid when that process is alive and is a janus; "" otherwise.
running_pid() {
	[[ -f $pid_file ]] || return 0
	local pid
	pid=$(<"$pid_file")
	if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
		[[ $(cat "/proc/$pid/comm" 2>/dev/null) == janus ]]; then
		echo "$pid"
	fi
}

# True while something accepts TCP connections on 127.0.0.1:$1.
port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 30000))
		if ! port_busy "$p"; then
			echo "$p"
			return 0
		fi
	done
	echo "janus.sh: no free port found" >&2
	return 1
}

stop() {
	local pid
	pid=$(running_pid)
	if [[ -n $pid ]]; then
		kill -TERM "$pid" 2>/dev/null || true
		# Janus closes its sessions and exits within a second or two; give it ten.
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$pid_file"
}

# The folder holding Janus's plugins, transports, … (Debian: /usr/lib/<multiarch>/janus).
janus_lib() {
	local d
	for d in /usr/lib/*/janus /usr/lib/janus /usr/local/lib/janus /opt/janus/lib/janus; do
		if [[ -f $d/plugins/libjanus_videoroom.so && -f $d/transports/libjanus_http.so ]]; then
			echo "$d"
			return 0
		fi
	done
	echo "janus.sh: Janus's VideoRoom plugin and HTTP transport are not installed (apt install janus)" >&2
	return 1
}

# The .so files of a folder but `keep`, comma-separated: what Janus must not load.
others() {
	local folder=$1 keep=$2 f list=""
	for f in "$folder"/*.so; do
		[[ -e $f ]] || continue
		f=$(basename "$f")
		[[ $f == "$keep" ]] && continue
		list+="${list:+,}$f"
	done
	echo "$list"
}

write_config() {
	local lib=$1 secret=$2 ice=${PARTA_JANUS_ICE:-127.0.0.1}
	local conf="$dir/conf"
	mkdir -p "$conf"
	cat >"$conf/janus.jcfg" <<EOF
# Written by Parta's scripts/janus.sh: a private Janus for one Parta server.
general: {
	configs_folder = "$conf"
	plugins_folder = "$lib/plugins"
	transports_folder = "$lib/transports"
	events_folder = "$lib/events"
	loggers_folder = "$lib/loggers"
	debug_level = 4
	debug_timestamps = true
	debug_colors = false
	server_name = "parta-janus"
	admin_secret = "$secret"
	session_timeout = 60
	reclaim_session_timeout = 0
	candidates_timeout = 45
	event_handlers = false
	protected_folders = ["/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/sbin", "/sys", "/usr", "/var"]
}
certificates: {
}
media: {
}
nat: {
	nice_debug = false
	full_trickle = false
	ice_lite = false
	ice_tcp = false
	ice_enforce_list = "$ice"
	ignore_mdns = true
}
plugins: {
	disable = "$(others "$lib/plugins" libjanus_videoroom.so)"
}
transports: {
	disable = "$(others "$lib/transports" libjanus_http.so)"
}
loggers: {
	disable = "$(others "$lib/loggers" "")"
}
events: {
	broadcast = false
	disable = "$(others "$lib/events" "")"
}
EOF
	cat >"$conf/janus.transport.http.jcfg" <<EOF
general: {
	events = false
	json = "compact"
	base_path = "/janus"
	http = true
	port = $http_port
	ip = "127.0.0.1"
	https = false
}
admin: {
	admin_base_path = "/admin"
	admin_http = true
	admin_port = $admin_port
	admin_ip = "127.0.0.1"
	admin_https = false
}
cors: {
EOF
	if [[ -n $origin ]]; then
		printf '\tallow_origin = "%s"\n\tenforce_cors = true\n' "$origin" >>"$conf/janus.transport.http.jcfg"
	fi
	echo "}" >>"$conf/janus.transport.http.jcfg"
	# The admin key keeps room creation to holders of the secret (Parta), not any client
	# of the public API; rooms are then made through the admin API only.
	cat >"$conf/janus.plugin.videoroom.jcfg" <<EOF
general: {
	admin_key = "$secret"
	lock_rtp_forward = true
	lock_play_file = true
	string_ids = false
	events = false
}
EOF
}

print_env() {
	cat "$dir/media.env"
}

# Polls Janus's info endpoint until it answers (at most ten seconds) or the process died.
wait_ready() {
	local pid=$1
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 1
		if curl -fsS --max-time 1 "http://127.0.0.1:$http_port/janus/info" >/dev/null 2>&1 &&
			curl -fsS --max-time 1 -H 'content-type: application/json' \
				-d "{\"janus\":\"ping\",\"transaction\":\"ready\",\"admin_secret\":\"$(<"$dir/admin_secret")\"}" \
				"http://127.0.0.1:$admin_port/admin" 2>/dev/null | grep -q '"pong"'; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

start() {
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	pid_file="$dir/janus.pid"
	if [[ -n $(running_pid) && -f $dir/media.env ]]; then
		print_env
		return 0
	fi
	stop
	command -v janus >/dev/null || { echo "janus.sh: janus is not installed (scripts/deps.sh)" >&2; exit 1; }
	local lib secret pid given_http=$http_port given_admin=$admin_port
	lib=$(janus_lib)
	if [[ ! -s $dir/admin_secret ]]; then
		(umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/admin_secret")
	fi
	secret=$(<"$dir/admin_secret")
	# A port picked free may be taken before Janus binds it: then try other ones.
	for attempt in 1 2 3; do
		http_port=${given_http:-$(free_port)}
		admin_port=${given_admin:-$(free_port)}
		[[ $http_port != "$admin_port" ]] || continue
		write_config "$lib" "$secret"
		: >"$dir/janus.log"
		setsid janus --config="$dir/conf/janus.jcfg" --configs-folder="$dir/conf" \
			--log-file="$dir/janus.log" --disable-stdout --disable-colors \
			</dev/null >"$dir/janus.out" 2>&1 &
		pid=$!
		echo "$pid" >"$pid_file"
		if wait_ready "$pid"; then
			cat >"$dir/media.env" <<EOF
PARTA_MEDIA_ADMIN_URL=http://127.0.0.1:$admin_port/admin
PARTA_MEDIA_ADMIN_SECRET=$secret
PARTA_MEDIA_PUBLIC_URL=http://127.0.0.1:$http_port/janus
EOF
			chmod 600 "$dir/media.env"
			print_env
			return 0
		fi
		stop
		[[ -z $given_http && -z $given_admin ]] || break
		echo "janus.sh: attempt $attempt failed, trying other ports" >&2
	done
	echo "janus.sh: Janus did not start; its log: $dir/janus.log" >&2
	tail -n 20 "$dir/janus.log" "$dir/janus.out" >&2 || true
	exit 1
}

case $action in
start) start ;;
stop)
	[[ -d $dir ]] || exit 0
	stop
	;;
*) usage ;;
esac
