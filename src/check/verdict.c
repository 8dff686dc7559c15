/*
 * verdict.c — one function per property: facts in, state + reason out, and
 * for a protection that is missing, the likely cause.
 *
 * The kind of file decides what a property means: a shared library is not
 * "not PIE" (it is position-independent by definition); a relocatable
 * object has no segments yet; a static binary has no imports, so symbol
 * evidence for the stack protector is ambiguous there (libc links
 * __stack_chk_fail itself). Where the binary cannot tell, DWARF producer
 * flags can; where neither can, the answer is "unknown".
 */
#include "check/check.h"

#include <elf.h>
#include <stdarg.h>
#include <string.h>

static void say(struct verdict *v, enum state s, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void say(struct verdict *v, enum state s, bool ok, const char *fmt, ...)
{
	va_list ap;
	v->state = s;
	v->ok = ok;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
	v->cause[0] = '\0';
}

static void because(struct verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void because(struct verdict *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->cause, sizeof(v->cause), fmt, ap);
	va_end(ap);
}

static bool is_static(const struct elf_facts *f)
{
	return f->kind == KIND_STATIC || f->kind == KIND_STATIC_PIE;
}

/* How the language was told, for reasons. */
static const char *lang_evidence(const struct elf_facts *f)
{
	return f->lang == LANG_GO ? "Go binary (Go build-id note)" : "Rust binary (rustc named in DWARF or .comment)";
}

/* The cause of a Go binary's fixed address. */
#define GO_PIE_HINT "Go builds fixed-address executables unless told -buildmode=pie"

/* Join up to a few names into out: "a b c (+N more)". */
static void join_names(char **names, size_t n, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		if (i == 6) {
			snprintf(out + used, len - used, " (+%zu more)", n - i);
			return;
		}
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? " " : "", names[i]);
	}
}

static bool unit_has(const struct cu_flags *cu, enum unit_flag flag)
{
	bool optimized = cu->opt[0] && strcmp(cu->opt, "0");
	switch (flag) {
	case UNIT_SSP: return cu->ssp[0] && strcmp(cu->ssp, "none");
	case UNIT_STACK_CLASH: return cu->stack_clash == 1;
	case UNIT_CF_PROTECTION: return cu->cf[0] && strcmp(cu->cf, "none");
	case UNIT_OPTIMIZED: return optimized;
	/* false only for units that asked for FORTIFY and were built at -O0, where it does nothing */
	case UNIT_FORTIFY_EFFECTIVE: return cu->fortify <= 0 || optimized;
	/* false only for units whose macro table shows _FORTIFY_SOURCE was not defined */
	case UNIT_FORTIFY_ASKED: return cu->fortify != 0;
	}
	return true;
}

/*
 * True when the unit's producer lists its options. gcc records them unless
 * built with -gno-record-gcc-switches (Go's cgo does that): then it says
 * "GNU C17 12.2.0" and nothing about how the unit was built, not that it
 * was built with none of the flags.
 */
static bool switches_recorded(const struct cu_flags *cu)
{
	return cu->producer && strstr(cu->producer, " -") != NULL;
}

size_t check_units_without(const struct elf_facts *f, enum unit_flag flag, size_t *bad, char *names, size_t len)
{
	size_t seen = 0, used = 0;
	*bad = 0;
	names[0] = '\0';
	for (size_t i = 0; i < f->cu_count; i++) {
		const struct cu_flags *cu = &f->cus[i];
		/* FORTIFY_ASKED comes from the macro table, the rest from the recorded options */
		if (!cu->is_c || (flag != UNIT_FORTIFY_ASKED && !switches_recorded(cu)))
			continue;
		seen++;
		if (unit_has(cu, flag))
			continue;
		if (++*bad <= 4 && used < len)
			used += (size_t)snprintf(names + used, len - used, "%s%s", *bad > 1 ? " " : "", cu->name);
	}
	if (*bad > 4 && used < len)
		snprintf(names + used, len - used, " (+%zu more)", *bad - 4);
	return seen;
}

