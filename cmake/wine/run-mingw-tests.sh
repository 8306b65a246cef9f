#!/bin/sh
# The Windows leg on Linux: cross-builds with mingw-w64 (mingw preset) and runs every test
# under Wine, inside a Wine session that is started first and always stopped after. Ends
# with how many tests ran and which were skipped, each with its reason.
# Used by .ci/run; also the one command a developer needs:
#
#   cmake/wine/run-mingw-tests.sh [extra ctest arguments...]
set -eu
cd "$(dirname "$0")/../.."

# The TLS component needs OpenSSL 3 built for mingw-w64: cross-built once from Debian's
# source package and cached by version (cmake/wine/build-openssl-mingw.sh). Set
# PORTSOCK_MINGW_NO_TLS=1 to build without it.
openssl_args=""
if [ -z "${PORTSOCK_MINGW_NO_TLS:-}" ]; then
    openssl_prefix=$(cmake/wine/build-openssl-mingw.sh | tail -n 1)
    openssl_args="-DPORTSOCK_MINGW_OPENSSL_ROOT=$openssl_prefix"
fi
# shellcheck disable=SC2086
cmake --preset mingw $openssl_args
cmake --build --preset mingw

build_dir=build/mingw
log="$build_dir/ctest-wine.log"
cmake/wine/wine-session.sh start "$build_dir"
trap 'cmake/wine/wine-session.sh stop "$build_dir"' EXIT INT TERM

status=0
# Verbose, so that each skip's reason is in the log and no test has to run twice to show
# it; the plain summary is the lines without a "<test number>: " prefix.
verbose="$build_dir/ctest-wine-verbose.log"
ctest --preset mingw -V "$@" >"$verbose" 2>&1 || status=$?
grep -v '^[0-9][0-9]*: ' "$verbose" >"$log" || true
cat "$log"
# The output of every test that failed, as CTEST_OUTPUT_ON_FAILURE would show it.
sed -n 's/^[[:space:]]*\([0-9]*\) - .* (\(Failed\|Timeout\|[A-Za-z ]*Exception\|Not Run\))$/\1/p' "$log" |
    while read -r number; do
        echo "---- output of test $number"
        sed -n "s/^${number}: //p" "$verbose"
    done

# The skip report: every skipped test with the reason it printed. GoogleTest prints
# "<file>:<line>: Skipped" and the reason on the next line; the scripts and
# portsock_add_skipped_test() print "SKIP: <reason>".
skipped=$(sed -n 's/^[[:space:]]*\([0-9]*\) - \(.*\) (Skipped)$/\1 \2/p' "$log")
echo
echo "== Wine test summary =="
grep -E '% tests passed|tests failed' "$log" || true
if [ -n "$skipped" ]; then
    echo "Skipped under Wine (by run-time capability):"
    echo "$skipped" | while read -r number name; do
        reason=$(sed -n -e "s/^${number}: SKIP: //p" -e "/^${number}: .*: Skipped\$/{n;s/^${number}: *//;p;}" "$verbose" |
                 head -n 1)
        echo "  $name: ${reason:-(no reason printed)}"
    done
fi
exit "$status"
