# Go and Rust binaries: canary and FORTIFY do not apply to their code.
# The markers are first written into C programs with the real gcc (the
# same bytes Go's linker and rustc write), then checked on real Go and Rust
# builds when those compilers are installed (scripts/deps.sh installs them).
. "$TOP/tests/lib.sh"
cd "$WORK" || exit 1
export HARDEN_CACHE_DIR="$WORK/cache"


cat > prog.c <<'C'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) { char b[64]; strcpy(b, argv[0]); puts(b); return argc; }
C
# Go's linker: an SHT_NOTE ".note.go.buildid", name "Go" (padded to 4), type 4
cat > gonote.c <<'C'
struct go_note { unsigned namesz, descsz, type; char name[4]; char desc[8]; };
__attribute__((used, section(".note.go.buildid"), aligned(4)))
static const struct go_note note = { 4, 8, 4, "Go", "abcdefg" };
C
# rustc since about 1.70: "rustc version ..." in .comment
cat > rustc.c <<'C'
__asm__(".section .comment\n.asciz \"rustc version 1.80.0 (051478957 2024-07-21)\"\n.previous");
C

gcc -O0 -fno-stack-protector prog.c -o plain
gcc -O0 -fno-stack-protector prog.c gonote.c -o go_marked
gcc -O0 -fno-stack-protector -no-pie prog.c gonote.c -o go_nopie
gcc -O0 -fno-stack-protector prog.c rustc.c -o rust_marked
gcc -O0 -fstack-protector-all prog.c rustc.c -o rust_with_c_canary

is "C program: no canary" "$(field plain .canary.state)" no
is "C program: no FORTIFY" "$(field plain .fortify.state)" no
is "C program: no language" "$(field plain .language)" null
is "Go note: language go" "$(field go_marked .language)" go
is "Go note: canary n/a" "$(field go_marked .canary.state)" n/a
is "Go note: FORTIFY n/a" "$(field go_marked .fortify.state)" n/a
is "Go note: the FORTIFY reason names the runtime's calls" \
	"$(field go_marked .fortify.reason | grep -c 'runtime calls strcpy')" 1
is "Go note: no canary or FORTIFY finding" \
	"$(field go_marked '[.findings[].property | select(. == "canary" or . == "fortify")] | length')" 0
expect_exit 1 "Go note, fixed address: a PIE finding" "$HARDEN" scan go_nopie
contains "the PIE cause names -buildmode=pie" "$WORK/out" "buildmode=pie"
is "rustc in .comment: language rust" "$(field rust_marked .language)" rust
is "rustc in .comment: canary n/a" "$(field rust_marked .canary.state)" n/a
is "rustc in .comment, C part with a canary: canary yes" "$(field rust_with_c_canary .canary.state)" yes

if command -v go >/dev/null 2>&1; then
	export GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" GOFLAGS=-mod=mod GO111MODULE=off
	printf 'package main\nimport ("fmt"; "os")\nfunc main() { fmt.Println(len(os.Args)) }\n' > hello.go
	if CGO_ENABLED=0 go build -o go_static hello.go 2>go.err && go build -buildmode=pie -o go_pie hello.go 2>>go.err; then
		is "go build: language go" "$(field go_static .language)" go
		is "go build: canary n/a" "$(field go_static .canary.state)" n/a
		is "go build: static, fixed address" "$(field go_static .pie.state)" no
		is "go build: cause names -buildmode=pie" "$(field go_static '.findings[] | select(.property=="pie") | .cause' | grep -c buildmode=pie)" 1
		is "go build -buildmode=pie: PIE" "$(field go_pie .pie.state)" yes
		is "go build -buildmode=pie: canary n/a" "$(field go_pie .canary.state)" n/a
	else
		notok "go build failed: $(head -3 go.err)"
	fi
else
	skip "go not installed (apt-get install golang-go): real Go builds not checked"
fi

if command -v rustc >/dev/null 2>&1; then
	printf 'fn main() { let v: Vec<String> = std::env::args().collect(); println!("{}", v.len()); }\n' > hello.rs
	if rustc -O -g hello.rs -o rust_dbg 2>rust.err; then
		is "rustc -g: language rust (DWARF)" "$(field rust_dbg .language)" rust
		is "rustc -g: canary n/a" "$(field rust_dbg .canary.state)" n/a
		is "rustc -g: FORTIFY n/a" "$(field rust_dbg .fortify.state)" n/a
		strip -R .comment rust_dbg -o rust_bare
		is "rustc, stripped of DWARF and .comment: no longer told" "$(field rust_bare .language)" null
	else
		notok "rustc failed: $(head -3 rust.err)"
	fi
else
	skip "rustc not installed (apt-get install rustc): real Rust builds not checked"
fi

done_testing