static void check_pie(const struct elf_facts *f, struct verdict *v)
{
	switch (f->kind) {
	case KIND_PIE:
		say(v, ST_YES, true, f->df_1_pie ? "ET_DYN with DF_1_PIE" : "ET_DYN with an interpreter and no SONAME");
		break;
	case KIND_STATIC_PIE:
		say(v, ST_YES, true, "static-pie");
		break;
	case KIND_SHARED:
		say(v, ST_NA, true, "shared library: position-independent by definition");
		break;
	case KIND_EXEC:
		say(v, ST_NO, false, "ET_EXEC: loaded at a fixed address");
		because(v, f->lang == LANG_GO ? GO_PIE_HINT : "linked with -no-pie, or objects not built with -fPIE");
		break;
	case KIND_STATIC:
		say(v, ST_NO, false, "static binary at a fixed address");
		because(v, f->lang == LANG_GO ? GO_PIE_HINT " (CGO_ENABLED=0 links statically)"
					      : "linked -static instead of -static-pie");
		break;
	default:
		say(v, ST_NA, true, "%s: not loaded as a program", f->kind == KIND_REL ? "relocatable object" : "not a program");
	}
}

static const char *bind_now_tags(const struct elf_facts *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", f->dt_bind_now ? "DT_BIND_NOW " : "",
		 f->df_bind_now ? "DF_BIND_NOW " : "", f->df_1_now ? "DF_1_NOW" : "");
	size_t n = strlen(buf);
	if (n && buf[n - 1] == ' ')
		buf[n - 1] = '\0';
	return buf;
}

static bool has_bind_now(const struct elf_facts *f)
{
	return f->dt_bind_now || f->df_bind_now || f->df_1_now;
}

static void check_relro(const struct elf_facts *f, struct verdict *v)
{
	char tags[64];
	if (f->kind == KIND_REL || f->kind == KIND_OTHER) {
		say(v, ST_NA, true, "no segments: decided at link time");
	} else if (!f->has_relro) {
		say(v, ST_NONE, false, "no PT_GNU_RELRO segment");
		if (f->lang == LANG_GO)
			because(v, "Go's own linker writes no RELRO into a fixed-address executable: build with -buildmode=pie");
		else
			because(v, is_static(f) ? "static binary: no RELRO (linked with -z norelro)" : "linked with -z norelro");
	} else if (is_static(f)) {
		say(v, ST_FULL, true, "PT_GNU_RELRO; %s: every relocation is applied at start-up",
		    f->kind == KIND_STATIC ? "static" : "static-pie");
	} else if (has_bind_now(f)) {
		say(v, ST_FULL, true, "PT_GNU_RELRO and %s", bind_now_tags(f, tags, sizeof(tags)));
	} else {
		say(v, ST_PARTIAL, false, "PT_GNU_RELRO but no BIND_NOW: the GOT stays writable");
		because(v, "linked without -z now (or with -z lazy)");
	}
}

static void check_bind_now(const struct elf_facts *f, struct verdict *v)
{
	char tags[64];
	if (f->kind == KIND_REL || f->kind == KIND_OTHER)
		say(v, ST_NA, true, "no dynamic section yet");
	else if (is_static(f))
		say(v, ST_NA, true, "static: no lazy binding");
	else if (has_bind_now(f))
		say(v, ST_YES, true, "%s", bind_now_tags(f, tags, sizeof(tags)));
	else {
		say(v, ST_NO, false, "no DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW");
		because(v, "linked without -z now");
	}
}

static void check_canary(const struct elf_facts *f, struct verdict *v)
{
	char names[200];
	size_t bad, seen = check_units_without(f, UNIT_SSP, &bad, names, sizeof(names));

	if (!is_static(f) && f->canary_ref) {
		say(v, ST_YES, true, "%s __stack_chk_fail", f->kind == KIND_REL ? "references" : "imports");
	} else if (seen && bad == 0) {
		say(v, ST_YES, true, "all %zu units built with a stack protector%s", seen,
		    is_static(f) ? "" : "; no function needed a canary");
	} else if (seen) {
		say(v, ST_NO, false, "%zu of %zu units built without a stack protector: %s", bad, seen, names);
		because(v, "built without -fstack-protector-strong (or with -fno-stack-protector)");
	} else if (f->lang != LANG_NATIVE) {
		say(v, ST_NA, true, "%s: its compiler emits no canaries (the language checks bounds), "
		    "and no C part imports __stack_chk_fail", lang_evidence(f));
	} else if (is_static(f)) {
		say(v, ST_UNKNOWN, true, "%s: libc links __stack_chk_fail itself; no DWARF to tell",
		    f->has_symtab ? "static binary" : "stripped static binary");
	} else if (f->kind == KIND_OTHER) {
		say(v, ST_NA, true, "not a program or library");
	} else {
		say(v, ST_NO, false, "no __stack_chk_fail %s", f->kind == KIND_REL ? "reference" : "import");
		because(v, "built without -fstack-protector-strong, or no function has a stack buffer");
	}
}

