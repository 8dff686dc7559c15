/*
 * plan.c — the flags for one compiler call: argv in, argv out.
 *
 * Order matters and is the whole trick. Hardening flags go BEFORE the user's
 * arguments, so anything the package says explicitly (-fno-stack-protector,
 * -Wl,-z,lazy) comes later and wins, exactly as if we were not there; we only
 * note that it happened. FORTIFY's -U/-D go AFTER, so a package's own
 * -D_FORTIFY_SOURCE=2 is raised to 3 without a redefinition warning (as Nix
 * does); an explicit -D_FORTIFY_SOURCE=0 or -U alone is respected.
 *
 * Each feature is decided by one small function that either emits its flags
 * or records why not. The "why" strings end up in the JSON log and in
 * `harden cc-verify` reports, so they name the argument responsible.
 */
#include "wrap/wrap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ctx {
	const struct wrap_args *a;
	const struct wrap_target *t;
	wrap_set want;
	bool cxx;
	bool compiling; /* C-family code is compiled in this call */
	bool linking;
	struct strvec before, after;
	struct wrap_plan *out;
};

static void drop(struct ctx *c, enum wrap_feature f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void drop(struct ctx *c, enum wrap_feature f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	free(c->out->dropped[f]);
	c->out->dropped[f] = s;
	c->out->applied &= ~WRAP_BIT(f);
}

/* Common refusals: not requested, overridden by the user, unsupported. */
static bool usable(struct ctx *c, enum wrap_feature f)
{
	if (!(c->want & WRAP_BIT(f)))
		return false;
	if (c->a->user_off[f]) {
		drop(c, f, "overridden by the package's %s", c->a->user_off[f]);
		return false;
	}
	if (c->t->unsupported & WRAP_BIT(f)) {
		drop(c, f, "not supported by this compiler");
		return false;
	}
	return true;
}

static void emit(struct ctx *c, enum wrap_feature f, const char *flag)
{
	strvec_push(&c->before, flag);
	c->out->applied |= WRAP_BIT(f);
}

static void stackprotector(struct ctx *c)
{
	if (!c->compiling || !usable(c, WF_STACKPROTECTOR))
		return;
	if (c->a->freestanding)
		drop(c, WF_STACKPROTECTOR, "%s: no libc to provide __stack_chk_fail", c->a->freestanding);
	else if (c->a->nostdlib)
		drop(c, WF_STACKPROTECTOR, "%s: no libc to provide __stack_chk_fail", c->a->nostdlib);
	else
		emit(c, WF_STACKPROTECTOR, "-fstack-protector-strong");
}

static void fortify(struct ctx *c)
{
	bool preprocessing = c->a->mode == WRAP_PREPROCESS || c->compiling;
	if (!preprocessing || !usable(c, WF_FORTIFY))
		return;
	if (c->a->opt_level == 0)
		drop(c, WF_FORTIFY, "%s: FORTIFY needs optimisation",
		     c->a->opt_flag ? c->a->opt_flag : "no -O");
	else if (c->a->freestanding)
		drop(c, WF_FORTIFY, "%s: no libc headers to fortify", c->a->freestanding);
	else if (c->a->nostdinc) /* the kernel, boot loaders: their own headers, their own FORTIFY if any */
		drop(c, WF_FORTIFY, "%s: no libc headers to fortify", c->a->nostdinc);
	else if (c->a->sanitizer)
		drop(c, WF_FORTIFY, "%s: the sanitizer checks these calls itself", c->a->sanitizer);
	else {
		int level = c->t->fortify_level >= 3 ? 3 : 2;
		strvec_push(&c->after, "-U_FORTIFY_SOURCE");
		strvec_pushf(&c->after, "-D_FORTIFY_SOURCE=%d", level);
		c->out->applied |= WRAP_BIT(WF_FORTIFY);
		if (c->a->user_fortify)
			strvec_pushf(&c->out->notes, "fortify: the package's %s replaced by level %d",
				     c->a->user_fortify, level);
	}
}

/* Why no -pie for this link, or NULL. */
static const char *no_pie_reason(const struct wrap_args *a)
{
	const char *const why[] = { a->relocatable, a->shared,	     a->static_pie, a->static_,
				    a->nostdlib,    a->nostartfiles, a->no_pie_link };
	for (size_t i = 0; i < ARRAY_SIZE(why); i++)
		if (why[i])
			return why[i];
	return NULL;
}

static void pie(struct ctx *c)
{
	if (!(c->compiling || c->linking) || !usable(c, WF_PIE))
		return;
	if (c->a->mode == WRAP_LINK_SHARED) {
		/* Code going into a shared object must be PIC, not PIE. */
		if (c->compiling)
			strvec_push(&c->before, "-fPIC");
		drop(c, WF_PIE, "%s: a shared library is position-independent, not an executable",
		     c->a->shared);
		return;
	}
	if (c->compiling)
		emit(c, WF_PIE, "-fPIE");
	if (!c->linking)
		return;
	const char *why = no_pie_reason(c->a);
	if (why)
		drop(c, WF_PIE, "%s: no -pie for this link", why);
	else
		emit(c, WF_PIE, "-pie");
}

static void link_z(struct ctx *c, enum wrap_feature f, const char *flag)
{
	if (!c->linking || !usable(c, f))
		return;
	if (c->a->relocatable)
		drop(c, f, "%s: a relocatable link is not loaded as is", c->a->relocatable);
	else
		emit(c, f, flag);
}

static void simple_compile_flag(struct ctx *c, enum wrap_feature f, const char *flag)
{
	if (c->compiling && usable(c, f))
		emit(c, f, flag);
}

static void cet(struct ctx *c)
{
	if (!c->compiling || !usable(c, WF_CET))
		return;
	if (c->t->arch == WRAP_ARCH_X86)
		emit(c, WF_CET, "-fcf-protection=full");
	else if (c->t->arch == WRAP_ARCH_AARCH64)
		emit(c, WF_CET, "-mbranch-protection=standard");
	else
		drop(c, WF_CET, "no control-flow protection flag for %s",
		     c->t->machine[0] ? c->t->machine : "this architecture");
}

static void glibcxxassertions(struct ctx *c)
{
	bool preprocessing = c->a->mode == WRAP_PREPROCESS || c->compiling;
	if (preprocessing && (c->cxx || c->a->has_cxx) && usable(c, WF_GLIBCXXASSERTIONS))
		emit(c, WF_GLIBCXXASSERTIONS, "-D_GLIBCXX_ASSERTIONS");
}

static void format(struct ctx *c)
{
	if (c->compiling && usable(c, WF_FORMAT)) {
		emit(c, WF_FORMAT, "-Wformat");
		emit(c, WF_FORMAT, "-Werror=format-security");
	}
}

/* Compile-time features are moot when only assembler (or no C) is compiled. */
static void note_no_c(struct ctx *c)
{
	static const enum wrap_feature compile_time[] = {
		WF_STACKPROTECTOR, WF_FORTIFY, WF_STACKCLASH, WF_CET, WF_AUTOVARINIT,
		WF_STRICTOVERFLOW, WF_FORMAT,
	};
	if (c->a->mode != WRAP_COMPILE || c->a->has_c_family)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(compile_time); i++)
		if (c->want & WRAP_BIT(compile_time[i]))
			drop(c, compile_time[i], "%s", c->a->has_asm ? "assembler input only, no C to harden"
								   : "no C/C++ input");
}

