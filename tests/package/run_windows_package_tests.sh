#!/usr/bin/env bash
# Package consumer tests (Windows, from Linux): the mingw-w64 cross build's packages, used
# the way Windows users use them, with the programs run under Wine.
#
#   tests/package/run_windows_package_tests.sh [work-dir]
#
# Needs: the mingw-w64 toolchain file (cmake/toolchains/mingw-w64-x86_64.cmake, preset
# `mingw`), the Wine session scripts (cmake/wine/wine-session.sh start|stop <build-dir>,
# cmake/wine/wine-run.sh), Debian's g++-mingw-w64-x86-64-posix, wine64, nsis, unzip.
#
# Builds the `package-mingw` preset (static library), makes the ZIP and the 64-bit NSIS
# installer, and also a shared (DLL) build; then:
#   - content checks on the installed prefixes and the unpacked ZIP (public headers only,
#     no test programs, no build-tree paths, LICENSE, samples; the static target exports
#     ws2_32 and iphlpapi as $<LINK_ONLY:...>; the DLL exports portsock::version);
#   - the installed samples project, cross-built with find_package against the unpacked
#     ZIP, and the welcome server and client run under Wine over loopback;
#   - the consumer project cross-built against the ZIP (find_package; CMAKE_CXX_STANDARD=11
#     so the target must carry C++17), the shared prefix (the DLL copied by
#     TARGET_RUNTIME_DLLS), add_subdirectory, and plain g++ with pkg-config; all run;
#   - the NSIS installer is a PE32+ x86-64 program, installs silently under Wine
#     (/S /D=C:\...), a consumer and the samples build against the installed files and run,
#     and its uninstaller removes them.
# Prints each check and "N passed, M failed"; exits non-zero on any failure.
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$SRC/tests/package"
# shellcheck source=package_test_lib.sh
source "$HERE/package_test_lib.sh"
setup_workdir "${1:-}"

echo "portsock $VERSION (Windows packages), source $SRC"

TOOLCHAIN="$SRC/cmake/toolchains/mingw-w64-x86_64.cmake"
WINE_SESSION="$SRC/cmake/wine/wine-session.sh"
WINE_RUN="$SRC/cmake/wine/wine-run.sh"
MINGW_CXX="$(command -v x86_64-w64-mingw32-g++-posix || command -v x86_64-w64-mingw32-g++ || true)"
missing=()
[[ -f "$TOOLCHAIN" ]] || missing+=("$TOOLCHAIN")
[[ -x "$WINE_SESSION" || -f "$WINE_SESSION" ]] || missing+=("$WINE_SESSION")
[[ -x "$WINE_RUN" || -f "$WINE_RUN" ]] || missing+=("$WINE_RUN")
[[ -n "$MINGW_CXX" ]] || missing+=("x86_64-w64-mingw32-g++ (g++-mingw-w64-x86-64-posix)")
for tool in wine makensis unzip pkg-config file; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
    printf 'missing: %s\n' "${missing[@]}"
    echo "0 passed, 1 failed"
    exit 1
fi

export CMAKE_BUILD_PARALLEL_LEVEL="$JOBS"
STATIC_BUILD="$W/build-mingw"
SHARED_BUILD="$W/build-mingw-shared"
STATIC_PREFIX="$W/prefix-mingw-static"
SHARED_PREFIX="$W/prefix-mingw-shared"
PACKAGES="$W/packages"
PKG_NAME="portsock-$VERSION-win64"
# One Wine prefix for every program of this run (wine-run.sh and wine-session.sh honour it).
export PORTSOCK_WINEPREFIX="$W/wineprefix"
WINE_C="$PORTSOCK_WINEPREFIX/drive_c"