static void check_fortify(const struct elf_facts *f, struct verdict *v)
{
	char fort[160], unfort[160], units[200];
	size_t nf = f->fortified.n, nu = f->unfortified.n, bad;
	join_names(f->fortified.v, nf, fort, sizeof(fort));
	join_names(f->unfortified.v, nu, unfort, sizeof(unfort));

	if (f->lang != LANG_NATIVE && nf == 0) {
		/* the calls are the language runtime's own: no C header to fortify them */
		say(v, ST_NA, true, "%s: FORTIFY is a C header feature; the runtime calls %s directly",
		    lang_evidence(f), nu ? unfort : "no fortifiable function");
	} else if (is_static(f)) {
		if (nf)
			say(v, ST_YES, true, "%zu fortified functions linked (%s); static: unfortified calls cannot be counted", nf, fort);
		else
			say(v, ST_UNKNOWN, true, "%s: no __*_chk linked; whether any call was fortifiable cannot be told",
			    f->has_symtab ? "static binary" : "stripped static binary");
	} else if (nf + nu == 0) {
		say(v, ST_NA, true, "no fortifiable calls");
	} else if (nf) {
		if (nu)
			say(v, ST_YES, true, "%zu/%zu, unfortified: %s", nf, nf + nu, unfort);
		else
			say(v, ST_YES, true, "%zu/%zu", nf, nf);
	} else {
		size_t seen = check_units_without(f, UNIT_FORTIFY_EFFECTIVE, &bad, units, sizeof(units));
		say(v, ST_NO, false, "0/%zu, unfortified: %s", nu, unfort);
		if (seen && bad)
			because(v, "FORTIFY requested but built at -O0: %zu of %zu units (%s)", bad, seen, units);
		else if ((seen = check_units_without(f, UNIT_FORTIFY_ASKED, &bad, units, sizeof(units))) && bad)
			because(v, "built without -D_FORTIFY_SOURCE: %zu of %zu units (%s)", bad, seen, units);
		else if ((seen = check_units_without(f, UNIT_OPTIMIZED, &bad, units, sizeof(units))) && bad)
			because(v, "FORTIFY has no effect without optimization: %zu of %zu units built at -O0 (%s)",
				bad, seen, units);
		else /* FORTIFY picks __X_chk only where the compiler knows the buffer's size */
			because(v, "built without -D_FORTIFY_SOURCE=2 (or 3), or at -O0, "
				   "or no call's buffer size was known to the compiler");
	}
}

static void check_nx(const struct elf_facts *f, struct verdict *v)
{
	if (f->kind == KIND_REL) {
		if (!f->has_gnu_stack) {
			say(v, ST_NO, false, "no .note.GNU-stack section: the linker will make the stack executable");
			because(v, "hand-written assembly without .section .note.GNU-stack");
		} else if (f->exec_stack) {
			say(v, ST_NO, false, ".note.GNU-stack requests an executable stack");
			because(v, "nested functions (trampolines) or assembly asking for it");
		} else {
			say(v, ST_YES, true, ".note.GNU-stack: non-executable stack");
		}
	} else if (f->kind == KIND_OTHER) {
		say(v, ST_NA, true, "not a program or library");
	} else if (!f->has_gnu_stack) {
		say(v, ST_NO, false, "no PT_GNU_STACK: the kernel may map the stack executable");
		because(v, "an object without .note.GNU-stack (assembly) or an old linker");
	} else if (f->exec_stack) {
		say(v, ST_NO, false, "PT_GNU_STACK is executable");
		because(v, "linked with -z execstack, or an object without .note.GNU-stack");
	} else {
		say(v, ST_YES, true, "PT_GNU_STACK without PF_X");
	}
}

static void check_rwx(const struct elf_facts *f, struct verdict *v)
{
	if (f->kind == KIND_REL || f->kind == KIND_OTHER)
		say(v, ST_NA, true, "no load segments");
	else if (f->rwx_segment) {
		say(v, ST_YES, false, "a PT_LOAD segment is writable and executable");
		because(v, "a linker script or -z noseparate-code with an RWX section, or -N/--omagic");
	} else
		say(v, ST_NO, true, "no writable+executable segment");
}

