/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tiny dom0 helper for `make bench` (busybox has no nanosecond clock):
 *   xsr-bench ns          CLOCK_MONOTONIC in nanoseconds
 *   xsr-bench hcloop N    N xen_version hypercalls through /dev/xen/privcmd;
 *                         prints "hypercalls N ns_total ns_per_call"
 *   xsr-bench freepages   Xen's free pages (XEN_SYSCTL_physinfo, what
 *                         `xl info` shows in MB), exactly: the scenarios'
 *                         leak checks compare it before and after
 *
 * Built by ci/dom0.sh against the patched tree's public headers, so the
 * sysctl interface version is the hypervisor's.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/sysctl.h>

struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))
#define HYPERVISOR_xen_version 17
#define XENVER_version 0

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* XEN_SYSCTL_physinfo: Xen's free pages, or -1. */
static long long free_pages(void)
{
	/* Page-aligned and touched: the buffer the hypercall writes is mapped. */
	static struct xen_sysctl sysctl __attribute__((aligned(4096)));
	struct privcmd_hypercall h = { .op = __HYPERVISOR_sysctl,
				       .arg = { (uint64_t)(uintptr_t)&sysctl } };
	int fd = open("/dev/xen/privcmd", O_RDWR);
	int rc;

	if (fd < 0)
		return -1;
	memset(&sysctl, 0, sizeof(sysctl));
	sysctl.cmd = XEN_SYSCTL_physinfo;
	sysctl.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	rc = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
	close(fd);
	return rc < 0 ? -1 : (long long)sysctl.u.physinfo.free_pages;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "freepages")) {
		long long n = free_pages();

		if (n < 0) {
			perror("sysctl physinfo");
			return 1;
		}
		printf("%lld\n", n);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "ns")) {
		printf("%llu\n", (unsigned long long)now_ns());
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "hcloop")) {
		long n = strtol(argv[2], NULL, 10);
		struct privcmd_hypercall h = { .op = HYPERVISOR_xen_version,
					       .arg = { XENVER_version } };
		int fd = open("/dev/xen/privcmd", O_RDWR);
		uint64_t t0, t1;
		long i;

		if (fd < 0 || n <= 0) {
			perror("privcmd");
			return 1;
		}
		t0 = now_ns();
		for (i = 0; i < n; i++)
			if (ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h) < 0) {
				perror("hypercall");
				return 1;
			}
		t1 = now_ns();
		printf("hypercalls %ld %llu %llu\n", n, (unsigned long long)(t1 - t0),
		       (unsigned long long)((t1 - t0) / (uint64_t)n));
		return 0;
	}
	fprintf(stderr, "usage: xsr-bench ns | hcloop N\n");
	return 2;
}
