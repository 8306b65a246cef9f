# Shared helpers of run_package_tests.sh and run_windows_package_tests.sh (sourced).
#
#   check "<name>" cmd args...   runs one check, its output to $LOGS/<n>.log; prints
#                                "PASS <name>" or "FAIL <name>" and the log's tail
#   finish                       prints "N passed, M failed" and exits non-zero on failure;
#                                a work dir it made itself (no [work-dir] given) is removed
#                                after a full pass (about 800 MB) and kept after a failure,
#                                or always with PORTSOCK_KEEP_PACKAGE_TESTS=1
#
# Needs: SRC (the source tree), W (the work dir) set by the caller.

PASSED=0
FAILED=0
CHECK_NO=0
FAILED_NAMES=()

# A parallel build that does not oversubscribe small CI machines.
JOBS="${PORTSOCK_PACKAGE_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}"

setup_workdir() {  # setup_workdir [dir]: W, LOGS, and VERSION (the project's, from CMakeLists.txt)
    W_IS_OURS=0
    if [[ -n "${1:-}" ]]; then
        W="$(mkdir -p "$1" && cd "$1" && pwd)"
    else
        W="$(mktemp -d "${TMPDIR:-/tmp}/portsock-package-tests.XXXXXX")"
        W_IS_OURS=1
    fi
    LOGS="$W/logs"
    mkdir -p "$LOGS"
    echo "work dir: $W"
    VERSION="$(sed -n 's/^ *VERSION \([0-9][0-9.]*\)$/\1/p' "$SRC/CMakeLists.txt" | head -n 1)"
    [[ -n "$VERSION" ]] || { echo "cannot read the project version"; exit 1; }
}

check() {
    local name="$1"; shift
    CHECK_NO=$((CHECK_NO + 1))
    local log
    log="$LOGS/$(printf '%03d' "$CHECK_NO")-$(echo "$name" | tr -c 'A-Za-z0-9_.-' '_' | cut -c1-80).log"
    # Not in an `if`: there bash would ignore `set -e` inside the check's subshell too.
    local rc=0
    set +e
    ( set -euo pipefail; "$@" ) >"$log" 2>&1
    rc=$?
    set -e
    if ((rc == 0)); then
        PASSED=$((PASSED + 1))
        echo "PASS $name"
    else
        FAILED=$((FAILED + 1))
        FAILED_NAMES+=("$name")
        echo "FAIL $name (log: $log)"
        tail -n 25 "$log" | sed 's/^/    | /'
    fi
}

# skip "<name>" "<reason>": a check that cannot run here; counted neither way, but shown.
skip() {
    echo "SKIP $1: $2"
}

finish() {
    if ((FAILED > 0)); then
        echo "failed checks:"
        printf '  %s\n' "${FAILED_NAMES[@]}"
    fi
    echo "$PASSED passed, $FAILED failed"
    if ((FAILED > 0)) || ((W_IS_OURS == 0)) || [[ -n "${PORTSOCK_KEEP_PACKAGE_TESTS:-}" ]]; then
        echo "work dir kept: $W"
    else
        # The Windows tests' Wine session lives in $W: end it before removing its prefix.
        if declare -F stop_wine >/dev/null; then stop_wine; wine_started=0; fi
        rm -rf "$W"
        echo "work dir removed: $W"
    fi
    ((FAILED == 0))
}

# --- assertions used inside checks ----------------------------------------------------------
fail() { echo "error: $*" >&2; return 1; }

# assert_no_match <pattern> <files...>: no file contains the fixed string.
assert_no_match() {
    local pattern="$1"; shift
    if grep -rIlF -- "$pattern" "$@"; then
        grep -rInF -- "$pattern" "$@" | head -n 10
        fail "found '$pattern' in the files above"
    fi
}