static void check_textrel(const struct elf_facts *f, struct verdict *v)
{
	if (f->kind == KIND_REL || f->kind == KIND_OTHER)
		say(v, ST_NA, true, "no dynamic section");
	else if (f->textrel) {
		say(v, ST_YES, false, "DT_TEXTREL: code is patched at load time and left writable");
		because(v, "objects built without -fPIC/-fPIE (often hand-written assembly)");
	} else
		say(v, ST_NO, true, "no text relocations");
}

static void check_path(const char *value, const char *tag, struct verdict *v)
{
	char bad[200];
	if (!value)
		say(v, ST_NO, true, "no %s", tag);
	else if (rpath_insecure_entries(value, bad, sizeof(bad))) {
		say(v, ST_YES, false, "%s", value);
		because(v, "insecure %s entries: %s", tag, bad);
	} else
		say(v, ST_YES, true, "%s", value);
}

static bool cet_applies(const struct elf_facts *f)
{
	return f->machine == EM_X86_64 || f->machine == EM_386 || f->machine == EM_AARCH64;
}

static void check_cet(const struct elf_facts *f, struct verdict *ibt, struct verdict *shstk)
{
	bool arm = f->machine == EM_AARCH64;
	const char *ibt_name = arm ? "BTI" : "IBT", *sh_name = arm ? "PAC" : "SHSTK";
	if (!cet_applies(f) || f->kind == KIND_OTHER) {
		say(ibt, ST_NA, true, "no CET/BTI on %s", elf_machine_name(f->machine));
		say(shstk, ST_NA, true, "no CET/PAC on %s", elf_machine_name(f->machine));
		return;
	}
	if (!f->has_property_note) {
		say(ibt, ST_NO, false, "no .note.gnu.property");
		because(ibt, arm ? "built without -mbranch-protection=standard" : "built without -fcf-protection=full");
		*shstk = *ibt;
		return;
	}
	if (f->ibt)
		say(ibt, ST_YES, true, "%s in .note.gnu.property%s", ibt_name, f->shstk ? "" : " (IBT without SHSTK)");
	else {
		say(ibt, ST_NO, false, "%s bit clear in .note.gnu.property", ibt_name);
		because(ibt, "an object linked in was built without -fcf-protection=branch/full");
	}
	if (f->shstk)
		say(shstk, ST_YES, true, "%s in .note.gnu.property%s", sh_name, f->ibt ? "" : " (SHSTK without IBT)");
	else {
		say(shstk, ST_NO, false, "%s bit clear in .note.gnu.property%s", sh_name, f->ibt ? " (IBT without SHSTK)" : "");
		because(shstk, "an object linked in was built without -fcf-protection=return/full");
	}
}

static void check_stack_clash(const struct elf_facts *f, struct verdict *v)
{
	char names[200];
	size_t bad, seen = check_units_without(f, UNIT_STACK_CLASH, &bad, names, sizeof(names));
	size_t c_units = 0;
	for (size_t i = 0; i < f->cu_count; i++)
		c_units += f->cus[i].is_c;
	if (!seen && c_units)
		say(v, ST_UNKNOWN, true, "DWARF units record no compiler options (clang without -grecord-command-line, "
		    "gcc with -gno-record-gcc-switches): -fstack-clash-protection leaves no other trace");
	else if (!seen && f->cu_count)
		say(v, ST_UNKNOWN, true, "no C unit in the DWARF (%zu of other languages): nothing to tell", f->cu_count);
	else if (!seen)
		say(v, ST_UNKNOWN, true, "no DWARF: -fstack-clash-protection leaves no other trace");
	else if (bad == 0)
		say(v, ST_YES, true, "all %zu units built with -fstack-clash-protection", seen);
	else {
		say(v, ST_NO, false, "%zu of %zu units built without -fstack-clash-protection: %s", bad, seen, names);
		because(v, "-fstack-clash-protection not on the compiler command line");
	}
}

static void check_stripped(const struct elf_facts *f, struct verdict *v)
{
	if (f->has_symtab)
		say(v, ST_NO, true, ".symtab present%s", f->has_debug ? ", with DWARF" : "");
	else
		say(v, ST_YES, true, "no .symtab%s", f->debug_file ? "; separate debug info found" : "");
}

/*
 * A kernel module is loaded by the kernel: no program headers, no dynamic
 * linking, no user-space stack. Its canary is the kernel's
 * CONFIG_STACKPROTECTOR (a module calls __stack_chk_fail like a program),
 * its FORTIFY the kernel's own (inline checks calling fortify_panic, not
 * libc's __*_chk), and its IBT the kernel's objtool ENDBR checks, not
 * .note.gnu.property. Where a module shows no evidence, that is not a
 * finding: a module without a stack buffer or a checked string operation
 * has none, whatever the kernel's configuration.
 */
