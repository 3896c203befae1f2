#!/usr/bin/env bash
# testservers.sh starts the FerretDB servers that torque's integration tests
# run against, on free loopback ports with throwaway data directories.
#
#   testservers.sh run [--plain] [--] CMD [ARG...]
#       Start the servers, run CMD with the variables below exported, stop the
#       servers and remove their files (also when CMD fails or is interrupted),
#       and exit with CMD's status. When CMD fails, the end of each server's
#       log is printed. --plain starts only the plain server.
#   testservers.sh start
#       Start both servers in the background for a long-running dev setup and
#       print the export lines and the command that stops them.
#   testservers.sh stop DIR
#       Stop the servers started by `start` and remove DIR.
#
# Exported to CMD (see internal/testenv):
#   TORQUE_TEST_URI       mongodb://127.0.0.1:PORT/ , no authentication
#   TORQUE_TEST_AUTH_URI  mongodb://torque:PASSWORD@127.0.0.1:PORT2/?authSource=admin ,
#                         SCRAM-SHA-1/256 with a generated password
#   TORQUE_FERRETDB       the ferretdb binary, for tests that start their own
#
# A variable that is already set is kept and its server is not started, so the
# same tests can be pointed at servers of one's own. Traffic stays on loopback.
set -euo pipefail

scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
start_timeout=${TORQUE_SERVER_START_TIMEOUT:-60} # seconds, per server
user=torque

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

# accepts tells whether something accepts TCP connections on 127.0.0.1:$1.
accepts() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# random_port prints a port in 20000-31999: below Linux's ephemeral range
# (32768-60999), so outgoing connections of the tests never take it.
random_port() {
	echo $((20000 + (RANDOM * 32768 + RANDOM) % 12000))
}

