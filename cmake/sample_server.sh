# Sourced (bash) by cmake/run_sample_pair.sh and tests/samples/run_scale_sample.sh: starts
# a sample server in the background and learns the port it printed
# ("... listening on port N..."). Makes $work, a temporary folder, and an EXIT trap that
# stops the server by its PID and removes $work.
#
#   start_sample_server LIMIT_SECONDS "EMULATOR" SERVER [ARGS...]
#       output goes to $work/server.out and $work/server.err; sets server_pid
#   wait_for_listening_port
#       sets listening_port, or prints the server's output and exits 1 (waits at most 30 s)

work=$(mktemp -d)
server_pid=""
stop_sample_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap stop_sample_server EXIT

start_sample_server() {
    local limit=$1 emulator=$2
    shift 2
    # shellcheck disable=SC2086  # the emulator may be a command with arguments
    timeout "$limit" $emulator "$@" >"$work/server.out" 2>"$work/server.err" </dev/null &
    server_pid=$!
}

wait_for_listening_port() {
    local listening="" attempt
    for attempt in $(seq 1 300); do
        listening=$(grep -Eo 'listening on port [0-9]+' "$work/server.out" 2>/dev/null | head -n 1 || true)
        [ -n "$listening" ] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$listening" ]; then
        echo "FAIL: the server did not start listening" >&2
        cat "$work/server.out" "$work/server.err" >&2
        exit 1
    fi
    listening_port=${listening##* }
}