void wrap_plan(const char *compiler, char *const *args, size_t nargs,
	       const struct wrap_args *scan, bool cxx, wrap_set features,
	       const struct wrap_target *target, struct wrap_plan *out)
{
	memset(out, 0, sizeof(*out));
	out->mode = scan->mode;
	out->requested = features;
	strvec_push(&out->argv, compiler);
	struct ctx c = {
		.a = scan,
		.t = target,
		.want = features,
		.cxx = cxx,
		.compiling = scan->has_c_family &&
			     (scan->mode == WRAP_COMPILE || scan->mode == WRAP_LINK_EXE ||
			      scan->mode == WRAP_LINK_SHARED),
		.linking = scan->mode == WRAP_LINK_EXE || scan->mode == WRAP_LINK_SHARED,
		.out = out,
	};
	if (scan->mode != WRAP_PASSTHROUGH) {
		note_no_c(&c);
		stackprotector(&c);
		fortify(&c);
		pie(&c);
		simple_compile_flag(&c, WF_STACKCLASH, "-fstack-clash-protection");
		cet(&c);
		glibcxxassertions(&c);
		simple_compile_flag(&c, WF_AUTOVARINIT, "-ftrivial-auto-var-init=zero");
		simple_compile_flag(&c, WF_STRICTOVERFLOW, target->kind == WRAP_KIND_CLANG
								   ? "-fwrapv"
								   : "-fno-strict-overflow");
		format(&c);
		link_z(&c, WF_RELRO, "-Wl,-z,relro");
		link_z(&c, WF_BINDNOW, "-Wl,-z,now");
		link_z(&c, WF_NOEXECSTACK, "-Wl,-z,noexecstack");
	}
	for (size_t i = 0; i < c.before.n; i++)
		strvec_push(&out->argv, c.before.v[i]);
	for (size_t i = 0; i < nargs; i++)
		strvec_push(&out->argv, args[i]);
	for (size_t i = 0; i < c.after.n; i++)
		strvec_push(&out->argv, c.after.v[i]);
	strvec_clear(&c.before);
	strvec_clear(&c.after);
}

void wrap_plan_free(struct wrap_plan *p)
{
	strvec_clear(&p->argv);
	strvec_clear(&p->notes);
	for (int i = 0; i < WF_COUNT; i++) {
		free(p->dropped[i]);
		p->dropped[i] = NULL;
	}
}

void wrap_print_flags(wrap_set features, const struct wrap_target *target, bool cxx,
		      bool link, struct strvec *out)
{
	/* What a typical build step looks like: optimised C compile, or an executable link. */
	struct wrap_args a = { 0 };
	a.mode = link ? WRAP_LINK_EXE : WRAP_COMPILE;
	a.has_c_family = !link;
	a.has_cxx = cxx && !link;
	a.opt_level = 2;
	struct wrap_plan p;
	wrap_plan("cc", NULL, 0, &a, cxx, features, target, &p);
	for (size_t i = 1; i < p.argv.n; i++)
		strvec_push(out, p.argv.v[i]);
	wrap_plan_free(&p);
}
