/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tiny dom0 helper for `make bench` (busybox has no nanosecond clock):
 *   xsr-bench ns          CLOCK_MONOTONIC in nanoseconds
 *   xsr-bench hcloop N    N xen_version hypercalls through /dev/xen/privcmd;
 *                         prints "hypercalls N ns_total ns_per_call"
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
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