static void check_kernel_module(const struct elf_facts *f, struct verdict v[PROP_COUNT])
{
	static const char loaded[] = "kernel module: loaded by the kernel, not as a program";
	say(&v[PROP_PIE], ST_NA, true, "%s", loaded);
	say(&v[PROP_RELRO], ST_NA, true, "%s", loaded);
	say(&v[PROP_BIND_NOW], ST_NA, true, "%s", loaded);
	say(&v[PROP_RWX], ST_NA, true, "%s", loaded);
	say(&v[PROP_TEXTREL], ST_NA, true, "%s", loaded);
	say(&v[PROP_NX], ST_NA, true, "kernel module: runs on kernel stacks, whatever .note.GNU-stack says");
	if (f->canary_ref)
		say(&v[PROP_CANARY], ST_YES, true, "references __stack_chk_fail (the kernel's stack protector)");
	else
		say(&v[PROP_CANARY], ST_UNKNOWN, true, "kernel module without a __stack_chk_fail reference: no function "
		    "needed a canary, or the kernel is built without CONFIG_STACKPROTECTOR");
	if (f->kernel_fortify_ref)
		say(&v[PROP_FORTIFY], ST_YES, true, "references fortify_panic: the kernel's FORTIFY_SOURCE checks its string operations");
	else
		say(&v[PROP_FORTIFY], ST_NA, true, "kernel module: no fortify_panic reference (no string operation the kernel's "
		    "FORTIFY_SOURCE checks, or it is off); libc's __*_chk do not apply");
	say(&v[PROP_IBT], ST_NA, true, "kernel module: the kernel checks IBT with objtool (ENDBR), not .note.gnu.property");
	say(&v[PROP_SHSTK], ST_NA, true, "kernel module: no user-space shadow stack");
	say(&v[PROP_STACK_CLASH], ST_NA, true, "kernel module: kernel stacks are small and fixed; -fstack-clash-protection is for user space");
}

/* A separate debug file describes a binary; it is not one (see elf/read.c). */
static void check_debug_file(struct verdict v[PROP_COUNT])
{
	for (int p = 0; p < PROP_COUNT; p++)
		say(&v[p], ST_NA, true, "separate debug file: every loaded section is NOBITS, the code is in the binary it describes");
}

void check_verdicts(const struct elf_facts *f, struct verdict v[PROP_COUNT])
{
	memset(v, 0, sizeof(*v) * PROP_COUNT);
	if (f->kind == KIND_DEBUG) {
		check_debug_file(v);
		return;
	}
	if (f->kind == KIND_KMOD) {
		check_kernel_module(f, v);
		check_path(f->rpath, "RPATH", &v[PROP_RPATH]);
		check_path(f->runpath, "RUNPATH", &v[PROP_RUNPATH]);
		check_stripped(f, &v[PROP_STRIPPED]);
		return;
	}
	check_pie(f, &v[PROP_PIE]);
	check_relro(f, &v[PROP_RELRO]);
	check_bind_now(f, &v[PROP_BIND_NOW]);
	check_canary(f, &v[PROP_CANARY]);
	check_fortify(f, &v[PROP_FORTIFY]);
	check_nx(f, &v[PROP_NX]);
	check_rwx(f, &v[PROP_RWX]);
	check_textrel(f, &v[PROP_TEXTREL]);
	check_path(f->rpath, "RPATH", &v[PROP_RPATH]);
	check_path(f->runpath, "RUNPATH", &v[PROP_RUNPATH]);
	check_cet(f, &v[PROP_IBT], &v[PROP_SHSTK]);
	check_stack_clash(f, &v[PROP_STACK_CLASH]);
	check_stripped(f, &v[PROP_STRIPPED]);
}

void check_apply_policy(const struct policy *p, struct check_result *r)
{
	r->finding_count = 0;
	for (int i = 0; i < PROP_COUNT; i++) {
		/* stripped is information, never a finding */
		r->finding[i] = p->required[i] && !r->v[i].ok && i != PROP_STRIPPED;
		r->finding_count += r->finding[i];
	}
}

void check_elf(const struct elf_facts *f, const struct policy *p, struct check_result *r)
{
	check_verdicts(f, r->v);
	check_apply_policy(p, r);
}
