#!/bin/sh
# Starts or stops the Wine session that the mingw build's tests run in.
#
#   cmake/wine/wine-session.sh start build/mingw    # before ctest --preset mingw
#   ctest --preset mingw
#   cmake/wine/wine-session.sh stop build/mingw     # after
#
# start: creates (first time) and boots the Wine prefix <build-dir>/wineprefix, keeps a
#        persistent wineserver running (wineserver -p) so each test starts in milliseconds
#        instead of seconds, and turns off Wine's crash debugger (AeDebug Debugger = "")
#        so a crashing test exits non-zero instead of waiting in winedbg or exiting 0.
#        Fails loudly (non-zero exit, message on stderr) if Wine cannot start.
# stop:  shuts that prefix's wineserver down (only that prefix's).
#
# Environment: PORTSOCK_WINEPREFIX overrides the prefix (wine-run.sh honours it too);
# WINE, WINESERVER and WINEBOOT name the binaries if they are not on PATH.
set -eu

usage() {
    echo "usage: $0 {start|stop} <build-dir>" >&2
    exit 2
}

[ "$#" -eq 2 ] || usage
action=$1
[ -d "$2" ] || { echo "wine-session: build directory '$2' does not exist" >&2; exit 2; }
build_dir=$(cd "$2" && pwd)

export WINEPREFIX="${PORTSOCK_WINEPREFIX:-$build_dir/wineprefix}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=;winemenubuilder.exe=d}"
export WINEARCH=win64
# No display is needed (or wanted) for console tests.
unset DISPLAY WAYLAND_DISPLAY || true

wine=${WINE:-wine}
wineserver=${WINESERVER:-wineserver}
wineboot=${WINEBOOT:-wineboot}

# As wine-run.sh: without address-space randomisation, which now and then leaves Wine no
# room for its shared user data and ends a start before the program runs.
fixed_layout=""
if setarch "$(uname -m)" -R true 2>/dev/null; then
    fixed_layout="setarch $(uname -m) -R"
fi

fail() {
    echo "wine-session: ERROR: $*" >&2
    echo "wine-session: the Windows tests cannot run without Wine (prefix: $WINEPREFIX)" >&2
    exit 1
}

case "$action" in
start)
    for tool in "$wine" "$wineserver" "$wineboot"; do
        command -v "$tool" >/dev/null 2>&1 || fail "'$tool' not found (Debian: apt-get install wine64)"
    done
    mkdir -p "$WINEPREFIX" || fail "cannot create $WINEPREFIX"
    # wineserver holds a descriptor for every socket of every Windows program: give it the
    # hard open-file limit, so the scale tests (10,000 connections) are not capped at 1024.
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    # Persistent server: stays up between programs until 'stop'. It fails if a server
    # already runs for this prefix (a second 'start'); the checks below decide.
    if ! "$wineserver" -p </dev/null >/dev/null 2>&1; then
        echo "wine-session: a wineserver already runs for $WINEPREFIX; reusing it" >&2
    fi
    # Create/update and boot the prefix; detached from the terminal, bounded in time.
    if ! timeout 300 $fixed_layout "$wineboot" -i </dev/null >"$build_dir/wineboot.log" 2>&1; then
        fail "wineboot -i failed or timed out (see $build_dir/wineboot.log)"
    fi
    # A crash must fail the test: no debugger, for 64- and 32-bit programs.
    for key in 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug' \
               'HKLM\Software\Wow6432Node\Microsoft\Windows NT\CurrentVersion\AeDebug'; do
        timeout 120 $fixed_layout "$wine" reg add "$key" /v Debugger /t REG_SZ /d "" /f </dev/null >/dev/null 2>&1 ||
            fail "cannot set $key Debugger to empty"
        timeout 120 $fixed_layout "$wine" reg add "$key" /v Auto /t REG_SZ /d 1 /f </dev/null >/dev/null 2>&1 ||
            fail "cannot set $key Auto to 1"
    done
    # Prove that a Windows program actually runs and reports its exit code.
    status=0
    timeout 120 $fixed_layout "$wine" cmd /c exit 3 </dev/null >/dev/null 2>&1 || status=$?
    [ "$status" -eq 3 ] || fail "a test program under Wine exited $status instead of 3"
    echo "wine-session: Wine is running (prefix $WINEPREFIX)"
    ;;
stop)
    if command -v "$wineserver" >/dev/null 2>&1 && [ -d "$WINEPREFIX" ]; then
        "$wineserver" -k </dev/null >/dev/null 2>&1 || true
        timeout 60 "$wineserver" -w </dev/null >/dev/null 2>&1 || true
    fi
    echo "wine-session: stopped (prefix $WINEPREFIX)"
    ;;
*)
    usage
    ;;
esac
