/*
 * signature.c — check the PGP clear-signature of the distributed list with
 * the real gpgv, against a keyring the administrator chose. OpenPGP is far
 * too easy to get subtly wrong to reimplement; gpgv is the tool made for
 * exactly this (verify only, no trust database, no agent).
 *
 * The text is written to a private temporary file rather than piped, so a
 * chatty gpgv can never deadlock against us; gpgv's diagnostics are kept and
 * returned in the error so the user sees why a signature was refused.
 */
#include "vuln/vuln.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int temp_file(char *path, size_t size, const char *text, size_t len, struct herr *err)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, size, "%s/harden-vuln.XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return herr_set(err, "cannot create a temporary file in %s: %s", dir ? dir : "/tmp",
				strerror(errno));
	if (text && write_all(fd, text, len) < 0) {
		int e = errno;
		close(fd);
		unlink(path);
		return herr_set(err, "cannot write temporary file %s: %s", path, strerror(e));
	}
	return fd;
}

/* The last non-empty line of gpgv's output, for the error message. */
static void last_words(int fd, char *out, size_t size)
{
	char buf[4096];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	out[0] = '\0';
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (*line)
			snprintf(out, size, "%s", line);
}

int vuln_verify_signature(const char *text, size_t len, const char *keyring, struct herr *err)
{
	if (!keyring || !*keyring)
		return herr_set(err, "no keyring to check the signature against "
				"(--keyring or GPG_KEYRING_PKGVULN in pkg_install.conf)");
	if (access(keyring, R_OK) != 0)
		return herr_set(err, "keyring %s: %s", keyring, strerror(errno));
	char data[4096], log[4096];
	int dfd = temp_file(data, sizeof(data), text, len, err);
	if (dfd < 0)
		return -1;
	int lfd = temp_file(log, sizeof(log), NULL, 0, err);
	if (lfd < 0) {
		close(dfd);
		unlink(data);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, lfd, 1);
	posix_spawn_file_actions_adddup2(&fa, lfd, 2);
	char *argv[] = { "gpgv", "--keyring", (char *)keyring, "--", data, NULL };
	pid_t pid;
	int rc = posix_spawnp(&pid, "gpgv", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	int status = 0;
	if (rc == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	char words[512];
	last_words(lfd, words, sizeof(words));
	close(lfd);
	close(dfd);
	unlink(log);
	unlink(data);
	if (rc != 0)
		return herr_set(err, "cannot run gpgv: %s (install the gpgv package)", strerror(rc));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return herr_set(err, "PGP signature not verified by gpgv against %s: %s", keyring,
				*words ? words : "no diagnostic");
	return 0;
}
