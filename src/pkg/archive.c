/*
 * archive.c — one package archive: map it, tell its format from its bytes,
 * walk it (walk.c), and stamp every record with the package identity.
 *
 * The identity is known only when the walk is over (a tarball may carry its
 * metadata anywhere), so records are stamped afterwards; a package with no
 * metadata at all is named after its file, which is what a user would do.
 *
 * libarchive is loaded here, when the first archive is met (dl/), and rides
 * along in the walk; without it, an archive is one error record naming the
 * missing library, and the loose ELF files of the same scan are still read.
 */
#include "pkg/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The "control" file of a .deb's control.tar.*, into id. */
static void deb_control(struct walk *w, const struct ar_member *m)
{
	const struct libarchive *la = w->la;
	struct archive *a = la->archive_read_new();
	struct archive_entry *e;
	bool found = false;
	la->archive_read_support_filter_all(a);
	la->archive_read_support_format_tar(a);
	if (la->archive_read_open_memory(a, m->data, m->size) != ARCHIVE_OK) {
		pkg_error(w, m->name, "cannot open: %s", pkg_archive_error(la, a));
		la->archive_read_free(a);
		return;
	}
	int r;
	while ((r = la->archive_read_next_header(a, &e)) >= ARCHIVE_WARN) {
		const char *name = la->archive_entry_pathname(e);
		if (!name || (strcmp(name, "./control") && strcmp(name, "control")))
			continue;
		char text[65536];   /* a control file is a few hundred bytes; more is cut */
		size_t n = 0;
		la_ssize_t got = 0;
		while (n < sizeof(text) && (got = la->archive_read_data(a, text + n, sizeof(text) - n)) > 0)
			n += (size_t)got;
		if (got < 0) {
			r = ARCHIVE_FATAL;
			break;
		}
		pkg_parse_deb_control(text, n, w->id);
		found = true;
		break;
	}
	if (!found)
		pkg_error(w, m->name, r == ARCHIVE_EOF ? "no control file in %s" : "cannot read control file: %s",
			  r == ARCHIVE_EOF ? m->name : pkg_archive_error(la, a));
	la->archive_read_free(a);
}

static void scan_deb(struct walk *w, const unsigned char *data, size_t size)
{
	struct ar_member m, control = { .data = NULL }, payload = { .data = NULL };
	struct herr err;
	size_t off = 0;
	int r;
	while ((r = pkg_ar_next(data, size, &off, &m, &err)) == 1) {
		if (starts_with(m.name, "control.tar") && !control.data)
			control = m;
		else if (starts_with(m.name, "data.tar") && !payload.data)
			payload = m;
	}
	if (r < 0)
		pkg_error(w, NULL, "%s", err.msg);
	if (control.data)
		deb_control(w, &control);
	else if (r == 0)
		pkg_error(w, NULL, "no control.tar member: not a complete .deb");
	if (payload.data) {
		struct walk inner = *w;
		inner.prefix = "";
		inner.metadata = false;
		pkg_walk(&inner, payload.data, payload.size, WALK_TAR);
	} else if (r == 0) {
		pkg_error(w, NULL, "no data.tar member: not a complete .deb");
	}
	w->id->format = "deb";
}

static void scan_rpm(struct walk *w, const unsigned char *data, size_t size)
{
	struct herr err;
	size_t payload;
	w->id->format = "rpm";
	if (pkg_rpm_parse(data, size, w->id, &payload, &err)) {
		pkg_error(w, NULL, "%s", err.msg);
		return;
	}
	struct walk inner = *w;
	inner.metadata = false;
	pkg_walk(&inner, data + payload, size - payload, WALK_CPIO);
}