# --- build, install, package -------------------------------------------------------------------
build_static() {
    # The TLS component, against the static OpenSSL cross-built for mingw-w64 (cached).
    local openssl_prefix
    openssl_prefix=$(timeout 1200 "$SRC/cmake/wine/build-openssl-mingw.sh" | tail -n 1)
    timeout 900 cmake --preset package-mingw -S "$SRC" -B "$STATIC_BUILD" \
        -DPORTSOCK_MINGW_OPENSSL_ROOT="$openssl_prefix" \
        -DCMAKE_INSTALL_PREFIX="$STATIC_PREFIX" -DPORTSOCK_BUILD_SAMPLES=OFF \
        -DPORTSOCK_DOCS_WARNINGS_AS_ERRORS=OFF  # the docs leg of CI checks those
    timeout 900 cmake --build "$STATIC_BUILD"
    timeout 300 cmake --install "$STATIC_BUILD"
}
build_shared() {
    timeout 900 cmake -S "$SRC" -B "$SHARED_BUILD" --toolchain "$TOOLCHAIN" \
        -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DPORTSOCK_BUILD_TESTS=OFF \
        -DPORTSOCK_BUILD_SAMPLES=OFF -DPORTSOCK_BUILD_DOCS=OFF -DCMAKE_INSTALL_PREFIX="$SHARED_PREFIX"
    timeout 900 cmake --build "$SHARED_BUILD"
    timeout 300 cmake --install "$SHARED_BUILD"
}
make_packages() {
    rm -rf "$PACKAGES"
    (cd "$STATIC_BUILD" && timeout 900 cpack -B "$PACKAGES")
    ls -l "$PACKAGES"
}
check "mingw static build (package-mingw preset): configure, build, install" build_static
check "mingw shared (DLL) build: configure, build, install" build_shared
check "cpack makes the Windows packages" make_packages
check "ZIP named $PKG_NAME.zip" test -f "$PACKAGES/$PKG_NAME.zip"
check "NSIS installer named $PKG_NAME.exe" test -f "$PACKAGES/$PKG_NAME.exe"
check "NSIS installer is a 64-bit program (Target amd64-unicode)" \
    bash -c "file '$PACKAGES/$PKG_NAME.exe' | tee /dev/stderr | grep -q 'PE32+ executable.*x86-64'"

