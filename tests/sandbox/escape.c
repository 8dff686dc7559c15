/*
 * escape.c — escape attempts, compiled by tests/sandbox/escape.sh at test
 * time and run inside (and, for the flipped checks, outside) the sandbox.
 *
 * `escape ACTION [ARG]` tries one thing and prints one word: "allowed" when
 * it worked, otherwise the errno name (EPERM, EROFS, ...), so the test
 * asserts the exact reason a layer gave. (Not named test_*.c on purpose:
 * it is a helper, not a cmocka test.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int result(int rc)
{
	if (rc >= 0)
		puts("allowed");
	else {
		const char *name = strerrorname_np(errno);
		puts(name ? name : "E?");
	}
	return 0;
}

static int try_socket(const char *fam)
{
	int f = !strcmp(fam, "inet") ? AF_INET : !strcmp(fam, "inet6") ? AF_INET6
		: !strcmp(fam, "packet") ? AF_PACKET : !strcmp(fam, "netlink") ? AF_NETLINK : AF_UNIX;
	int type = f == AF_PACKET || f == AF_NETLINK ? SOCK_RAW : SOCK_STREAM;
	return result(socket(f, type, 0));
}

/* socket() through the raw syscall with garbage in the upper half of the
 * 64-bit register: the kernel reads an int and ignores it, so a filter
 * that compares all 64 bits lets AF_INET through. */
static int try_socket_high_bits(const char *fam)
{
	unsigned long f = !strcmp(fam, "inet6") ? AF_INET6 : AF_INET;
	return result((int)syscall(SYS_socket, f | (0xdeadUL << 32), (unsigned long)SOCK_STREAM, 0UL));
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int try_connect(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return result(s);
	struct sockaddr_in a = loopback(port);
	return result(connect(s, (struct sockaddr *)&a, sizeof(a)));
}

/* serve FILE: listen on 127.0.0.1, an ephemeral port written to FILE, for 60 s. */
static int serve(const char *file)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0)
		return result(-1);
	FILE *f = fopen(file, "w");
	if (!f)
		return result(-1);
	fprintf(f, "%d\n", ntohs(a.sin_port));
	fclose(f);
	alarm(60);
	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c >= 0)
			close(c);
	}
}

/* A server and a client over loopback, both inside: what a test suite does. */
static int try_loopback(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0)
		return result(-1);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
		return result(-1);
	int peer = accept(s, NULL, NULL);
	char buf[6] = "";
	if (peer < 0 || write(c, "hello", 5) != 5 || read(peer, buf, 5) != 5)
		return result(-1);
	return result(strcmp(buf, "hello") ? (errno = EPROTO, -1) : 0);
}

static int try_resolve(const char *host)
{
	struct addrinfo *ai = NULL;
	int rc = getaddrinfo(host, "80", NULL, &ai);
	if (rc == 0) {
		freeaddrinfo(ai);
		puts("allowed");
	} else {
		puts("EAI");
	}
	return 0;
}

static int try_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return result(-1);
	int rc = write(fd, "escaped\n", 8) == 8 ? 0 : -1;
	close(fd);
	return result(rc);
}

static int try_chmod_suid(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0755);
	if (fd < 0)
		return result(-1);
	close(fd);
	return result(chmod(path, 04755));
}

static int try_ptrace(int pid)
{
	long rc = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
	if (rc == 0)
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return result((int)rc);
}

static int try_raise_rlimit(void)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return result(-1);
	if (r.rlim_max == RLIM_INFINITY) {
		puts("unlimited");
		return 0;
	}
	r.rlim_max += 1;
	r.rlim_cur = r.rlim_max;
	return result(setrlimit(RLIMIT_NOFILE, &r));
}

/* Fork until the kernel says no; print why. The children die with the sandbox. */
static int forkbomb(void)
{
	for (int n = 0; n < 100000; n++) {
		pid_t p = fork();
		if (p < 0)
			return result(-1);
		if (p == 0) {
			pause();
			_exit(0);
		}
	}
	puts("unbounded");
	return 0;
}

/* daemon MARKER: detach and try to outlive the build (MARKER is for pgrep). */
static int daemonize(const char *marker)
{
	(void)marker;
	pid_t p = fork();
	if (p < 0)
		return result(-1);
	if (p == 0) {
		setsid();
		if (fork() == 0) {
			for (int i = 0; i < 600; i++)
				sleep(1);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(p, NULL, 0);
	puts("allowed");
	return 0;
}

int main(int argc, char **argv)
{
	const char *a = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";
	if (!strcmp(a, "socket"))
		return try_socket(arg);
	if (!strcmp(a, "socket-high-bits"))
		return try_socket_high_bits(arg);
	if (!strcmp(a, "connect"))
		return try_connect(atoi(arg));
	if (!strcmp(a, "serve"))
		return serve(arg);
	if (!strcmp(a, "loopback"))
		return try_loopback();
	if (!strcmp(a, "resolve"))
		return try_resolve(arg);
	if (!strcmp(a, "write"))
		return try_write(arg);
	if (!strcmp(a, "chmod-suid"))
		return try_chmod_suid(arg);
	if (!strcmp(a, "ptrace"))
		return try_ptrace(atoi(arg));
	if (!strcmp(a, "signal"))
		return result(kill(atoi(arg), 0));
	if (!strcmp(a, "mount"))
		return result(mount("none", arg, "tmpfs", 0, NULL));
	if (!strcmp(a, "unshare-user"))
		return result(unshare(CLONE_NEWUSER));
	if (!strcmp(a, "raise-rlimit"))
		return try_raise_rlimit();
	if (!strcmp(a, "forkbomb"))
		return forkbomb();
	if (!strcmp(a, "daemon"))
		return daemonize(arg);
	if (!strcmp(a, "bpf"))
		return result((int)syscall(SYS_bpf, 0, NULL, 0));
	if (!strcmp(a, "keyctl"))
		return result((int)syscall(SYS_keyctl, 0, 0, 0, 0, 0));
	if (!strcmp(a, "userfaultfd"))
		return result((int)syscall(SYS_userfaultfd, 0));
	if (!strcmp(a, "io_uring"))
		return result((int)syscall(SYS_io_uring_setup, 1, NULL));
	if (!strcmp(a, "perf"))
		return result((int)syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	fprintf(stderr, "usage: escape ACTION [ARG]\n");
	return 2;
}