/* Walk the package by its format; false for a compressed non-archive. */
static bool walk_package(struct walk *w, enum pkg_format format, const void *data, size_t size)
{
	switch (format) {
	case PKG_NONE:
		return false;
	case PKG_DEB:
		scan_deb(w, data, size);
		break;
	case PKG_RPM:
		scan_rpm(w, data, size);
		break;
	case PKG_ZIP:
		pkg_walk(w, data, size, WALK_ZIP);
		w->id->format = "zip";
		break;
	case PKG_STREAM:
		if (pkg_walk(w, data, size, WALK_STREAM) == 0)
			return false;
		w->id->format = w->saw_pkgsrc ? "pkgsrc" : w->saw_apk ? "apk" : "tar";
		break;
	}
	return true;
}

static bool scan_memory(const char *path, const void *data, size_t size, const struct scan_opts *o,
			struct scan_batch *out)
{
	struct pkg_ident id = { 0 };
	struct walk w = { .path = path, .prefix = "", .o = o, .out = out, .id = &id, .metadata = true };
	size_t first = out->n;
	enum pkg_format format = pkg_detect(data, size < 512 ? size : 512);
	struct herr err;

	if (format == PKG_NONE)
		return false;
	if (!(w.la = libarchive_load(&err))) {
		/* an archive whose reader is missing is an error, whatever it holds */
		pkg_error(&w, NULL, "%s", err.msg);
	} else if (!walk_package(&w, format, data, size)) {
		pkg_ident_free(&id);
		return false;
	}
	if (!id.name)
		pkg_ident_from_filename(path, &id);
	pkg_stamp_identity(out, first, &id);
	return true;
}

void pkg_stamp_identity(struct scan_batch *out, size_t first, struct pkg_ident *id)
{
	for (size_t i = first; i < out->n; i++) {
		struct scan_record *r = &out->recs[i];
		r->package = id->name ? xstrdup(id->name) : NULL;
		r->version = id->version ? xstrdup(id->version) : NULL;
	}
	free(out->package);
	free(out->version);
	free(out->arch);
	free(out->origin);
	out->package = id->name;
	out->version = id->version;
	out->arch = id->arch;
	out->origin = id->origin;
	out->pkg_format = id->format;
}

/*
 * libarchive converts member names to the character set of the calling
 * thread's locale and gives NULL for a name it cannot convert; harden runs
 * in the C locale, so the members of a zip with UTF-8 names ("héllo") were
 * reported nameless and never scanned. Walks run in C.UTF-8 (uselocale():
 * this thread only): names come through as the archive spells them.
 */
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static locale_t utf8_locale_obj;
static void make_utf8_locale(void)
{
	utf8_locale_obj = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

bool pkg_scan_memory(const char *path, const void *data, size_t size,
		     const struct scan_opts *o, struct scan_batch *out)
{
	pthread_once(&utf8_once, make_utf8_locale);
	locale_t before = utf8_locale_obj ? uselocale(utf8_locale_obj) : (locale_t)0;
	bool was = scan_memory(path, data, size, o, out);
	if (utf8_locale_obj)
		uselocale(before);
	return was;
}

bool pkg_scan_archive(const char *path, const struct scan_opts *o, struct scan_batch *out)
{
	struct scan_record *r;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) != 0) {
		r = scan_batch_add(out);
		r->path = xstrdup(path);
		r->error = xasprintf("cannot open: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return true;
	}
	if (st.st_size == 0) {
		close(fd);
		return false;
	}
	size_t first = out->n, skipped = out->skipped;
	enum pkg_cache_hit hit = pkg_cache_load(path, &st, o, out);
	if (hit != PKG_CACHE_MISS) {
		close(fd);
		return hit == PKG_CACHE_ARCHIVE;
	}
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		r = scan_batch_add(out);
		r->path = xstrdup(path);
		r->error = xasprintf("cannot map: %s", strerror(errno));
		return true;
	}
	bool was = pkg_scan_memory(path, map, (size_t)st.st_size, o, out);
	munmap(map, (size_t)st.st_size);
	pkg_cache_store(path, &st, o, was, out, first, out->skipped - skipped);
	return was;
}
