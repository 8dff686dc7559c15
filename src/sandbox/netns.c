/*
 * netns.c — the sandbox's network namespace: created beside the sandbox's
 * first process rather than with it, with its loopback interface up, and
 * handed over as a file descriptor.
 *
 * Why not simply CLONE_NEWNET with the other namespaces: creating a network
 * namespace is the most expensive step of the whole start (a third of a
 * millisecond here: every network subsystem sets up its per-namespace
 * state), and clone() pays it before the new process even exists. So
 * harden clones init without it, and a short-lived helper, forked by harden,
 * joins init's user namespace (harden owns it, so it holds every capability
 * there), creates the network namespace and sends it to init over a socket
 * while init builds the file system; init joins it before the command
 * exists, and fails (naming the step) if it cannot: the command never runs
 * outside it. Init itself runs no network code.
 *
 * A fresh network namespace has only "lo", and it is down: 127.0.0.1 does
 * not even answer. Builds whose test suites talk to themselves over
 * loopback (network = loopback) need it up; with network = none it is up
 * too, harmlessly, since seccomp then refuses inet sockets anyway. One
 * ioctl is enough; no netlink library needed.
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int sandbox_loopback_up(struct herr *err)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return herr_set(err, "loopback: socket: %s", strerror(errno));
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	int rc = 0;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		rc = herr_set(err, "loopback: SIOCGIFFLAGS: %s", strerror(errno));
	else {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			rc = herr_set(err, "loopback: bringing lo up: %s", strerror(errno));
	}
	close(fd);
	return rc;
}

/* Join the user namespace of pid, create the network namespace, bring lo up. */
static int create_in(pid_t pid, struct herr *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	int userns = open(path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return herr_set(err, "network namespace: cannot open %s: %s", path, strerror(errno));
	int rc = setns(userns, CLONE_NEWUSER);
	int saved = errno;
	close(userns);
	if (rc < 0)
		return herr_set(err, "network namespace: cannot join the sandbox's user namespace: %s", strerror(saved));
	if (unshare(CLONE_NEWNET) < 0)
		return herr_set(err, "network namespace: unshare(CLONE_NEWNET): %s", strerror(errno));
	return sandbox_loopback_up(err);
}

int sandbox_netns_create(pid_t init, int sock, struct herr *err)
{
	int netns = -1;
	if (create_in(init, err) == 0) {
		netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (netns < 0)
			herr_set(err, "network namespace: cannot open /proc/self/ns/net: %s", strerror(errno));
	}
	/* One message: "+" with the namespace, or the reason there is none. */
	char cbuf[CMSG_SPACE(sizeof(int))];
	memset(cbuf, 0, sizeof(cbuf));
	struct iovec iov;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (netns >= 0) {
		iov = (struct iovec){ "+", 1 };
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &netns, sizeof(int));
	} else {
		iov = (struct iovec){ err->msg, strlen(err->msg) };
	}
	ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	if (netns >= 0)
		close(netns);
	if (n < 0 && netns >= 0)
		return herr_set(err, "network namespace: cannot hand it over: %s", strerror(errno));
	return netns >= 0 ? 0 : -1;
}

int sandbox_netns_join(int sock, struct herr *err)
{
	char text[sizeof(err->msg)];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { text, sizeof(text) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	ssize_t n;
	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return herr_set(err, "network namespace: recvmsg: %s", strerror(errno));
	int netns = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&netns, CMSG_DATA(c), sizeof(int));
	if (netns < 0) {
		text[n] = '\0';
		return n > 0 ? herr_set(err, "%s", text)
			     : herr_set(err, "network namespace: the helper creating it ended without one");
	}
	int rc = setns(netns, CLONE_NEWNET);
	int saved = errno;
	close(netns);
	if (rc < 0)
		return herr_set(err, "network namespace: cannot join it: %s", strerror(saved));
	return 0;
}
