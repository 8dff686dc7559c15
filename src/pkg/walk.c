/*
 * walk.c — one pass over an archive held in memory, member by member.
 *
 * libarchive inflates each member as it goes; only members that start with
 * the ELF magic (or an archive magic, for nesting) are read whole, into a
 * buffer handed to scan_image(). Everything else is skipped after its first
 * 512 bytes. Every member is first checked for what could hurt the reader:
 * a name that climbs out of the archive, a link (reported, never followed),
 * a declared or actual size over the limit (a bomb is refused before it is
 * inflated, or as soon as it passes the limit when no size is declared).
 */
#include "pkg/internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HEAD_SIZE 512
#define METADATA_LIMIT (16u << 20)  /* +CONTENTS of texlive is ~10 MB */

const char *pkg_archive_error(const struct libarchive *la, struct archive *a)
{
	const char *e = la->archive_error_string(a);
	return e ? e : "unknown libarchive error";
}

uint64_t pkg_member_limit(const struct scan_opts *o)
{
	return o->member_limit ? o->member_limit : PKG_DEFAULT_MEMBER_LIMIT;
}

static struct scan_record *member_record(struct walk *w, const char *member)
{
	struct scan_record *r = scan_batch_add(w->out);
	r->path = xstrdup(w->path);
	if (member)
		r->member = xasprintf("%s%s", w->prefix, member);
	else if (*w->prefix)
		r->member = xstrndup(w->prefix, strlen(w->prefix) - 2); /* drop "!/" */
	return r;
}

static void problem(struct walk *w, const char *member, bool warning, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	struct scan_record *r = member_record(w, member);
	r->error = xstrdup(msg);
	r->warning = warning;
}

/* Inside a nested archive, every problem is a warning: the package around it was read. */
void pkg_error(struct walk *w, const char *member, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	problem(w, member, w->depth > 0, fmt, ap);
	va_end(ap);
}

void pkg_warning(struct walk *w, const char *member, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	problem(w, member, true, fmt, ap);
	va_end(ap);
}

/*
 * Only the decompressor the magic names: registering every filter costs
 * more than reading a small file, and a tree of man pages is 30,000 small
 * gzipped files that must be told from tarballs quickly.
 */
