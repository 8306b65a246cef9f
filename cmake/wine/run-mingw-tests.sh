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
ctest --preset mingw "$@" >"$log" 2>&1 || status=$?
cat "$log"

# The skip report: every skipped test with the reason its GTEST_SKIP() gave.
skipped=$(sed -n 's/^[[:space:]]*[0-9]* - \(.*\) (Skipped)$/\1/p' "$log")
echo
echo "== Wine test summary =="
grep -E 'tests passed|tests failed' "$log" || true
if [ -n "$skipped" ]; then
    echo "Skipped under Wine (by run-time capability):"
    for name in $skipped; do
        # GoogleTest prints "<file>:<line>: Skipped" and the reason on the next line;
        # the sample scripts print "SKIP: <reason>".
        reason=$(ctest --preset mingw -R "^${name}\$" -V 2>&1 |
                 sed -n -e 's/^[0-9]*: SKIP: //p' -e '/: Skipped$/{n;s/^[0-9]*: *//;p;}' | head -n 1)
        echo "  $name: ${reason:-(no reason printed)}"
    done
fi
exit "$status"
