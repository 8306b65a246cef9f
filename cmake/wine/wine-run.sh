#!/bin/sh
# Runs one Windows program under Wine: the CMAKE_CROSSCOMPILING_EMULATOR of the mingw
# toolchain (cmake/toolchains/mingw-w64-x86_64.cmake), so ctest runs the tests through it.
#
# The Wine prefix lives inside the build tree: $PORTSOCK_WINEPREFIX if set, else
# <build-dir>/wineprefix where <build-dir> is found from the program's path (the nearest
# parent with a CMakeCache.txt), else the current directory's tree. Start the Wine
# session once (cmake/wine/wine-session.sh start <build-dir>) so each run is fast.
set -eu

if [ "$#" -lt 1 ]; then
    echo "usage: wine-run.sh program.exe [arguments...]" >&2
    exit 2
fi

find_build_dir() {
    dir=$1
    while [ "$dir" != "/" ] && [ -n "$dir" ]; do
        if [ -f "$dir/CMakeCache.txt" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
        dir=$(dirname "$dir")
    done
    return 1
}

if [ -z "${PORTSOCK_WINEPREFIX:-}" ]; then
    program_dir=$(cd "$(dirname "$1")" 2>/dev/null && pwd || pwd)
    build_dir=$(find_build_dir "$program_dir" || find_build_dir "$(pwd)" || pwd)
    PORTSOCK_WINEPREFIX=$build_dir/wineprefix
fi

export WINEPREFIX="$PORTSOCK_WINEPREFIX"
export WINEDEBUG="${WINEDEBUG:--all}"
# No Mono/Gecko install prompts, no desktop menu entries.
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=;winemenubuilder.exe=d}"
export WINEARCH=win64
mkdir -p "$WINEPREFIX"

# Without address-space randomisation: now and then the kernel places a mapping where
# Wine must put the shared user data (0x7ffe0000), and Wine ends the program before it
# starts ("failed to map the shared user data: c0000018", exit 1 and no output; seen in
# about 1 of 5,000 starts here). setarch -R gives every start the same layout. Where a
# sandbox refuses the personality change, Wine runs as before.
wine=${PORTSOCK_WINE_BINARY:-wine}
if setarch "$(uname -m)" -R true 2>/dev/null; then
    exec setarch "$(uname -m)" -R "$wine" "$@"
fi
exec "$wine" "$@"
