/*
 * netns.c — bring up the loopback interface of the new network namespace.
 *
 * A fresh network namespace has only "lo", and it is down: 127.0.0.1 does
 * not even answer. Builds whose test suites talk to themselves over
 * loopback (network = loopback) need it up; with network = none it is up
 * too, harmlessly, since seccomp then refuses inet sockets anyway. One
 * ioctl is enough; no netlink library needed.
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <net/if.h>
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
