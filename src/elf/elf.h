/*
 * elf — read the facts of one ELF file: what the headers, dynamic section,
 * symbols, notes and DWARF say. No policy and no opinions here: check/ turns
 * facts into verdicts.
 *
 * An ELF is mapped once (or handed in as a memory buffer, e.g. an archive
 * member) and every reader works on that one mapping through libelf's gelf_*
 * interface, which removes the 32/64-bit and endianness duplication. Every
 * offset taken from the file is checked against the mapping's size before
 * use: libelf checks much, but not everything we touch.
 */
#ifndef HARDEN_ELF_H
#define HARDEN_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

enum elf_kind {
	KIND_EXEC,       /* ET_EXEC with an interpreter */
	KIND_PIE,        /* ET_DYN executable */
	KIND_SHARED,     /* ET_DYN shared library */
	KIND_STATIC,     /* ET_EXEC, no interpreter, no dynamic section */
	KIND_STATIC_PIE, /* ET_DYN, DF_1_PIE, no interpreter, no DT_NEEDED */
	KIND_REL,        /* ET_REL object file */
	KIND_KMOD,       /* ET_REL with .modinfo: a Linux kernel module (.ko) */
	KIND_DEBUG,      /* separate debug info: every loaded section is NOBITS */
	KIND_OTHER,      /* core files and the like */
};
const char *elf_kind_name(enum elf_kind k);

/* Tri-state for facts that may not be knowable (e.g. stripped files). */
enum tri { TRI_NO = 0, TRI_YES = 1, TRI_UNKNOWN = 2 };

/* What one compilation unit's DW_AT_producer says about its flags. */
struct cu_flags {
	char *name;          /* DW_AT_name of the unit */
	char *producer;      /* the raw DW_AT_producer */
	bool is_c;           /* a C/C++ compiler unit, not assembler */
	char opt[8];         /* last -O level: "0", "1", "2", "3", "s", "g", "fast", "z" or "" */
	char ssp[16];        /* "none", "", "all", "strong", "explicit", "default" (-fstack-protector) */
	int fortify;         /* -D_FORTIFY_SOURCE level from the producer, -1 if not recorded */
	int stack_clash;     /* 1 on, 0 off, -1 not stated */
	char cf[12];         /* -fcf-protection= value, "" if not stated */
};

enum elf_lang { LANG_NATIVE, LANG_GO, LANG_RUST };
const char *elf_lang_name(enum elf_lang l);  /* "go", "rust"; NULL for LANG_NATIVE */

/*
 * A new field here must also go into the package cache's entry (pkg/cache.c,
 * put_facts() and get_facts(), and a new PKG_CACHE_FORMAT): a re-scan served
 * from the cache would otherwise lose it. tests/pkg/cache.sh compares cached
 * and fresh reports, which catches a field that changes a verdict.
 */
struct elf_facts {
	/* identity */
	int elf_class;          /* 32 or 64 */
	bool big_endian;
	unsigned machine;       /* e_machine */
	unsigned e_type;
	enum elf_kind kind;

	/* program headers */
	bool has_interp;
	bool has_dynamic;
	bool has_relro;         /* PT_GNU_RELRO */
	bool has_gnu_stack;     /* PT_GNU_STACK, or .note.GNU-stack for ET_REL */
	bool exec_stack;        /* PT_GNU_STACK with PF_X (or SHF_EXECINSTR note) */
	bool rwx_segment;       /* a PT_LOAD both writable and executable */

	/* dynamic section */
	bool has_soname;
	bool dt_bind_now, df_bind_now, df_1_now, df_1_pie;
	bool textrel;           /* DT_TEXTREL or DF_TEXTREL */
	size_t needed_count;
	char *rpath, *runpath;  /* NULL when absent */

	/* symbols */
	bool has_symtab;        /* .symtab present: not stripped */
	bool has_dynsym;
	bool canary_ref;        /* __stack_chk_fail/__stack_chk_guard imported (or referenced in .o) */
	bool canary_defined;    /* ... or defined (static binaries: libc links it itself) */
	struct strvec fortified;   /* fortifiable bases called through __X_chk */
	struct strvec unfortified; /* fortifiable bases called directly */
	bool fortify_static_only;  /* counts came from a static binary's defined symbols */
	bool kernel_fortify_ref;   /* fortify_panic or __fortify_report referenced: the kernel's FORTIFY_SOURCE */
	bool has_modinfo;          /* an object with .modinfo: a kernel module */
	bool debug_only;           /* sections, and every SHF_ALLOC one NOBITS or a note */

