# harden — build, test, install.
#
# `make` builds ./harden; `make check` runs every test; `make demo` installs
# missing build dependencies (as root), builds, and scans this machine's /usr/bin.
# SAN=1 builds everything with ASan+UBSan into build-san/ (used by check-san).

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man/man1
DESTDIR ?=
CC      ?= cc
CFLAGS  ?= -g

PKGS      = libelf libdw jansson libarchive libseccomp libcrypto sqlite3 libdeflate
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libarchive, libcrypto, SQLite and libdw are dlopen()ed when first needed (src/dl/):
# their headers are used, but linking them would bind 13 more libraries at start.
LINK_PKGS  = libseccomp
PKG_LIBS   := $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null)

# harden eats its own cooking: the same protections `harden scan` demands.
WARN      = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
ifeq ($(SAN),1)
BUILD     = build-san
OPT       = -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
SANLD     = -fsanitize=address,undefined
else
BUILD     = build
OPT       = -O2 -D_FORTIFY_SOURCE=2
SANLD     =
endif
HARDEN_CFLAGS  = -fstack-protector-strong -fPIE -fstack-clash-protection -fcf-protection=full
HARDEN_LDFLAGS = -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack

ALL_CFLAGS  = -std=gnu11 -D_GNU_SOURCE $(OPT) $(HARDEN_CFLAGS) $(WARN) $(CFLAGS) -Isrc $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(HARDEN_LDFLAGS) $(SANLD) $(LDFLAGS)
LIBS        = $(PKG_LIBS) -lpthread

LIB_SRC  = $(filter-out src/main.c,$(wildcard src/*/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ = $(BUILD)/src/main.o
LIBA     = $(BUILD)/libharden.a
PROG     = $(if $(filter 1,$(SAN)),$(BUILD)/harden,harden)
# the compiler wrapper alone, for compiler-named symlinks: starts fast
CC_PROG  = $(if $(filter 1,$(SAN)),$(BUILD)/harden-cc,harden-cc)
# the sandbox alone: starts as fast as bubblewrap
SB_PROG  = $(if $(filter 1,$(SAN)),$(BUILD)/harden-sandbox,harden-sandbox)

TEST_SRC  = $(wildcard tests/*/test_*.c)
TEST_BINS = $(TEST_SRC:%.c=$(BUILD)/%)
FUZZ_SRC  = $(wildcard fuzz/fuzz_*.c)

.PHONY: all check check-san demo bench fuzz install uninstall clean deps tests

all: $(PROG) $(CC_PROG) $(SB_PROG)

$(PROG): $(MAIN_OBJ) $(LIBA)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(LIBS)

$(CC_PROG): $(BUILD)/src/harden-cc.o $(LIBA)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) -Wl,--as-needed $(LIBS)

$(SB_PROG): $(BUILD)/src/harden-sandbox.o $(LIBA)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) -Wl,--as-needed $(LIBS)

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(LIBA) $(ALL_LDFLAGS) $(LIBS) -lcmocka

# test_pkg writes archives, test_store checks a database, with the libraries
# themselves; harden reaches them through src/dl/ only
$(BUILD)/tests/pkg/test_pkg: LIBS += $(shell pkg-config --libs libarchive 2>/dev/null)
$(BUILD)/tests/store/test_store: LIBS += $(shell pkg-config --libs sqlite3 2>/dev/null)

tests: $(PROG) $(CC_PROG) $(SB_PROG) $(TEST_BINS)

# The whole suite: unit tests (cmocka, TAP), CLI tests (shell, TAP), and the
# self-scan: harden must pass its own default policy.
check: tests
	HARDEN=$(abspath $(PROG)) HARDEN_SAN=$(SAN) TEST_BIN_DIR=$(abspath $(BUILD)/tests) sh tests/run.sh

# The same suite under ASan+UBSan.
check-san:
	$(MAKE) SAN=1 check

demo:
	sh scripts/deps.sh --build-only
	$(MAKE) all
	./harden scan /usr/bin || test $$? -eq 1

bench: $(PROG)
	sh bench/run.sh

fuzz:
	sh fuzz/run.sh $(FUZZ_SECONDS)

deps:
	sh scripts/deps.sh

install: $(PROG)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 755 $(PROG) $(DESTDIR)$(BINDIR)/harden
	install -m 755 $(CC_PROG) $(DESTDIR)$(BINDIR)/harden-cc
	install -m 755 $(SB_PROG) $(DESTDIR)$(BINDIR)/harden-sandbox
	for m in docs/*.1; do [ -f "$$m" ] && install -m 644 "$$m" $(DESTDIR)$(MANDIR)/; done; true

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/harden $(DESTDIR)$(BINDIR)/harden-cc $(DESTDIR)$(BINDIR)/harden-sandbox
	for m in docs/*.1; do rm -f $(DESTDIR)$(MANDIR)/$$(basename $$m); done

clean:
	rm -rf build build-san build-fuzz harden harden-cc harden-sandbox

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