# The installed headers must be exactly the public ones plus the generated ones.
assert_public_headers_only() {  # <include/portsock dir>
    local dir="$1"
    [[ -d "$dir" ]] || fail "no $dir"
    local expected actual
    expected="$( (cd "$SRC/sdk/include/portsock" && ls -1 -- *.hpp | grep -vx -e tls.hpp -e async.hpp); printf '%s\n' config.hpp export.hpp version.hpp)"
    # The TLS component's headers come with it, both or neither.
    if [[ -f "$dir/tls.hpp" || -f "$dir/tls_export.hpp" ]]; then
        expected="$(printf '%s\n%s\n' "$expected" tls.hpp tls_export.hpp)"
    fi
    # So do the async component's: async.hpp, async_export.hpp and async/*.hpp, but for
    # async/tls.hpp, which comes with the TLS headers when both components are there.
    if [[ -f "$dir/async.hpp" || -f "$dir/async_export.hpp" || -d "$dir/async" ]]; then
        expected="$(printf '%s\n' "$expected" async.hpp async_export.hpp;
                    cd "$SRC/sdk/include/portsock" && ls -1 -- async/*.hpp | grep -vx async/tls.hpp)"
        if [[ -f "$dir/tls.hpp" ]]; then expected="$(printf '%s\n' "$expected" async/tls.hpp)"; fi
    fi
    expected="$(echo "$expected" | sort)"
    actual="$(cd "$dir" && find . -type f | sed 's|^\./||' | sort)"
    if [[ "$expected" != "$actual" ]]; then
        diff <(echo "$expected") <(echo "$actual") || true
        fail "installed headers differ from the public set (< expected, > installed)"
    fi
    # And none of the private ones anywhere in the tree that holds them.
    local root; root="$(dirname "$(dirname "$dir")")"
    local private
    private="$(find "$root" \( -name platform.hpp -o -name internal.hpp -o -name 'posix_*' -o -name 'win_*' -o -path '*/platform/*' \) -print)"
    [[ -z "$private" ]] || fail "private files installed: $private"
}

# No test or benchmark program, no gtest, nothing only the build should hold, and no
# program at all: the only binaries a package holds are portsock's libraries.
assert_no_test_files() {  # <root>
    local found
    found="$(find "$1" -path '*/share/doc/portsock/html' -prune -o \( -iname '*test*' -o -iname '*gtest*' \
        -o -iname '*gmock*' -o -iname '*bench*' -o -iname 'CTestTestfile.cmake' -o -name '*.o' \
        -o -name '*.obj' -o -name '*.exe' \) -print)"
    [[ -z "$found" ]] || fail "test/build files in the package: $found"
    local binaries=()
    while IFS= read -r -d '' f; do
        case "$(head -c 4 "$f" | od -An -c | tr -d ' ')" in
            177ELF*|MZ*) binaries+=("$f") ;;
        esac
    done < <(find "$1" -type f -print0)
    for f in "${binaries[@]}"; do
        case "$(basename "$f")" in
            libportsock.so.*|libportsock.a|libportsock.dll.a|libportsock.dll|portsock.dll|portsock.lib) ;;
            libportsock_tls.so.*|libportsock_tls.a|libportsock_tls.dll.a|libportsock_tls.dll) ;;  # the TLS component
            libportsock_async.so.*|libportsock_async.a|libportsock_async.dll.a|libportsock_async.dll) ;;  # the async component
            *) fail "unexpected binary in the package: $f" ;;
        esac
    done
}

# run_welcome_pair <dir with the samples> [runner...]: the tutorial's server on port 0,
# serving one client; the client must print "Welcome to the server!".
run_welcome_pair() {
    local bindir="$1"; shift
    local runner=("$@")
    local out="$W/welcome-server-$$-$RANDOM.out"
    local ext=""
    [[ -f "$bindir/tcp_welcome_server.exe" ]] && ext=".exe"
    : >"$out"  # before the job starts: the loop below must find the file at its first look
    timeout 60 "${runner[@]}" "$bindir/tcp_welcome_server$ext" 0 1 >"$out" 2>&1 &
    local server=$!
    local port=""
    for _ in $(seq 1 300); do
        port="$(sed -n 's/^Server is listening on port \([0-9][0-9]*\)\.\.\..*$/\1/p' "$out" | head -n 1)"
        [[ -n "$port" ]] && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z "$port" ]]; then
        kill "$server" 2>/dev/null || true
        wait "$server" || true
        cat "$out"
        fail "the server did not report its port"
    fi
    echo "server: $(head -n 1 "$out")"
    local reply
    reply="$(timeout 30 "${runner[@]}" "$bindir/tcp_welcome_client$ext" "$port" | tr -d '\r')" || {
        kill "$server" 2>/dev/null || true; wait "$server" || true; fail "the client failed"; }
    echo "client: $reply"
    wait "$server" || { cat "$out"; fail "the server exited with an error"; }  # bounded: timeout 60
    cat "$out"
    [[ "$reply" == "Welcome to the server!" ]] || fail "unexpected reply '$reply'"
}