	/*
	 * The language, when the file says so: Go by its build-id note, Rust
	 * by "rustc version" in .comment or a DWARF producer. Neither compiler
	 * emits stack canaries or calls fortified functions, so those checks
	 * do not apply to their code.
	 */
	enum elf_lang lang;

	/* notes */
	bool has_property_note;
	bool ibt, shstk;        /* x86 IBT/SHSTK (aarch64: BTI/PAC) from .note.gnu.property */
	char build_id[41 * 2];  /* hex, "" if none */

	/* DWARF */
	bool has_debug;         /* DWARF found, in the file or separate */
	char *debug_file;       /* where the DWARF came from, when separate */
	struct cu_flags *cus;
	size_t cu_count;
};

/*
 * Which separate debug files exist under a debug root (debug_index.c): one
 * per scan, shared by its workers, listed when lookups become many.
 */
struct debug_index;
struct debug_index *debug_index_new(const char *root);
void debug_index_free(struct debug_index *ix);

/* Parse options that change how much is read. */
struct elf_read_opts {
	bool dwarf;             /* read DW_AT_producer of every unit */
	const char *debug_root; /* default /usr/lib/debug */
	struct debug_index *debug_index; /* of debug_root; NULL: open each candidate */
	struct dwarf_cache *cache; /* keep DWARF results here (see dwarf_cache.h); NULL: no cache */
	/*
	 * Symbol tables bigger than this (entries and names, in bytes) are read
	 * by their imports only (elf/imports.c); 0: 64 KiB. Tests and fuzzing
	 * set it low to drive that path with small files.
	 */
	size_t imports_from;
};

/*
 * The DWARF cache's directory: $HARDEN_CACHE_DIR, else $XDG_CACHE_HOME/harden,
 * else $HOME/.cache/harden; NULL when none of them is set.
 */
char *dwarf_cache_default_dir(void);

/*
 * The DWARF cache in dir (NULL: none, and NULL is returned), for one scan
 * and all its workers. Nothing is read or created until a file with DWARF
 * is met; close() writes what the scan found and frees it.
 */
struct dwarf_cache;
struct dwarf_cache *dwarf_cache_open(const char *dir);
void dwarf_cache_close(struct dwarf_cache *c);

/* Is there a separate debug file (under o->debug_root) for this build-id (hex)? */
bool elf_separate_debug_exists(const struct elf_read_opts *o, const char *build_id);

/* True when the bytes start with the ELF magic. */
bool elf_is_elf(const void *data, size_t size);

/*
 * Read the facts of an ELF image held in memory. `name` is used in errors
 * only. Returns 0, or -1 with err naming what is wrong and where.
 */
int elf_facts_read(const char *name, const void *data, size_t size,
		   const struct elf_read_opts *opts, struct elf_facts *f, struct herr *err);
/*
 * The same for an open file of `size` bytes: libelf reads the headers and
 * then only the sections asked for, with pread. Files are scanned this way
 * rather than mapped: a worker thread unmapping a file makes the kernel
 * interrupt every other worker to flush its TLB, so mapping does not scale.
 * head: the file's first head_len bytes when the caller has read them
 * already (to tell ELF from the rest), or NULL: one read less per file.
 */
int elf_facts_read_fd(const char *name, int fd, size_t size, const void *head, size_t head_len,
		      const struct elf_read_opts *opts, struct elf_facts *f, struct herr *err);
void elf_facts_free(struct elf_facts *f);

const char *elf_machine_name(unsigned machine);

/* The base name of a fortifiable libc function given its __X_chk name, or NULL. */
const char *fortify_base_of_chk(const char *sym, char *out, size_t outlen);
/* The fortifiable libc functions, and the __X_chk names that guard them. */
const char *const *fortify_names(size_t *n);
const char *const *fortify_chk_names(size_t *n);
/* True when `name` is a libc function that has a fortified __X_chk twin. */
bool fortify_is_fortifiable(const char *name);

/* Parse one DW_AT_producer string into flags (exposed for tests). */
void cu_flags_parse(const char *producer, struct cu_flags *cf);

#endif
