#!/bin/sh
# Install harden's build and test dependencies on Debian/Ubuntu.
# As root it runs apt-get; otherwise it prints the command to run.
# Usage: scripts/deps.sh [--build-only]
set -e
PKGS="gcc make pkg-config binutils libelf-dev libdw-dev libjansson-dev libarchive-dev \
libseccomp-dev libssl-dev libsqlite3-dev libdeflate-dev libcmocka-dev elfutils jq sqlite3 \
gcc-multilib binutils-s390x-linux-gnu \
gpgv gpg xz-utils bzip2 strace zstd dwz"
# harden dlopen()s these by SONAME when first needed (src/dl/): no DT_NEEDED
# names them, so they are listed here, not left to the -dev packages' deps
PKGS="$PKGS libelf1 libjansson4 libarchive13 libssl3 libsqlite3-0 libdw1 libdeflate0"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all build dependencies present"
elif [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
else
	echo "deps: missing$missing" >&2
	echo "deps: run as root: apt-get install -y$missing" >&2
	exit 2
fi

# Optional test tool: Microsoft's SARIF validator (the SARIF tests skip without it).
# `make demo` passes --build-only and skips it.
[ "${1:-}" = --build-only ] && exit 0

# Test tools: headless Chromium renders the HTML report, rpmbuild makes a
# real .rpm, go and rustc build real Go and Rust binaries (tests/scan/lang.sh),
# the kernel headers real kernel modules (tests/scan/kmod.sh);
# their tests skip with a message where these are missing.
if [ "$(id -u)" = 0 ]; then
	for p in chromium rpm golang-go rustc "linux-headers-$(dpkg --print-architecture)"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null 2>&1 ||
			echo "deps: could not install $p; its tests will be skipped"
	done
fi

# Test sources: the wrapper and sandbox tests build real Debian source
# packages (apt-get source), which needs deb-src entries.
if [ "$(id -u)" = 0 ] && [ -f /etc/apt/sources.list.d/debian.sources ] &&
   ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
	echo "deps: enabling deb-src entries for the source-package tests"
	sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
		> /etc/apt/sources.list.d/harden-deb-src.sources
	apt-get update -qq || true
fi
top=$(cd "$(dirname "$0")/.." && pwd)
mt="$top/build/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$mt" ] && command -v npm >/dev/null 2>&1; then
	echo "deps: installing the SARIF multitool (npm) for the SARIF tests"
	mkdir -p "$top/build/tools"
	(cd "$top/build/tools" && npm install --no-audit --no-fund --silent @microsoft/sarif-multitool-linux@5.7.0 >/dev/null 2>&1 \
		&& chmod +x "$mt") || echo "deps: SARIF multitool not installed; its test will be skipped"
fi
exit 0
