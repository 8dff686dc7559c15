# Real Debian packages, fetched with apt-get download (skipped offline):
# identity, members, setuid and links as Debian ships them.
. "$TOP/tests/lib.sh"

mkdir -p "$WORK/debs"
if ! (cd "$WORK/debs" && timeout 120 apt-get download coreutils bash openssh-client libssl3 >/dev/null 2>&1) ||
   [ "$(ls "$WORK/debs" | wc -l)" -lt 4 ]; then
	skip "apt-get download failed (offline?): real packages not scanned"
	done_testing
	exit
fi
"$HARDEN" scan -f json "$WORK/debs" >"$WORK/out" 2>"$WORK/err"
rc=$?
check "real packages scan without error (exit 0 or 1, got $rc)" [ "$rc" -le 1 ]
check "no error on stderr" [ ! -s "$WORK/err" ]
contains "coreutils identity from control" "$WORK/out" '"package":"coreutils","version":"[0-9][^"]*","member":"(usr/)?bin/ls"'
contains "bash binary scanned" "$WORK/out" '"package":"bash",.*"member":"(usr/)?bin/bash","class":64'
contains "libssl3 libraries scanned" "$WORK/out" '"package":"libssl3",.*"member":"usr/lib/x86_64-linux-gnu/libssl.so.3","class"'
contains "openssh epoch version" "$WORK/out" '"package":"openssh-client","version":"1:'
contains "ssh-keysign shipped setuid is flagged" "$WORK/out" '"member":"usr/lib/openssh/ssh-keysign".*"setuid":true'
contains "Debian symlinks reported as links" "$WORK/out" '"package":"openssh-client".*"link_type":"symlink"'
"$HARDEN" scan "$WORK/debs" >"$WORK/text" 2>&1
contains "repository summary over the four packages" "$WORK/text" '^repository: 4 packages, [0-9]+ ELF files'
done_testing
