#!/bin/sh
# Cross-builds OpenSSL 3 (static libssl + libcrypto) for 64-bit Windows with mingw-w64, from
# Debian's source package, so the TLS component can be built and tested under Wine.
# The result is cached outside the checkout, keyed by the upstream version; a second run
# only prints the prefix. Prints the install prefix as its last line.
#
#   cmake/wine/build-openssl-mingw.sh      # -> /var/cache/portsock/openssl-mingw-3.0.x
#
# Environment: PORTSOCK_CACHE_DIR (default /var/cache/portsock).
# Needs root for the deb-src entry (added once) and apt-get source.
set -eu

cache_dir=${PORTSOCK_CACHE_DIR:-/var/cache/portsock}
triplet=x86_64-w64-mingw32

# A deb-src entry for the same suites as the binary packages (main and security).
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    cat >/etc/apt/sources.list.d/portsock-deb-src.sources <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    apt-get update -qq >&2
fi

# The upstream version of the source package apt would fetch, e.g. 3.0.17.
version=$(apt-cache showsrc openssl 2>/dev/null | sed -n 's/^Version: \(.*\)$/\1/p' | sort -V | tail -n 1)
upstream=${version%%-*}
upstream=${upstream#*:}
[ -n "$upstream" ] || { echo "build-openssl-mingw.sh: no openssl source package found" >&2; exit 1; }
prefix="$cache_dir/openssl-mingw-$upstream"
if [ -f "$prefix/lib64/libssl.a" ] || [ -f "$prefix/lib/libssl.a" ]; then
    echo "$prefix"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"
# A security update's .debian.tar.xz can be missing while the .orig.tar.gz downloads: the
# original tarball is all this build needs, so a partial download is fine.
apt-get source --download-only "openssl=$version" >&2 || true
orig=$(ls openssl_"$upstream".orig.tar.* 2>/dev/null | head -n 1)
[ -n "$orig" ] || { echo "build-openssl-mingw.sh: openssl_$upstream.orig.tar.* did not download" >&2; exit 1; }
tar xf "$orig"
cd "openssl-$upstream"
./Configure mingw64 --cross-compile-prefix="$triplet-" --prefix="$prefix" --libdir=lib \
    no-shared no-tests >&2
make -j2 build_libs >&2
mkdir -p "$cache_dir"
make install_dev >&2
echo "$prefix"
