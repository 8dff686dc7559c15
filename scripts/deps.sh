#!/bin/sh
# Install harden's build and test dependencies on Debian/Ubuntu.
# As root it runs apt-get; otherwise it prints the command to run.
set -e
PKGS="gcc make pkg-config binutils libelf-dev libdw-dev libjansson-dev libarchive-dev \
libseccomp-dev libssl-dev libsqlite3-dev libcmocka-dev elfutils gpgv gpg xz-utils bzip2"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && { echo "deps: all build dependencies present"; exit 0; }
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
else
	echo "deps: missing$missing" >&2
	echo "deps: run as root: apt-get install -y$missing" >&2
	exit 2
fi
