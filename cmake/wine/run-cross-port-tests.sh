#!/bin/sh
# The tutorial conversation across the two ports: the Windows (Winsock, under Wine) welcome
# server with the Linux (POSIX) client, and the Linux server with the Windows client; the
# same for UDP echo. Needs a native build and a mingw build of the samples.
#
#   cmake/wine/run-cross-port-tests.sh [native-build-dir] [mingw-build-dir]
#   (defaults: build/dev and build/mingw, as the dev and mingw presets make them)
set -eu
cd "$(dirname "$0")/../.."
native=${1:-build/dev}
mingw=${2:-build/mingw}
for f in "$native/samples/tcp_welcome_server" "$mingw/samples/tcp_welcome_server.exe"; do
    [ -x "$f" ] || { echo "run-cross-port-tests: missing $f (build the dev and mingw presets first)" >&2; exit 1; }
done

cmake/wine/wine-session.sh start "$mingw"
trap 'cmake/wine/wine-session.sh stop "$mingw"' EXIT INT TERM
wine_run="$(pwd)/cmake/wine/wine-run.sh"
passed=0 failed=0

pair() {  # pair KIND SERVER-SIDE CLIENT-SIDE
    kind=$1 server_side=$2 client_side=$3
    case $kind in welcome) s=tcp_welcome_server c=tcp_welcome_client ;; udp) s=udp_echo_server c=udp_echo_client ;; esac
    set -- --check --kind "$kind"
    if [ "$server_side" = windows ]; then set -- "$@" --server "$mingw/samples/$s.exe" --server-emulator "$wine_run"
    else set -- "$@" --server "$native/samples/$s"; fi
    if [ "$client_side" = windows ]; then set -- "$@" --client "$mingw/samples/$c.exe" --client-emulator "$wine_run"
    else set -- "$@" --client "$native/samples/$c"; fi
    echo "--- $kind: $server_side server, $client_side client"
    if bash cmake/run_sample_pair.sh "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

pair welcome windows linux
pair welcome linux windows
pair udp windows linux
pair udp linux windows
echo "cross-port: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