# --- what the packages hold ---------------------------------------------------------------------
files_are_relocatable() {
    local root="$1"
    for path in "$W" "$SRC"; do
        assert_no_match "$path" "$root"/lib/cmake/portsock/*.cmake "$root/lib/pkgconfig/portsock.pc"
    done
}
content_checks() {  # <root> <label> <static|shared>
    local root="$1" label="$2" kind="$3"
    check "$label: public headers only (no platform/ or private headers)" \
        assert_public_headers_only "$root/include/portsock"
    check "$label: no test programs or build files" assert_no_test_files "$root"
    check "$label: no build-tree or source-tree paths in CMake/pkg-config files" files_are_relocatable "$root"
    check "$label: LICENSE, samples, CMake and pkg-config files" windows_files_installed "$root"
    if [[ "$kind" == static ]]; then
        check "$label: libportsock.a; target exports ws2_32 and iphlpapi (LINK_ONLY)" static_target_ok "$root"
        check "$label: libportsock_tls.a, tls.hpp, portsockTlsTargets.cmake, portsock-tls.pc" tls_static_ok "$root"
    else
        check "$label: bin/libportsock.dll exports portsock::version, lib/libportsock.dll.a" shared_dll_ok "$root"
    fi
}
windows_files_installed() {
    local root="$1"
    test -f "$root/share/doc/portsock/LICENSE"
    test -f "$root/share/portsock/samples/CMakeLists.txt"
    test -f "$root/share/portsock/samples/tcp_welcome_server/main.cpp"
    test -f "$root/lib/cmake/portsock/portsockConfig.cmake"
    test -f "$root/lib/cmake/portsock/portsockConfigVersion.cmake"
    test -f "$root/lib/pkgconfig/portsock.pc"
}
static_target_ok() {
    local root="$1"
    test -f "$root/lib/libportsock.a"
    ! ls "$root"/bin/*.dll 2>/dev/null || fail "a DLL in the static package"
    grep -F 'LINK_ONLY:ws2_32>' "$root/lib/cmake/portsock/portsockTargets.cmake"
    grep -F 'LINK_ONLY:iphlpapi>' "$root/lib/cmake/portsock/portsockTargets.cmake"
    grep -F 'PORTSOCK_STATIC_DEFINE' "$root/lib/cmake/portsock/portsockTargets.cmake"
    grep -E '^Libs:.*-lportsock.*-lws2_32.*-liphlpapi' "$root/lib/pkgconfig/portsock.pc"
}
tls_static_ok() {  # the TLS component, built against the static OpenSSL
    local root="$1"
    test -f "$root/lib/libportsock_tls.a"
    test -f "$root/include/portsock/tls.hpp"
    test -f "$root/lib/cmake/portsock/portsockTlsTargets.cmake"
    grep -F 'LINK_ONLY:OpenSSL::SSL>' "$root/lib/cmake/portsock/portsockTlsTargets.cmake"
    test -f "$root/lib/pkgconfig/portsock-tls.pc"
}
shared_dll_ok() {
    local root="$1"
    test -f "$root/bin/libportsock.dll"
    test -f "$root/lib/libportsock.dll.a"
    x86_64-w64-mingw32-objdump -p "$root/bin/libportsock.dll" | grep -E '_ZN8portsock7versionEv'
    ! x86_64-w64-mingw32-objdump -p "$root/bin/libportsock.dll" | grep -E '_ZN8portsock8platform' \
        || fail "platform internals exported from the DLL"
    grep -F 'IMPORTED_IMPLIB_RELEASE' "$root/lib/cmake/portsock/portsockTargets-release.cmake"
}
content_checks "$STATIC_PREFIX" "installed static (mingw)" static
content_checks "$SHARED_PREFIX" "installed shared (mingw)" shared

ZIPROOT="$W/zip-root"
unpack_zip() {
    rm -rf "$ZIPROOT"; mkdir -p "$ZIPROOT"
    timeout 120 unzip -q "$PACKAGES/$PKG_NAME.zip" -d "$ZIPROOT"
    [[ "$(ls "$ZIPROOT")" == "$PKG_NAME" ]] || fail "the ZIP does not unpack into $PKG_NAME/"
}
check "unpack the ZIP" unpack_zip
content_checks "$ZIPROOT/$PKG_NAME" "ZIP" static

# --- Wine ----------------------------------------------------------------------------------------
wine_started=0
stop_wine() {
    if ((wine_started)); then
        timeout 120 "$WINE_SESSION" stop "$W" >/dev/null 2>&1 || true
    fi
}
trap stop_wine EXIT
start_wine() { timeout 600 sh "$WINE_SESSION" start "$W"; }
wine_started=1  # from here on, stop the session on exit whatever happens
check "Wine session starts (cmake/wine/wine-session.sh start)" start_wine
wine_run() { timeout 60 sh "$WINE_RUN" "$@"; }

# --- cross-built consumers, run under Wine ---------------------------------------------------------
CONSUMER="$HERE/consumer"
cross_build() {  # <source> <build dir> [cmake args...]
    local source="$1" build="$2"; shift 2
    rm -rf "$build"
    timeout 600 cmake -S "$source" -B "$build" --toolchain "$TOOLCHAIN" -DCMAKE_BUILD_TYPE=Release "$@"
    timeout 900 cmake --build "$build"
}
run_consumer() {  # <program.exe>
    wine_run "$1" | tr -d '\r' | tee /dev/stderr | grep -qx "portsock consumer $VERSION: ok"
}
# Cross builds search packages only under the toolchain's root path
# (CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY), so the package is named by portsock_DIR.
ZIPPREFIX="$ZIPROOT/$PKG_NAME"
check "ZIP: cross-build the installed samples with find_package(portsock 0.1)" \
    cross_build "$ZIPPREFIX/share/portsock/samples" "$W/samples-zip" \
    -Dportsock_DIR="$ZIPPREFIX/lib/cmake/portsock"
check "ZIP: samples' welcome server and client talk over loopback under Wine" \
    run_welcome_pair "$W/samples-zip" sh "$WINE_RUN"
check "ZIP: consumer with find_package (C++17 from the target over CMAKE_CXX_STANDARD=11)" \
    cross_build "$CONSUMER" "$W/consumer-zip" -Dportsock_DIR="$ZIPPREFIX/lib/cmake/portsock" \
    -DCMAKE_CXX_STANDARD=11 -DCMAKE_CXX_EXTENSIONS=OFF
check "ZIP: consumer runs under Wine" run_consumer "$W/consumer-zip/portsock_consumer.exe"

pkgconfig_consumer() {  # <prefix> <output.exe>
    local prefix="$1" out="$2"
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig" PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig"
    [[ "$(pkg-config --modversion portsock)" == "$VERSION" ]] || fail "pkg-config --modversion"
    echo "cflags: $(pkg-config --cflags portsock)  libs: $(pkg-config --libs portsock)"
    # shellcheck disable=SC2046
    timeout 300 "$MINGW_CXX" -static -o "$out" "$CONSUMER/main.cpp" $(pkg-config --cflags --libs portsock)
}
check "ZIP: mingw g++ \$(pkg-config --cflags --libs portsock) (ws2_32, iphlpapi from the .pc)" \
    pkgconfig_consumer "$ZIPPREFIX" "$W/pc-zip.exe"
check "ZIP: pkg-config consumer runs under Wine" run_consumer "$W/pc-zip.exe"

check "shared (DLL): consumer with find_package; TARGET_RUNTIME_DLLS copies the DLL" \
    cross_build "$CONSUMER" "$W/consumer-dll" -Dportsock_DIR="$SHARED_PREFIX/lib/cmake/portsock"
# A mingw DLL needs the mingw runtime DLLs (libwinpthread-1.dll, maybe libstdc++-6.dll) on
# PATH, as on a mingw user's machine: WINEPATH names the cross compiler's copies.
mingw_runtime_path() {
    local dirs=() f
    for f in libwinpthread-1.dll libstdc++-6.dll libgcc_s_seh-1.dll; do
        f="$("$MINGW_CXX" -print-file-name="$f")"
        [[ "$f" == /* ]] && dirs+=("Z:$(dirname "$(realpath "$f")" | tr / '\\')")
    done
    (IFS=';'; echo "${dirs[*]}")
}
run_dll_consumer() {
    test -f "$W/consumer-dll/libportsock.dll" || fail "TARGET_RUNTIME_DLLS did not copy libportsock.dll"
    WINEPATH="$(mingw_runtime_path)" run_consumer "$W/consumer-dll/portsock_consumer.exe"
}
check "shared (DLL): the DLL is next to the consumer and it runs under Wine" run_dll_consumer
check "add_subdirectory consumer (cross, static)" \
    cross_build "$CONSUMER" "$W/consumer-subdir" -DPORTSOCK_CONSUMER_MODE=subdirectory -DPORTSOCK_SOURCE_DIR="$SRC"
check "add_subdirectory consumer runs under Wine" run_consumer "$W/consumer-subdir/portsock_consumer.exe"

# --- the NSIS installer, silently, under Wine --------------------------------------------------------
NSIS_DIR_WIN='C:\portsock-nsis'
NSIS_ROOT="$WINE_C/portsock-nsis"
nsis_install() {
    rm -rf "$NSIS_ROOT"
    # /D= must be last and unquoted. The installer runs to completion before exiting.
    timeout 300 sh "$WINE_RUN" "$PACKAGES/$PKG_NAME.exe" /S "/D=$NSIS_DIR_WIN"
    for _ in $(seq 1 100); do
        [[ -f "$NSIS_ROOT/lib/cmake/portsock/portsockConfig.cmake" ]] && break
        sleep 0.2
    done
    find "$NSIS_ROOT" -maxdepth 3 -not -path '*/html/*' | sort
    test -f "$NSIS_ROOT/lib/cmake/portsock/portsockConfig.cmake"
    test -f "$NSIS_ROOT/Uninstall.exe"
}
check "NSIS: silent install under Wine (/S /D=$NSIS_DIR_WIN)" nsis_install
check "NSIS: public headers only" assert_public_headers_only "$NSIS_ROOT/include/portsock"
nsis_no_tests() {  # the uninstaller is the one program an installer adds
    local copy="$W/nsis-copy"
    rm -rf "$copy"; cp -a "$NSIS_ROOT" "$copy"; rm -f "$copy/Uninstall.exe"
    assert_no_test_files "$copy"
}
check "NSIS: no test programs or build files" nsis_no_tests
check "NSIS: LICENSE, samples, CMake and pkg-config files installed" windows_files_installed "$NSIS_ROOT"
check "NSIS: consumer cross-built against the installed files" \
    cross_build "$CONSUMER" "$W/consumer-nsis" -Dportsock_DIR="$NSIS_ROOT/lib/cmake/portsock"
check "NSIS: consumer runs under Wine" run_consumer "$W/consumer-nsis/portsock_consumer.exe"
check "NSIS: installed samples cross-built against the installed files" \
    cross_build "$NSIS_ROOT/share/portsock/samples" "$W/samples-nsis" \
    -Dportsock_DIR="$NSIS_ROOT/lib/cmake/portsock"
check "NSIS: welcome server and client run under Wine" run_welcome_pair "$W/samples-nsis" sh "$WINE_RUN"
nsis_uninstall() {
    # _?= runs the uninstaller in place and waits for it (otherwise it copies itself and returns).
    timeout 300 sh "$WINE_RUN" "$NSIS_ROOT/Uninstall.exe" /S "_?=$NSIS_DIR_WIN"
    for _ in $(seq 1 100); do
        [[ ! -e "$NSIS_ROOT/lib/cmake/portsock/portsockConfig.cmake" ]] && break
        sleep 0.2
    done
    local left
    left="$(find "$NSIS_ROOT" -type f ! -name Uninstall.exe 2>/dev/null || true)"
    [[ -z "$left" ]] || fail "left after uninstall: $left"
}
check "NSIS: silent uninstall removes the files" nsis_uninstall

finish