static void support_filter(const struct libarchive *la, struct archive *a, const unsigned char *d, size_t n)
{
	if (n >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		la->archive_read_support_filter_gzip(a);
	else if (n >= 3 && !memcmp(d, "BZh", 3))
		la->archive_read_support_filter_bzip2(a);
	else if (n >= 6 && !memcmp(d, "\xfd" "7zXZ\0", 6))
		la->archive_read_support_filter_xz(a);
	else if (n >= 4 && !memcmp(d, "\x28\xb5\x2f\xfd", 4))
		la->archive_read_support_filter_zstd(a);
	else if (n >= 4 && !memcmp(d, "\x04\x22\x4d\x18", 4))
		la->archive_read_support_filter_lz4(a);
	else
		la->archive_read_support_filter_all(a);
}

/* libarchive found no format at all: bytes that are simply not an archive. */
static bool unrecognized(const struct libarchive *la, struct archive *a)
{
	const char *e = la->archive_error_string(a);
	return e && strstr(e, "Unrecognized archive format");
}

/* A reader on data[0..size); NULL with why filled if libarchive refuses it. */
static struct archive *open_reader(const struct libarchive *la, const void *data, size_t size,
				   enum walk_kind kind, char *why, size_t len)
{
	struct archive *a = la->archive_read_new();
	if (!a)
		return NULL;
	support_filter(la, a, data, size);
	switch (kind) {
	case WALK_STREAM:
		la->archive_read_support_format_tar(a);
		la->archive_read_support_format_cpio(a);
		la->archive_read_support_format_raw(a);
		break;
	case WALK_TAR: la->archive_read_support_format_tar(a); break;
	case WALK_CPIO: la->archive_read_support_format_cpio(a); break;
	case WALK_ZIP: la->archive_read_support_format_zip(a); break;
	}
	if (la->archive_read_open_memory(a, data, size) != ARCHIVE_OK) {
		const char *e = la->archive_error_string(a);
		snprintf(why, len, "%s", e ? e : "unknown format");
		if (unrecognized(la, a))
			*why = '\0';
		la->archive_read_free(a);
		return NULL;
	}
	return a;
}

/* Read up to n bytes of the current member; -1 on error. */
static ssize_t read_some(const struct libarchive *la, struct archive *a, void *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		la_ssize_t r = la->archive_read_data(a, (char *)p + got, n - got);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * The whole member into *bufp (head already read), refusing to go past
 * limit. Returns the size, or -1 with *why set.
 */
static ssize_t read_rest(const struct libarchive *la, struct archive *a, const unsigned char *head,
			 size_t headlen, int64_t declared, uint64_t limit, unsigned char **bufp, const char **why)
{
	size_t alloc = declared > (int64_t)headlen ? (size_t)declared : headlen + 65536;
	unsigned char *buf = xmalloc(alloc);
	memcpy(buf, head, headlen);
	size_t len = headlen;
	for (;;) {
		if (len == alloc) {
			if (alloc > limit) {
				free(buf);
				*why = "over the member size limit";
				return -1;
			}
			alloc *= 2;
			buf = xrealloc(buf, alloc);
		}
		la_ssize_t r = la->archive_read_data(a, buf + len, alloc - len);
		if (r < 0) {
			free(buf);
			*why = NULL;
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > limit) {
			free(buf);
			*why = "over the member size limit";
			return -1;
		}
	}
	*bufp = buf;
	return (ssize_t)len;
}

static void read_metadata(struct walk *w, const char *name, const unsigned char *data, size_t len)
{
	const char *text = (const char *)data;
	if (!strcmp(name, "+CONTENTS")) {
		pkg_parse_contents(text, len, w->id);
		w->saw_pkgsrc = true;
	} else if (!strcmp(name, "+BUILD_INFO")) {
		pkg_parse_build_info(text, len, w->id);
	} else if (!strcmp(name, ".PKGINFO")) {
		pkg_parse_pkginfo(text, len, w->id);
		w->saw_apk = true;
	}
}

static bool is_metadata(const struct walk *w, const char *name)
{
	return w->metadata && (!strcmp(name, "+CONTENTS") || !strcmp(name, "+BUILD_INFO") ||
			       !strcmp(name, ".PKGINFO"));
}

void pkg_check_member(struct scan_record *r, const struct scan_opts *o)
{
	struct policy p = o->policy, strict;
	/* a privileged program gets the strictest profile on top of the user's */
	if ((r->setuid || r->setgid) && policy_init(&strict, "strict", NULL) == 0)
		for (int i = 0; i < PROP_COUNT; i++)
			p.required[i] |= strict.required[i];
	check_elf(&r->facts, &p, &r->res);
}

static void scan_elf_member(struct walk *w, const char *name, mode_t mode,
			    const unsigned char *data, size_t len)
{
	scan_image(w->path, data, len, w->o, w->out);
	struct scan_record *r = &w->out->recs[w->out->n - 1];
	r->member = xasprintf("%s%s", w->prefix, name);
	r->setuid = (mode & S_ISUID) != 0;
	r->setgid = (mode & S_ISGID) != 0;
	if ((r->setuid || r->setgid) && !r->error)
		pkg_check_member(r, w->o); /* scan_image() checked it under the user's policy only */
}

/* Is a member that starts like a compressed stream really a tar/cpio inside? */
static bool stream_holds_archive(const struct libarchive *la, const void *data, size_t size)
{
	char why[256];
	struct archive *a = open_reader(la, data, size, WALK_STREAM, why, sizeof(why));
	struct archive_entry *e;
	bool yes = a && la->archive_read_next_header(a, &e) >= ARCHIVE_WARN &&
		   la->archive_format(a) != ARCHIVE_FORMAT_RAW;
	if (a)
		la->archive_read_free(a);
	return yes;
}

static void scan_nested(struct walk *w, const char *name, const unsigned char *data, size_t len)
{
	enum pkg_format f = pkg_detect(data, len < HEAD_SIZE ? len : HEAD_SIZE);
	if (f == PKG_STREAM && !stream_holds_archive(w->la, data, len)) {
		w->out->skipped++;      /* a gzipped text, not an archive */
		return;
	}
	if (w->depth >= w->o->max_nested) {
		pkg_warning(w, name, "nested archive not descended (nesting limit %d; see --nested)",
			  w->o->max_nested);
		return;
	}
	char *prefix = xasprintf("%s%s!/", w->prefix, name);
	struct walk inner = *w;
	inner.prefix = prefix;
	inner.depth = w->depth + 1;
	inner.metadata = false;     /* the outer package's identity stands */
	if (f == PKG_DEB || f == PKG_RPM)
		pkg_warning(w, name, "nested %s package not descended (scan it on its own)",
			  f == PKG_DEB ? ".deb" : ".rpm");
	else
		pkg_walk(&inner, data, len, f == PKG_ZIP ? WALK_ZIP : WALK_STREAM);
	free(prefix);
}

/* One regular member: metadata, ELF, nested archive, or skipped. false: stop the walk. */
static bool regular_member(struct walk *w, struct archive *a, struct archive_entry *e, const char *name)
{
	const struct libarchive *la = w->la;
	uint64_t limit = pkg_member_limit(w->o);
	int64_t declared = la->archive_entry_size_is_set(e) ? la->archive_entry_size(e) : -1;
	unsigned char head[HEAD_SIZE];
	ssize_t got = read_some(la, a, head, sizeof(head));
	if (got < 0) {
		pkg_error(w, name, "cannot read member: %s", pkg_archive_error(la, a));
		return false;   /* the stream is unusable past a read error */
	}
	bool meta = is_metadata(w, name), elf = elf_is_elf(head, (size_t)got);
	bool nested = !elf && !meta && pkg_is_archive(head, (size_t)got);
	/* the limit is on what is read whole: a big data file is skipped like a small one */
	if (!meta && !elf && !nested) {
		w->out->skipped++;
		return true;
	}
	if (declared > 0 && (uint64_t)declared > limit) {
		pkg_error(w, name, "%s member declares %lld bytes, over the %llu-byte limit (archive bomb?); not read",
			  elf ? "ELF" : meta ? "metadata" : "archive", (long long)declared, (unsigned long long)limit);
		return true;
	}
	unsigned char *buf = NULL;
	const char *why = NULL;
	ssize_t len = read_rest(la, a, head, (size_t)got, declared, meta ? METADATA_LIMIT : limit, &buf, &why);
	if (len < 0) {
		if (why)
			pkg_error(w, name, "member inflates %s (%llu bytes; archive bomb?); not read", why,
				  (unsigned long long)(meta ? METADATA_LIMIT : limit));
		else
			pkg_error(w, name, "cannot read member: %s", pkg_archive_error(la, a));
		return why != NULL;     /* a read error leaves the stream unusable */
	}
	if (declared >= 0 && (int64_t)len != declared) {
		pkg_error(w, name, "member claims %lld bytes but holds %zd", (long long)declared, len);
	} else if (meta) {
		read_metadata(w, name, buf, (size_t)len);
	} else if (elf) {
		scan_elf_member(w, name, la->archive_entry_mode(e), buf, (size_t)len);
	} else {
		scan_nested(w, name, buf, (size_t)len);
	}
	free(buf);
	return true;
}

static void link_member(struct walk *w, const char *name, const char *target, bool hard)
{
	struct scan_record *r = member_record(w, name);
	r->link = xstrdup(target);
	r->hardlink = hard;
}

/* "./usr/bin/ls" -> "usr/bin/ls"; "" for the root itself. */
static const char *normalize(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		for (name += 2; *name == '/';)
			name++;
	return strcmp(name, ".") ? name : "";
}

int pkg_walk(struct walk *w, const void *data, size_t size, enum walk_kind kind)
{
	const struct libarchive *la = w->la;
	char why[256] = "out of memory";
	struct archive *a = open_reader(la, data, size, kind, why, sizeof(why));
	if (!a && !*why && kind == WALK_STREAM)
		return 0;       /* e.g. an empty gzip: not an archive */
	if (!a) {
		if (!*why)
			snprintf(why, sizeof(why), "unrecognized archive format");
		if (*w->prefix)
			pkg_error(w, NULL, "corrupt or truncated nested archive: %s", why);
		else
			pkg_error(w, NULL, "corrupt or truncated archive: %s", why);
		return -1;
	}
	struct archive_entry *e;
	const char *last = NULL;
	char *lastcopy = NULL;
	int status = 1;
	for (bool first = true;; first = false) {
		/* a header error ends the walk: libarchive cannot resync a stream */
		int r = la->archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (first && kind == WALK_STREAM && unrecognized(la, a)) {
				status = 0;     /* a compressed file holding no archive */
				break;
			}
			if (last)
				pkg_error(w, NULL, "corrupt or truncated archive after member '%s%s': %s",
					  w->prefix, last, pkg_archive_error(la, a));
			else
				pkg_error(w, NULL, "corrupt or truncated archive: %s", pkg_archive_error(la, a));
			break;
		}
		if (first && la->archive_format(a) == ARCHIVE_FORMAT_RAW) {
			status = 0;
			break;
		}
		const char *raw = la->archive_entry_pathname(e);
		if (!raw) {
			pkg_error(w, NULL, "member without a name after '%s'", last ? last : "(start)");
			continue;
		}
		free(lastcopy);
		last = lastcopy = xstrdup(raw);
		const char *name = normalize(raw);
		if (!*name)
			continue;
		if (pkg_name_unsafe(name)) {
			pkg_error(w, name, "unsafe member name (absolute or '..': path traversal); not read");
			continue;
		}
		const char *hard = la->archive_entry_hardlink(e);
		if (hard) {
			link_member(w, name, normalize(hard), true);
			continue;
		}
		mode_t type = la->archive_entry_filetype(e);
		if (type == AE_IFLNK) {
			const char *target = la->archive_entry_symlink(e);
			link_member(w, name, target ? target : "", false);
			continue;
		}
		if (type != AE_IFREG)
			continue;       /* directories, devices, fifos: nothing to check */
		if (!regular_member(w, a, e, name))
			break;
	}
	free(lastcopy);
	la->archive_read_free(a);
	return status;
}