# new_password prints 32 random hex digits (URI-safe, never logged by us).
new_password() {
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

# start_server NAME [FLAG...] starts ferretdb with its files under
# $servers/NAME, waits until it accepts connections and sets $port. A taken
# port makes ferretdb exit; then it is tried again on another port.
start_server() {
	local name=$1
	shift
	local dir=$servers/$name
	mkdir -p "$dir/data" "$dir/state"
	local pid deadline
	for _ in 1 2 3 4 5; do
		port=$(random_port)
		if accepts "$port"; then
			continue
		fi
		"$launch" "$ferretdb" \
			--handler=sqlite \
			--sqlite-url="file:$dir/data/" \
			--state-dir="$dir/state" \
			--listen-addr="127.0.0.1:$port" \
			--debug-addr=- \
			--telemetry=disable \
			--log-level=info \
			"$@" >"$dir/log" 2>&1 </dev/null &
		pid=$!
		echo "$pid" >"$dir/pid"
		deadline=$((SECONDS + start_timeout))
		while kill -0 "$pid" 2>/dev/null; do
			if accepts "$port"; then
				# Still ours? A server that lost the port has exited.
				sleep 0.2
				if kill -0 "$pid" 2>/dev/null; then
					echo "$port" >"$dir/port"
					return 0
				fi
				break
			fi
			if ((SECONDS >= deadline)); then
				echo "testservers: $name server did not accept connections within ${start_timeout}s" >&2
				show_log "$name"
				return 1
			fi
			sleep 0.1
		done
		wait "$pid" 2>/dev/null || true
		rm -f "$dir/pid"
		if ! grep -qi 'address already in use' "$dir/log"; then
			echo "testservers: $name server exited at start" >&2
			show_log "$name"
			return 1
		fi
	done
	echo "testservers: no free port found for the $name server" >&2
	return 1
}

# show_log NAME prints the end of a server's log, password removed.
show_log() {
	local log=$servers/$1/log
	[[ -f $log ]] || return 0
	echo "---- last lines of the $1 server's log ----" >&2
	if [[ -n ${password:-} ]]; then
		tail -n "${TORQUE_SERVER_LOG_LINES:-40}" "$log" | sed "s/$password/<password>/g" >&2
	else
		tail -n "${TORQUE_SERVER_LOG_LINES:-40}" "$log" >&2
	fi
}

# stop_servers stops every server under $1 (by the pid it recorded): SIGTERM
# to all, then up to 10s for them to exit, then SIGKILL; and removes $1.
stop_servers() {
	local root=$1 pidfile pid i
	local -a pids=()
	for pidfile in "$root"/*/pid; do
		[[ -f $pidfile ]] || continue
		pid=$(<"$pidfile")
		if kill -TERM "$pid" 2>/dev/null; then
			pids+=("$pid")
		fi
	done
	for pid in "${pids[@]}"; do
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "testservers: server $pid ignored SIGTERM for 10s; killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$root"
}

# start_all [--plain] starts the servers and exports the variables.
start_all() {
	local plain_only=$1
	if [[ -z ${TORQUE_FERRETDB:-} ]]; then
		TORQUE_FERRETDB=$("$scripts/ferretdb-build.sh")
	fi
	export TORQUE_FERRETDB
	ferretdb=$TORQUE_FERRETDB
	servers=$(mktemp -d "${TMPDIR:-/tmp}/torque-servers.XXXXXX")

	if [[ -z ${TORQUE_TEST_URI:-} ]]; then
		start_server plain
		export TORQUE_TEST_URI="mongodb://127.0.0.1:$port/"
	fi
	if [[ $plain_only == false && -z ${TORQUE_TEST_AUTH_URI:-} ]]; then
		password=$(new_password)
		start_server auth \
			--test-enable-new-auth \
			--setup-database=admin \
			--setup-username="$user" \
			--setup-password="$password"
		export TORQUE_TEST_AUTH_URI="mongodb://$user:$password@127.0.0.1:$port/?authSource=admin"
	fi
}

# interrupted SIGNAL STATUS passes SIGNAL on to CMD's process group, waits
# for CMD and exits with STATUS (the EXIT trap then stops the servers).
interrupted() {
	if [[ -n ${child:-} ]]; then
		kill -"$1" -- "-$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	exit "$2"
}

cmd_run() {
	local plain_only=false
	while (($#)); do
		case $1 in
		--plain) plain_only=true ;;
		--) shift; break ;;
		-*) usage ;;
		*) break ;;
		esac
		shift
	done
	(($#)) || usage

	launch="env"
	servers=
	child=
	trap 'if [[ -n $servers ]]; then stop_servers "$servers"; fi' EXIT
	trap 'interrupted INT 130' INT
	trap 'interrupted TERM 143' TERM
	start_all "$plain_only"

	# CMD runs in the background, in a process group of its own (set -m), so
	# that a signal reaches the trap at once (bash runs traps only between
	# commands) and the trap can pass it on to CMD and everything it started.
	local status=0
	set -m
	"$@" &
	child=$!
	set +m
	wait "$child" || status=$?
	child=
	if ((status != 0)); then
		local dir
		for dir in "$servers"/*/; do
			[[ -f $dir/log ]] && show_log "$(basename "$dir")"
		done
	fi
	exit "$status"
}

cmd_start() {
	# Detached from this shell's session, so the servers outlive it.
	launch="env"
	if command -v setsid >/dev/null; then
		launch=setsid
	fi
	servers=
	trap 'if [[ -n $servers ]]; then stop_servers "$servers"; fi' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	start_all false
	trap - EXIT INT TERM
	cat <<-EOF
		export TORQUE_FERRETDB='$TORQUE_FERRETDB'
		export TORQUE_TEST_URI='$TORQUE_TEST_URI'
		export TORQUE_TEST_AUTH_URI='$TORQUE_TEST_AUTH_URI'
		# logs: $servers/*/log
		# stop: $scripts/testservers.sh stop $servers
	EOF
}

cmd_stop() {
	(($# == 1)) || usage
	case $1 in
	"${TMPDIR:-/tmp}"/torque-servers.*) ;;
	*)
		echo "testservers: $1 is not a directory made by 'testservers.sh start'" >&2
		exit 2
		;;
	esac
	[[ -d $1 ]] || { echo "testservers: no such directory: $1" >&2; exit 1; }
	stop_servers "$1"
}

case ${1:-} in
run) shift; cmd_run "$@" ;;
start) shift; cmd_start "$@" ;;
stop) shift; cmd_stop "$@" ;;
*) usage ;;
esac
