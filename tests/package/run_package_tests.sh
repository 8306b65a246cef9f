#!/usr/bin/env bash
# Package consumer tests (Linux): use portsock the way its users do.
#
#   tests/package/run_package_tests.sh [work-dir]
#
# Builds the `package` preset (shared library) and a static build, installs both to
# staging prefixes, makes the TGZ/DEB/RPM packages, and then, as a user would:
#   - checks what was installed (public headers only, no test binaries, no absolute
#     build-tree paths in the CMake and pkg-config files, LICENSE, samples, SONAME,
#     hidden symbols, C++17 and Threads carried by the exported target);
#   - builds the installed samples project (share/portsock/samples) with
#     find_package(portsock 0.1) against each prefix, the unpacked .deb and the unpacked
#     .tar.gz, and runs the welcome server and client over loopback;
#   - builds tests/package/consumer with find_package (with CMAKE_CXX_STANDARD=11, so the
#     target must bring C++17 itself), add_subdirectory and FetchContent (file:// URL), with
#     plain g++ and pkg-config, and runs it; a shared consumer installed runs without
#     LD_LIBRARY_PATH; find_package(portsock 1.0) and (0.2) fail against 0.1.
# Prints each check and "N passed, M failed"; exits non-zero on any failure.
# The Windows packages are tested by run_windows_package_tests.sh.
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$SRC/tests/package"
# shellcheck source=package_test_lib.sh
source "$HERE/package_test_lib.sh"
setup_workdir "${1:-}"

MAJOR="${VERSION%%.*}"
echo "portsock $VERSION, source $SRC"

