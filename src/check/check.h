/*
 * check — turn the facts of one ELF (elf/) into verdicts, and verdicts into
 * findings under a policy. Pure functions: no I/O beyond stat() of RPATH
 * directories (a world-writable directory is a fact of the host).
 *
 * Every verdict has a state and a reason; a verdict the policy requires that
 * is not met is a finding, and a finding carries the likely cause.
 * "n/a" and "unknown" are honest answers: we never guess.
 */
#ifndef HARDEN_CHECK_H
#define HARDEN_CHECK_H

#include "elf/elf.h"

enum prop {
	PROP_PIE, PROP_RELRO, PROP_BIND_NOW, PROP_CANARY, PROP_FORTIFY, PROP_NX,
	PROP_RWX, PROP_TEXTREL, PROP_RPATH, PROP_RUNPATH, PROP_IBT, PROP_SHSTK,
	PROP_STACK_CLASH, PROP_STRIPPED,
	PROP_COUNT
};

enum state { ST_YES, ST_NO, ST_FULL, ST_PARTIAL, ST_NONE, ST_NA, ST_UNKNOWN };

struct verdict {
	enum state state;
	bool ok;            /* the protection holds (or the property does not apply) */
	char reason[256];   /* why this state */
	char cause[256];    /* when !ok: the likely cause, for findings */
};

struct policy {
	char name[16];
	bool required[PROP_COUNT];
};

/* The result of checking one ELF: verdicts, and which of them are findings. */
struct check_result {
	struct verdict v[PROP_COUNT];
	bool finding[PROP_COUNT];
	int finding_count;
};

const char *prop_name(enum prop p);
int prop_from_name(const char *name);   /* -1 if unknown */
const char *state_name(enum state s);

/* Facts -> verdicts (independent of policy). */
void check_verdicts(const struct elf_facts *f, struct verdict v[PROP_COUNT]);
/* Verdicts + policy -> findings. */
void check_apply_policy(const struct policy *p, struct check_result *r);
/* Both at once. */
void check_elf(const struct elf_facts *f, const struct policy *p, struct check_result *r);

/* Profiles: "default", "strict", "compat". */
int policy_init(struct policy *p, const char *profile, struct herr *err);
/* Adjust by a comma-separated list of property names ("all" allowed). */
int policy_require(struct policy *p, const char *list, bool required, struct herr *err);
/* The policy's required names, comma-separated, into buf. */
void policy_describe(const struct policy *p, char *buf, size_t len);

/*
 * DWARF evidence: of the C/C++ units, how many lack a flag, and the first
 * few names. Returns the number of C units that can tell (0: no evidence):
 * units whose producer records no options (-gno-record-gcc-switches) tell
 * nothing about the flags, only the macro table's _FORTIFY_SOURCE.
 */
enum unit_flag { UNIT_SSP, UNIT_STACK_CLASH, UNIT_CF_PROTECTION, UNIT_OPTIMIZED,
		 UNIT_FORTIFY_EFFECTIVE, UNIT_FORTIFY_ASKED };
size_t check_units_without(const struct elf_facts *f, enum unit_flag flag, size_t *bad,
			   char *names, size_t len);

/* RPATH/RUNPATH entries that are insecure, comma-separated into out; false if none. */
bool rpath_insecure_entries(const char *value, char *out, size_t outlen);

#endif
