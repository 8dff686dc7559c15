/*
 * file.c — scan one file: look at the first bytes, skip what is not ELF,
 * hand archives to pkg/, and read the rest through libelf (headers, then
 * only the sections needed, with pread), then check the facts.
 */
#include "scan/scan.h"
#include "pkg/pkg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct scan_record *scan_batch_add(struct scan_batch *b)
{
	if (b->n == b->alloc) {
		b->alloc = b->alloc ? b->alloc * 2 : 4;
		b->recs = xrealloc(b->recs, b->alloc * sizeof(*b->recs));
	}
	struct scan_record *r = &b->recs[b->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

void scan_record_free(struct scan_record *r)
{
	free(r->path);
	free(r->package);
	free(r->version);
	free(r->member);
	free(r->error);
	free(r->rendered);
	free(r->link);
	elf_facts_free(&r->facts);
}

void scan_batch_free(struct scan_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		scan_record_free(&b->recs[i]);
	free(b->recs);
	free(b->package);
	free(b->version);
	free(b->arch);
	free(b->origin);
	memset(b, 0, sizeof(*b));
}

static void record_error(struct scan_batch *out, const char *path, const char *fmt, int e)
{
	struct scan_record *r = scan_batch_add(out);
	r->path = xstrdup(path);
	r->error = xasprintf(fmt, strerror(e));
}

/*
 * Read facts from memory (data, size bytes) or from an open file (fd, size
 * bytes, whose first head_len bytes are in data), then check them.
 */
static void scan_elf(const char *path, const void *data, size_t head_len, int fd, size_t size,
		     const struct scan_opts *o, struct scan_batch *out)
{
	struct herr err;
	struct scan_record *r = scan_batch_add(out);
	r->path = xstrdup(path);
	int rc = fd < 0 ? elf_facts_read(path, data, size, &o->elf, &r->facts, &err)
			: elf_facts_read_fd(path, fd, size, data, head_len, &o->elf, &r->facts, &err);
	if (rc != 0) {
		r->error = xstrdup(err.msg);
		return;
	}
	check_elf(&r->facts, &o->policy, &r->res);
}

void scan_image(const char *path, const void *data, size_t size,
		const struct scan_opts *o, struct scan_batch *out)
{
	scan_elf(path, data, size, -1, size, o, out);
}

/*
 * Files up to this size are read whole with one pread and parsed in
 * memory, where libelf reading them through the descriptor makes eight to
 * ten reads of a few hundred bytes each (measured about even at 16 KiB, a
 * loss above 64 KiB: copying is not free either). Bigger files are read
 * through libelf, only the parts needed.
 */
#define READ_WHOLE_MAX (16 * 1024)

/* Read a small regular file whole; 0, or an errno. */
static int read_small(int fd, size_t size, unsigned char **data, size_t *got)
{
	*data = xmalloc(size ? size : 1);
	ssize_t n = pread(fd, *data, size, 0);
	if (n < 0) {
		int e = errno;
		free(*data);
		return e;
	}
	*got = (size_t)n; /* shorter when the file shrank meanwhile: parse what is there */
	return 0;
}

static void scan_small(const char *path, int fd, size_t size, const struct scan_opts *o, struct scan_batch *out)
{
	unsigned char *data = NULL;
	size_t got = 0;
	int e = read_small(fd, size, &data, &got);
	if (e) {
		record_error(out, path, "cannot read: %s", e);
		return;
	}
	if (got >= 4 && elf_is_elf(data, got))
		scan_elf(path, data, got, -1, got, o, out);
	else if (!pkg_is_archive(data, got) || !pkg_scan_archive(path, o, out))
		out->skipped++;
	free(data);
}

/*
 * A directory met as an input (a line of a --from list, which is not
 * stat'ed beforehand): its files are scanned here, in the walk's order,
 * into this one batch.
 */
static void scan_tree(const char *path, const struct scan_opts *o, struct scan_batch *out)
{
	struct strvec files = { 0 }, errors = { 0 };
	struct walk_opts wo = { .follow = false, .exclude = o->exclude };
	char *root = xstrdup(path);
	walk_paths(&root, 1, &wo, &files, &errors);
	for (size_t i = 0; i < errors.n; i++) {
		struct scan_record *r = scan_batch_add(out);
		r->path = xstrdup(path);
		r->error = xstrdup(errors.v[i]);
	}
	for (size_t i = 0; i < files.n; i++)
		scan_path(files.v[i], o, out);
	free(root);
	strvec_clear(&files);
	strvec_clear(&errors);
}

void scan_path(const char *path, const struct scan_opts *o, struct scan_batch *out)
{
	unsigned char magic[512];
	struct stat st;
	ssize_t got;
	/* O_NONBLOCK: a FIFO named on the command line must not hang the scan */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		record_error(out, path, "cannot open: %s", errno);
		return;
	}
	if (fstat(fd, &st) != 0) {
		record_error(out, path, "cannot stat: %s", errno);
	} else if (S_ISDIR(st.st_mode)) {
		scan_tree(path, o, out);
	} else if (!S_ISREG(st.st_mode)) {
		out->skipped++;
	} else if (st.st_size <= READ_WHOLE_MAX) {
		scan_small(path, fd, (size_t)st.st_size, o, out);
	} else if ((got = pread(fd, magic, sizeof(magic), 0)) < 0) {
		record_error(out, path, "cannot read: %s", errno);
	} else if (got < 4 || !elf_is_elf(magic, (size_t)got)) {
		/* not ELF: maybe a package archive, read in memory by pkg/ */
		if (!pkg_is_archive(magic, (size_t)got) || !pkg_scan_archive(path, o, out))
			out->skipped++;
	} else {
		/* big: read through libelf, only what is needed (see elf_facts_read_fd()) */
		scan_elf(path, magic, (size_t)got, fd, (size_t)st.st_size, o, out);
	}
	close(fd);
}