# Tools the packages need: rpmbuild for the RPM (Debian's `rpm`), dpkg-deb, pkg-config.
if ! command -v rpmbuild >/dev/null && [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing rpm (for rpmbuild)"
    timeout 600 apt-get install -y -qq rpm >"$LOGS/apt-rpm.log" 2>&1 || echo "could not install rpm"
fi

if ! command -v lintian >/dev/null && [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing lintian (the DEBs must pass it with 0 errors)"
    timeout 600 apt-get install -y -qq lintian >"$LOGS/apt-lintian.log" 2>&1 || echo "could not install lintian"
fi

unset LD_LIBRARY_PATH  # every program below must find libportsock on its own
export CMAKE_BUILD_PARALLEL_LEVEL="$JOBS"
SHARED_BUILD="$W/build-shared"
STATIC_BUILD="$W/build-static"
SHARED_PREFIX="$W/prefix-shared"
STATIC_PREFIX="$W/prefix-static"
PACKAGES="$W/packages"
ARCH="$(uname -m)"
TGZ_NAME="portsock-$VERSION-Linux-$ARCH"
DEB_ARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"

# --- build, install, package -----------------------------------------------------------------
build_shared() {
    timeout 900 cmake --preset package -S "$SRC" -B "$SHARED_BUILD" \
        -DCMAKE_INSTALL_PREFIX="$SHARED_PREFIX" -DPORTSOCK_BUILD_SAMPLES=OFF \
        -DPORTSOCK_DOCS_WARNINGS_AS_ERRORS=OFF  # the docs leg of CI checks those
    timeout 900 cmake --build "$SHARED_BUILD"
    timeout 300 cmake --install "$SHARED_BUILD"
}
build_static() {
    timeout 900 cmake -S "$SRC" -B "$STATIC_BUILD" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_SHARED_LIBS=OFF -DPORTSOCK_BUILD_TESTS=OFF -DPORTSOCK_BUILD_SAMPLES=OFF \
        -DPORTSOCK_BUILD_DOCS=OFF -DCMAKE_INSTALL_PREFIX="$STATIC_PREFIX"
    timeout 900 cmake --build "$STATIC_BUILD"
    timeout 300 cmake --install "$STATIC_BUILD"
}
make_packages() {
    rm -rf "$PACKAGES"
    (cd "$SHARED_BUILD" && timeout 900 cpack -B "$PACKAGES")
    ls -l "$PACKAGES"
}
check "shared build (package preset): configure, build, install" build_shared
check "static build: configure, build, install" build_static
check "cpack makes the Linux packages" make_packages

# The package preset installs in Debian's layout (PORTSOCK_DEBIAN_LAYOUT): the libraries,
# CMake and pkg-config files in the multiarch directory, lib/<triplet>. The static build
# above keeps plain lib. libdir_in <root> names the one a root holds.
SHARED_LIBDIR="$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$SHARED_BUILD/CMakeCache.txt")"
echo "shared build: libraries in <prefix>/$SHARED_LIBDIR"
libdir_in() {
    if [[ -n "$SHARED_LIBDIR" && -d "$1/$SHARED_LIBDIR" ]]; then echo "$1/$SHARED_LIBDIR"; else echo "$1/lib"; fi
}

expect_package() { [[ -f "$PACKAGES/$1" ]] || { ls "$PACKAGES"; fail "no $1"; }; }
check "TGZ named $TGZ_NAME.tar.gz" expect_package "$TGZ_NAME.tar.gz"
DEBS=("libportsock${MAJOR}_$VERSION-1_$DEB_ARCH.deb" "libportsock-tls${MAJOR}_$VERSION-1_$DEB_ARCH.deb"
      "libportsock-async${MAJOR}_$VERSION-1_$DEB_ARCH.deb"
      "libportsock-dev_$VERSION-1_$DEB_ARCH.deb" "libportsock-tls-dev_$VERSION-1_$DEB_ARCH.deb"
      "portsock-doc_$VERSION-1_all.deb" "portsock-samples_$VERSION-1_all.deb")
for deb in "${DEBS[@]}"; do
    check "DEB $deb" expect_package "$deb"
done
only_these_debs() {  # no package made that the list above (and the README) does not name
    local made expected
    made="$(cd "$PACKAGES" && ls -- *.deb | sort)"
    expected="$(printf '%s\n' "${DEBS[@]}" | sort)"
    [[ "$made" == "$expected" ]] || fail "made: $made; expected: $expected"
}
check "DEB: exactly these ${#DEBS[@]} packages" only_these_debs
# The README's package list names exactly the packages made.
readme_lists_the_debs() {
    local listed made
    listed="$(grep -o '`[a-z0-9-]*`' <(sed -n '/<!-- deb-packages -->/,/<!-- \/deb-packages -->/p' "$SRC/README.md") \
        | tr -d '`' | sed "s/^libportsock0\$/libportsock${MAJOR}/; s/^libportsock-tls0\$/libportsock-tls${MAJOR}/; s/^libportsock-async0\$/libportsock-async${MAJOR}/" | sort -u)"
    made="$(printf '%s\n' "${DEBS[@]}" | sed 's/_.*//' | sort -u)"
    echo "README lists: $(echo $listed)"
    [[ -n "$listed" && "$listed" == "$made" ]] || fail "README lists '$(echo $listed)', the packages are '$(echo $made)'"
}
check "README: its package list matches the DEBs" readme_lists_the_debs
# lintian, as Debian's archive would run it: 0 errors on every package (warnings printed).
lintian_debs() {
    command -v lintian >/dev/null || fail "lintian is not installed (apt-get install lintian)"
    local out status=0
    out="$(cd "$PACKAGES" && timeout 900 lintian --fail-on error -- *.deb 2>&1)" || status=$?
    echo "$out"
    ! echo "$out" | grep -E '^E: ' || fail "lintian reports errors"
    [[ "$status" == 0 ]] || fail "lintian exited with status $status"
}
check "DEB: lintian reports 0 errors" lintian_debs
if command -v rpmbuild >/dev/null; then
    for rpm in "portsock-$VERSION-1.$ARCH.rpm" "portsock-tls-$VERSION-1.$ARCH.rpm" \
               "portsock-devel-$VERSION-1.$ARCH.rpm" "portsock-tls-devel-$VERSION-1.$ARCH.rpm" \
               "portsock-doc-$VERSION-1.noarch.rpm" "portsock-samples-$VERSION-1.noarch.rpm"; do
        check "RPM $rpm" expect_package "$rpm"
    done
else
    echo "FAIL rpmbuild missing (apt-get install rpm): no RPM"; FAILED=$((FAILED + 1))
fi

# --- what was installed ------------------------------------------------------------------------
content_checks() {  # <root> <label> <shared|static>
    local root="$1" label="$2" kind="$3"
    check "$label: public headers only (no platform/ or private headers)" \
        assert_public_headers_only "$root/include/portsock"
    check "$label: no test binaries or build files" assert_no_test_files "$root"
    check "$label: no build-tree or source-tree paths in CMake/pkg-config files" \
        files_are_relocatable "$root"
    check "$label: LICENSE in share/doc/portsock" test -f "$root/share/doc/portsock/LICENSE"
    check "$label: samples sources and CMakeLists.txt in share/portsock/samples" \
        samples_installed "$root/share/portsock/samples"
    check "$label: portsockConfig.cmake, ConfigVersion, Targets, portsock.pc" \
        cmake_files_installed "$root"
    if [[ "$kind" == shared ]]; then
        check "$label: libportsock.so.$VERSION, SONAME libportsock.so.$MAJOR, no RUNPATH" \
            shared_library_ok "$(libdir_in "$root")"
        check "$label: only portsock's API is exported (hidden visibility)" \
            exports_only_api "$(libdir_in "$root")/libportsock.so.$VERSION"
    else
        check "$label: libportsock.a and no shared library" static_library_ok "$(libdir_in "$root")"
        check "$label: exported target carries Threads and PORTSOCK_STATIC_DEFINE" \
            static_target_ok "$(libdir_in "$root")/cmake/portsock/portsockTargets.cmake"
    fi
}
files_are_relocatable() {
    local root="$1" files lib
    lib="$(libdir_in "$root")"
    files=("$lib"/cmake/portsock/*.cmake "$lib/pkgconfig/portsock.pc")
    for path in "$W" "$SRC" "$SHARED_BUILD" "$STATIC_BUILD"; do
        assert_no_match "$path" "${files[@]}"
    done
    # The installed library carries no RPATH into the build tree either.
    for lib in "$(libdir_in "$root")"/libportsock.so*; do
        [[ -f "$lib" && ! -L "$lib" ]] || continue
        ! strings "$lib" | grep -F -e "$SHARED_BUILD" -e "$SRC" || fail "$lib names the build tree"
    done
}
samples_installed() {
    test -f "$1/CMakeLists.txt"
    for s in tcp_welcome_server tcp_welcome_client udp_echo_server udp_echo_client; do
        test -f "$1/$s/main.cpp" || fail "no $s/main.cpp"
    done
}
cmake_files_installed() {
    local lib
    lib="$(libdir_in "$1")"
    for f in portsockConfig.cmake portsockConfigVersion.cmake portsockTargets.cmake; do
        test -f "$lib/cmake/portsock/$f" || fail "no $f"
    done
    test -f "$lib/pkgconfig/portsock.pc"
    grep -q 'find_dependency(Threads)' "$lib/cmake/portsock/portsockConfig.cmake"
    grep -q 'cxx_std_17' "$lib/cmake/portsock/portsockTargets.cmake"
}
shared_library_ok() {
    test -f "$1/libportsock.so.$VERSION"
    test -L "$1/libportsock.so.$MAJOR"
    test -L "$1/libportsock.so"
    readelf -d "$1/libportsock.so.$VERSION" | tee /dev/stderr | grep -q "SONAME.*\[libportsock.so.$MAJOR\]"
    ! readelf -d "$1/libportsock.so.$VERSION" | grep -E 'RPATH|RUNPATH' || fail "installed library has an RPATH"
    test ! -e "$1/libportsock.a"
}
exports_only_api() {
    local symbols
    symbols="$(nm -DC --defined-only "$1" | awk '{ $1 = ""; $2 = ""; print }' | sed 's/^ *//')"
    echo "$symbols" | grep -q '^portsock::version()' || fail "portsock::version() not exported"
    # Nothing from the platform layer's internals, nothing that is not portsock's.
    ! echo "$symbols" | grep -E '^portsock::platform::' || fail "platform internals exported"
    local foreign
    # (Instantiations of the standard library's templates keep default visibility, with their
    # vtables and type info: std::filesystem::path's conversion of wide text, for send_file().)
    foreign="$(echo "$symbols" | grep -v -E 'portsock|^_init$|^_fini$|^((auto|vtable for|typeinfo for|typeinfo name for) )?(std|__gnu_cxx)::' || true)"
    [[ -z "$foreign" ]] || { echo "$foreign"; fail "non-portsock symbols exported"; }
}
static_library_ok() {
    test -f "$1/libportsock.a"
    ! ls "$1"/libportsock.so* 2>/dev/null || fail "a shared library in the static install"
}
static_target_ok() {
    grep -F 'LINK_ONLY:Threads::Threads>' "$1"
    grep -F 'PORTSOCK_STATIC_DEFINE' "$1"
}
content_checks "$SHARED_PREFIX" "installed shared" shared
content_checks "$STATIC_PREFIX" "installed static" static

# --- the installed samples project, built as a user builds it -----------------------------------
build_samples() {  # <prefix> <build dir> [cmake args...]
    local prefix="$1" build="$2"; shift 2
    rm -rf "$build"
    timeout 300 cmake -S "$prefix/share/portsock/samples" -B "$build" \
        -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release "$@"
    grep -F "portsock_DIR:PATH=$(libdir_in "$prefix")/cmake/portsock" "$build/CMakeCache.txt" \
        || fail "did not find the package under $prefix"
    timeout 600 cmake --build "$build"
}
for kind in shared static; do
    prefix="$W/prefix-$kind"
    check "$kind: build the installed samples with find_package(portsock 0.1)" \
        build_samples "$prefix" "$W/samples-$kind"
    check "$kind: samples' welcome server and client talk over loopback (no LD_LIBRARY_PATH)" \
        run_welcome_pair "$W/samples-$kind"
done
uses_prefix_library() {  # <program> <lib dir>: the dynamic loader takes libportsock from there
    ldd "$1" | tee /dev/stderr | grep -F "libportsock.so.$MAJOR => $2/libportsock.so.$MAJOR"
}
check "shared: samples load libportsock from the prefix (CMake's RPATH to the imported location)" \
    uses_prefix_library "$W/samples-shared/tcp_welcome_server" "$(libdir_in "$SHARED_PREFIX")"
no_portsock_needed() { ! readelf -d "$1" | grep -F 'libportsock'; }
check "static: samples do not need libportsock.so" no_portsock_needed "$W/samples-static/tcp_welcome_server"

# --- the README, pasted into a fresh folder as a new user would ---------------------------------
# Its complete CMakeLists.txt and its server (the first cpp block) as main.cpp: with the
# prefix in CMAKE_PREFIX_PATH it configures without a warning and builds; without, the
# find_package() fails, as the README says.
readme_block() { awk -v lang="$1" '$0 == "```" lang {f=1; next} f && /^```/ {exit} f' "$SRC/README.md"; }
readme_project() {  # <prefix> <folder>
    local prefix="$1" app="$2"
    rm -rf "$app" && mkdir -p "$app"
    readme_block cmake >"$app/CMakeLists.txt"
    readme_block cpp >"$app/main.cpp"
    grep -q '^cmake_minimum_required' "$app/CMakeLists.txt" || fail "the README's CMakeLists.txt is not complete"
    ! timeout 300 cmake -S "$app" -B "$app/build-without-prefix" 2>&1 | tee /dev/stderr | grep -q '^-- Configuring done' \
        || fail "found portsock without CMAKE_PREFIX_PATH: the README's advice would be untested"
    timeout 300 cmake -S "$app" -B "$app/build" -DCMAKE_PREFIX_PATH="$prefix" 2>"$app/configure.err"
    cat "$app/configure.err" >&2
    ! grep -qi 'warning' "$app/configure.err" || fail "configuring the README's CMakeLists.txt warns"
    timeout 600 cmake --build "$app/build"
    test -x "$app/build/app"
}
check "README: its CMakeLists.txt and server build in a fresh folder (CMAKE_PREFIX_PATH)" \
    readme_project "$SHARED_PREFIX" "$W/readme-app"

# --- the consumer project: find_package, add_subdirectory, FetchContent ------------------------
CONSUMER="$HERE/consumer"
build_consumer() {  # <build dir> [cmake args...]
    local build="$1"; shift
    rm -rf "$build"
    timeout 600 cmake -S "$CONSUMER" -B "$build" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_CXX_STANDARD=11 -DCMAKE_CXX_EXTENSIONS=OFF "$@"
    timeout 900 cmake --build "$build"
}
run_consumer() {  # <program>
    timeout 30 "$1" | tee /dev/stderr | grep -qx "portsock consumer $VERSION: ok"
}
for kind in shared static; do
    check "$kind: consumer with find_package (C++17 carried by the target over CMAKE_CXX_STANDARD=11)" \
        build_consumer "$W/consumer-$kind" -DCMAKE_PREFIX_PATH="$W/prefix-$kind"
    check "$kind: consumer runs (find_package)" run_consumer "$W/consumer-$kind/portsock_consumer"
done

# A shared consumer installed next to the library it was configured for runs without
# LD_LIBRARY_PATH: with $ORIGIN/../lib in the same prefix, and with the link path as RPATH
# (CMAKE_INSTALL_RPATH_USE_LINK_PATH) in a prefix of its own.
install_consumer() {  # <build dir> <install prefix> [cmake args...]
    local build="$1" prefix="$2"; shift 2
    build_consumer "$build" -DCMAKE_PREFIX_PATH="$SHARED_PREFIX" -DCMAKE_INSTALL_PREFIX="$prefix" "$@"
    timeout 300 cmake --install "$build"
}
SHARED_PREFIX_COPY="$W/prefix-shared-app"
check "shared: consumer installed into a copy of the prefix, INSTALL_RPATH \$ORIGIN/../$SHARED_LIBDIR" \
    bash -c "rm -rf '$SHARED_PREFIX_COPY' && cp -a '$SHARED_PREFIX' '$SHARED_PREFIX_COPY'"
check "shared: build and install that consumer" install_consumer "$W/consumer-origin" "$SHARED_PREFIX_COPY" \
    -DCMAKE_PREFIX_PATH="$SHARED_PREFIX_COPY" "-DCMAKE_INSTALL_RPATH=\$ORIGIN/../$SHARED_LIBDIR"
check "shared: installed consumer (\$ORIGIN) runs without LD_LIBRARY_PATH" \
    run_consumer "$SHARED_PREFIX_COPY/bin/portsock_consumer"
check "shared: consumer installed to its own prefix with CMAKE_INSTALL_RPATH_USE_LINK_PATH" \
    install_consumer "$W/consumer-linkpath" "$W/app-prefix" -DCMAKE_INSTALL_RPATH_USE_LINK_PATH=ON
check "shared: that installed consumer runs without LD_LIBRARY_PATH" \
    run_consumer "$W/app-prefix/bin/portsock_consumer"

# In-tree: add_subdirectory and FetchContent (a file:// tarball of the tree; no network).
SOURCE_TARBALL="$W/portsock-source.tar.gz"
make_source_tarball() {
    tar -C "$(dirname "$SRC")" --exclude="$(basename "$SRC")/build" --exclude="$(basename "$SRC")/.git" \
        -czf "$SOURCE_TARBALL" "$(basename "$SRC")"
}
check "source tarball for FetchContent" make_source_tarball
check "add_subdirectory consumer (static)" build_consumer "$W/consumer-subdir" \
    -DPORTSOCK_CONSUMER_MODE=subdirectory -DPORTSOCK_SOURCE_DIR="$SRC"
check "add_subdirectory consumer runs" run_consumer "$W/consumer-subdir/portsock_consumer"
# A parent with no build type keeps none (portsock's default applies to its own builds only).
check "add_subdirectory consumer with no build type keeps none" \
    cmake -S "$CONSUMER" -B "$W/consumer-subdir-no-type" -DCMAKE_BUILD_TYPE= \
        -DPORTSOCK_CONSUMER_MODE=subdirectory -DPORTSOCK_SOURCE_DIR="$SRC"
check "add_subdirectory consumer: static portsock inside a shared module (CMAKE_POSITION_INDEPENDENT_CODE=ON)" \
    build_consumer "$W/consumer-subdir-pic" -DPORTSOCK_CONSUMER_MODE=subdirectory -DPORTSOCK_SOURCE_DIR="$SRC" \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DPORTSOCK_CONSUMER_PLUGIN=ON
check "add_subdirectory consumer (shared, BUILD_SHARED_LIBS=ON)" build_consumer "$W/consumer-subdir-shared" \
    -DPORTSOCK_CONSUMER_MODE=subdirectory -DPORTSOCK_SOURCE_DIR="$SRC" -DBUILD_SHARED_LIBS=ON
check "add_subdirectory shared consumer runs" run_consumer "$W/consumer-subdir-shared/portsock_consumer"
check "FetchContent consumer (URL file://)" build_consumer "$W/consumer-fetch" \
    -DPORTSOCK_CONSUMER_MODE=fetchcontent -DPORTSOCK_FETCH_URL="file://$SOURCE_TARBALL"
check "FetchContent consumer runs" run_consumer "$W/consumer-fetch/portsock_consumer"
check "FetchContent consumer (SOURCE_DIR)" build_consumer "$W/consumer-fetch-dir" \
    -DPORTSOCK_CONSUMER_MODE=fetchcontent -DPORTSOCK_SOURCE_DIR="$SRC"
check "FetchContent (SOURCE_DIR) consumer runs" run_consumer "$W/consumer-fetch-dir/portsock_consumer"

# --- versions: SameMajorVersion ------------------------------------------------------------------
version_rejected() {  # <version asked for>
    rm -rf "$W/version-$1"
    if timeout 300 cmake -S "$CONSUMER" -B "$W/version-$1" -DCMAKE_PREFIX_PATH="$SHARED_PREFIX" \
        -DPORTSOCK_CONSUMER_VERSION="$1"; then
        fail "find_package(portsock $1) succeeded against $VERSION"
    fi
}
check "find_package(portsock 1.0) fails against $VERSION" version_rejected 1.0
check "find_package(portsock 0.2) fails against $VERSION" version_rejected 0.2
version_accepted() {
    rm -rf "$W/version-ok-$1"
    timeout 300 cmake -S "$CONSUMER" -B "$W/version-ok-$1" -DCMAKE_PREFIX_PATH="$SHARED_PREFIX" \
        -DPORTSOCK_CONSUMER_VERSION="$1"
}
check "find_package(portsock 0.1.0) succeeds" version_accepted 0.1.0

# --- pkg-config ------------------------------------------------------------------------------------
pkgconfig_consumer() {  # <prefix> <output> [pkg-config options]
    local prefix="$1" out="$2"; shift 2
    export PKG_CONFIG_PATH="$(libdir_in "$prefix")/pkgconfig"
    [[ "$(pkg-config --modversion portsock)" == "$VERSION" ]] || fail "pkg-config --modversion"
    echo "cflags: $(pkg-config --cflags portsock "$@")  libs: $(pkg-config --libs portsock "$@")"
    # shellcheck disable=SC2046
    timeout 300 g++ -o "$out" "$CONSUMER/main.cpp" $(pkg-config --cflags --libs portsock "$@")
}
check "shared: g++ \$(pkg-config --cflags --libs portsock)" \
    pkgconfig_consumer "$SHARED_PREFIX" "$W/pc-shared"
check "shared: pkg-config consumer runs (LD_LIBRARY_PATH=prefix/lib: plain -L has no RPATH)" \
    env LD_LIBRARY_PATH="$(libdir_in "$SHARED_PREFIX")" bash -c "timeout 30 '$W/pc-shared' | grep -qx 'portsock consumer $VERSION: ok'"
check "static: g++ \$(pkg-config --cflags --libs portsock)" \
    pkgconfig_consumer "$STATIC_PREFIX" "$W/pc-static"
check "static: pkg-config consumer runs" run_consumer "$W/pc-static"
check "static: g++ \$(pkg-config --static --cflags --libs portsock)" \
    pkgconfig_consumer "$STATIC_PREFIX" "$W/pc-static-s" --static

# --- the packages, unpacked as users' package managers would ----------------------------------------
# --- the TLS component: find_package(portsock COMPONENTS tls) and an HTTPS request -----
TLS_CERTS="$W/tls-certs"
tls_consumer() {  # <prefix> <build dir>
    rm -rf "$2"
    timeout 300 cmake -S "$HERE/tls_consumer" -B "$2" -DCMAKE_PREFIX_PATH="$1" -DCMAKE_BUILD_TYPE=Release
    timeout 600 cmake --build "$2"
}
run_tls_consumer() {  # <program>: one HTTPS GET to a local Python server
    [[ -f "$TLS_CERTS/ca.pem" ]] || sh "$SRC/tests/tls/make_certs.sh" "$TLS_CERTS"
    local fifo="$W/https-port" server_pid port status=0
    rm -f "$fifo"; mkfifo "$fifo"
    timeout 60 python3 "$HERE/https_once.py" "$TLS_CERTS/chain.pem" "$TLS_CERTS/leaf.key" >"$fifo" &
    server_pid=$!
    read -r -t 30 port <"$fifo" || { kill "$server_pid"; fail "the HTTPS server did not start"; }
    timeout 30 "$1" "$port" "$TLS_CERTS/ca.pem" | tee /dev/stderr | grep -qx "portsock tls consumer: HTTP/1.0 200 OK" \
        || status=$?
    wait "$server_pid" || status=$?
    return "$status"
}
plain_consumer_without_openssl() {  # find_package(portsock) alone must not look for OpenSSL
    rm -rf "$W/consumer-no-openssl"
    timeout 300 cmake -S "$CONSUMER" -B "$W/consumer-no-openssl" -DCMAKE_PREFIX_PATH="$SHARED_PREFIX" \
        -DCMAKE_DISABLE_FIND_PACKAGE_OpenSSL=ON
}
tls_files_installed() {  # <prefix>
    local lib
    lib="$(libdir_in "$1")"
    test -f "$lib/cmake/portsock/portsockTlsTargets.cmake"
    test -f "$lib/pkgconfig/portsock-tls.pc"
    test -f "$1/include/portsock/tls.hpp"
    test -f "$1/include/portsock/tls_export.hpp"
    grep -q 'find_dependency(OpenSSL 3.0)' "$lib/cmake/portsock/portsockConfig.cmake"
}
for kind in shared static; do
    check "$kind: TLS component files installed (targets, portsock-tls.pc, headers)" tls_files_installed "$W/prefix-$kind"
    check "$kind: consumer with find_package(portsock COMPONENTS tls)" tls_consumer "$W/prefix-$kind" "$W/tls-consumer-$kind"
    check "$kind: that consumer makes an HTTPS request to a local server" \
        run_tls_consumer "$W/tls-consumer-$kind/portsock_tls_consumer"
done
check "shared: find_package(portsock) without tls never needs OpenSSL" plain_consumer_without_openssl
tls_pkgconfig() {
    export PKG_CONFIG_PATH="$(libdir_in "$SHARED_PREFIX")/pkgconfig"
    timeout 300 g++ -o "$W/pc-tls" "$HERE/tls_consumer/main.cpp" $(pkg-config --cflags --libs portsock-tls)
    LD_LIBRARY_PATH="$(libdir_in "$SHARED_PREFIX")" run_tls_consumer "$W/pc-tls"
}
check "shared: g++ \$(pkg-config --cflags --libs portsock-tls), HTTPS request" tls_pkgconfig

DEBROOT="$W/deb-root"
unpack_debs() {
    rm -rf "$DEBROOT"; mkdir -p "$DEBROOT"
    for deb in "$PACKAGES"/*.deb; do
        echo "== $(basename "$deb")"
        dpkg-deb -f "$deb" Package Version Architecture Section Maintainer Depends Description
        timeout 120 dpkg-deb -x "$deb" "$DEBROOT"
    done
}
deb_metadata() {
    local dev="$PACKAGES/libportsock-dev_$VERSION-1_$DEB_ARCH.deb"
    local lib="$PACKAGES/libportsock${MAJOR}_$VERSION-1_$DEB_ARCH.deb"
    [[ "$(dpkg-deb -f "$dev" Section)" == libdevel ]] || fail "libportsock-dev section"
    [[ "$(dpkg-deb -f "$dev" Version)" == "$VERSION-1" ]] || fail "libportsock-dev version"
    dpkg-deb -f "$dev" Depends | grep -F "libportsock${MAJOR} (= $VERSION-1)"
    dpkg-deb -f "$lib" Depends | grep -F "libc6"          # from dpkg-shlibdeps
    dpkg-deb -f "$lib" Depends | grep -F "libstdc++6"
    [[ -n "$(dpkg-deb -f "$dev" Maintainer)" ]] || fail "no maintainer"
    [[ -n "$(dpkg-deb -f "$dev" Description)" ]] || fail "no description"
    dpkg-deb -c "$lib" | grep -F "./usr/$SHARED_LIBDIR/libportsock.so.$VERSION"
    ! dpkg-deb -c "$lib" | grep -F -e '.hpp' -e 'cmake' || fail "headers or CMake files in the runtime package"
    dpkg-deb -c "$dev" | grep -F "./usr/$SHARED_LIBDIR/cmake/portsock/portsockConfig.cmake"
    dpkg-deb --ctrl-tarfile "$lib" | tar -xO ./shlibs | grep -F "libportsock $MAJOR libportsock$MAJOR"
    local tls="$PACKAGES/libportsock-tls${MAJOR}_$VERSION-1_$DEB_ARCH.deb"
    dpkg-deb -c "$tls" | grep -F "./usr/$SHARED_LIBDIR/libportsock_tls.so.$VERSION"
    dpkg-deb -f "$tls" Depends | grep -E "libssl3"    # OpenSSL's runtime, from dpkg-shlibdeps
    dpkg-deb -f "$tls" Depends | grep -F "libportsock${MAJOR}"
    ! dpkg-deb -c "$lib" | grep -F 'libportsock_tls' || fail "the TLS library in the core package"
    # The TLS development files are a package of their own, which brings OpenSSL's.
    local tls_dev="$PACKAGES/libportsock-tls-dev_$VERSION-1_$DEB_ARCH.deb"
    ! dpkg-deb -f "$dev" Depends | grep -F "libportsock-tls" || fail "libportsock-dev depends on the TLS library"
    # portsock/async/tls.hpp includes portsock/tls.hpp: it ships with the TLS headers.
    ! dpkg-deb -c "$dev" | grep -F -e './usr/include/portsock/tls.hpp' -e './usr/include/portsock/async/tls.hpp' \
        -e 'portsock-tls.pc' -e 'TlsTargets' || fail "TLS files in libportsock-dev"
    dpkg-deb -f "$tls_dev" Depends | grep -F "libssl-dev"
    dpkg-deb -f "$tls_dev" Depends | grep -F "libportsock-tls${MAJOR} (= $VERSION-1)"
    dpkg-deb -f "$tls_dev" Depends | grep -F "libportsock-dev (= $VERSION-1)"
    dpkg-deb -c "$tls_dev" | grep -F "./usr/include/portsock/tls.hpp"
    dpkg-deb -c "$tls_dev" | grep -F "./usr/include/portsock/async/tls.hpp"
    dpkg-deb -c "$tls_dev" | grep -F "./usr/$SHARED_LIBDIR/pkgconfig/portsock-tls.pc"
    dpkg-deb -c "$tls_dev" | grep -F "./usr/$SHARED_LIBDIR/cmake/portsock/portsockTlsTargets.cmake"
    # The async library is a package of its own; its headers are in libportsock-dev.
    local async="$PACKAGES/libportsock-async${MAJOR}_$VERSION-1_$DEB_ARCH.deb"
    dpkg-deb -c "$async" | grep -F "./usr/$SHARED_LIBDIR/libportsock_async.so.$VERSION"
    dpkg-deb -f "$async" Depends | grep -F "libportsock${MAJOR}"
    dpkg-deb -f "$dev" Depends | grep -F "libportsock-async${MAJOR} (= $VERSION-1)"
    dpkg-deb -c "$dev" | grep -F "./usr/include/portsock/async/task.hpp"
    dpkg-deb -c "$dev" | grep -F "./usr/$SHARED_LIBDIR/pkgconfig/portsock-async.pc"
}
check "unpack the .debs (dpkg-deb -x)" unpack_debs
check "DEB metadata: names, section libdevel, version, Depends, shlibs" deb_metadata
content_checks "$DEBROOT/usr" "DEB" shared
check "DEB: build the samples against the unpacked .debs" build_samples "$DEBROOT/usr" "$W/samples-deb"
check "DEB: welcome server and client run" run_welcome_pair "$W/samples-deb"
check "DEB: pkg-config consumer builds against the unpacked .deb" \
    pkgconfig_consumer "$DEBROOT/usr" "$W/pc-deb"

# --- the guides' programs, complete, from the installed docs (share/doc/portsock/snippets) -------
# What a page shows is part of one of these files: each builds against the package as it
# stands, and runs (the TLS one with the test certificates).
build_snippets() {  # <prefix> <build dir>
    local prefix="$1" build="$2"
    rm -rf "$build"
    timeout 300 cmake -S "$prefix/share/doc/portsock/snippets" -B "$build" \
        -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release
    timeout 900 cmake --build "$build"
    for program in mainpage_example errors_guide tutorial_first_steps scaling_guide local_sockets_guide \
                   options_guide protocol_client tls_guide; do
        test -x "$build/$program" || fail "$program was not built"
    done
}
run_snippets() {  # <build dir> [LD_LIBRARY_PATH]
    local build="$1"
    [[ -f "$TLS_CERTS/ca.pem" ]] || sh "$SRC/tests/tls/make_certs.sh" "$TLS_CERTS"
    for program in mainpage_example errors_guide tutorial_first_steps options_guide; do
        echo "== $program"
        LD_LIBRARY_PATH="${2:-}" timeout 60 "$build/$program" || fail "$program failed"
    done
    echo "== tls_guide"
    LD_LIBRARY_PATH="${2:-}" PORTSOCK_TLS_CERTS="$TLS_CERTS" timeout 60 "$build/tls_guide" || fail "tls_guide failed"
}
check "shared: the guides' programs build from share/doc/portsock/snippets" \
    build_snippets "$SHARED_PREFIX" "$W/snippets-shared"
check "shared: and run" run_snippets "$W/snippets-shared"
check "DEB: the guides' programs build from the unpacked .debs" build_snippets "$DEBROOT/usr" "$W/snippets-deb"
check "DEB: and run" run_snippets "$W/snippets-deb" "$(libdir_in "$DEBROOT/usr")"

TGZROOT="$W/tgz-root"
unpack_tgz() {
    rm -rf "$TGZROOT"; mkdir -p "$TGZROOT"
    timeout 120 tar -xzf "$PACKAGES/$TGZ_NAME.tar.gz" -C "$TGZROOT"
    [[ "$(ls "$TGZROOT")" == "$TGZ_NAME" ]] || fail "the archive does not unpack into $TGZ_NAME/"
}
check "unpack the TGZ" unpack_tgz
content_checks "$TGZROOT/$TGZ_NAME" "TGZ" shared
check "TGZ: build the samples against the unpacked archive" build_samples "$TGZROOT/$TGZ_NAME" "$W/samples-tgz"
check "TGZ: welcome server and client run" run_welcome_pair "$W/samples-tgz"

if command -v rpm >/dev/null && compgen -G "$PACKAGES/*.rpm" >/dev/null; then
    rpm_contents() {
        local lib="$PACKAGES/portsock-$VERSION-1.$ARCH.rpm" dev="$PACKAGES/portsock-devel-$VERSION-1.$ARCH.rpm"
        rpm -qpi "$lib"
        rpm -qpl "$lib" | grep -Fx "/usr/$SHARED_LIBDIR/libportsock.so.$VERSION"
        rpm -qpl "$dev" | grep -Fx "/usr/$SHARED_LIBDIR/cmake/portsock/portsockConfig.cmake"
        rpm -qpl "$dev" | grep -Fx "/usr/include/portsock/portsock.hpp"
        rpm -qpR "$dev" | grep -F "portsock = $VERSION"
        rpm -qpl "$PACKAGES/portsock-tls-$VERSION-1.$ARCH.rpm" | grep -Fx "/usr/$SHARED_LIBDIR/libportsock_tls.so.$VERSION"
        rpm -qpR "$PACKAGES/portsock-tls-devel-$VERSION-1.$ARCH.rpm" | grep -F "openssl-devel"
        rpm -qpR "$PACKAGES/portsock-tls-$VERSION-1.$ARCH.rpm" | grep -F "libssl.so.3"
        rpm -qpl "$PACKAGES/portsock-async-$VERSION-1.$ARCH.rpm" | grep -Fx "/usr/$SHARED_LIBDIR/libportsock_async.so.$VERSION"
        [[ "$(rpm -qp --qf '%{LICENSE}' "$lib")" == MIT ]] || fail "RPM license"
        ! rpm -qpl "$PACKAGES"/*.rpm | grep -i -E 'test|platform\.hpp|internal\.hpp' || fail "private files in the RPMs"
    }
    check "RPM: names, files, requires, license" rpm_contents
fi

finish
