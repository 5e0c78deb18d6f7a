/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsr-domtime: the time of day of a domU that Xen froze across a host
 * suspend.
 *
 * Xen hides the frozen time from a frozen domU's virtual counter, so the
 * guest sees no stall; Linux on Arm reads Xen's wall clock only at boot, so
 * its CLOCK_REALTIME then lags by the frozen time. Nothing in the guest
 * kernel can notice, so a small agent does what a guest agent does under
 * KVM after a host resume (libvirt's `virsh domtime --sync`): dom0 pushes
 * its time of day through xenstore and the agent in the domU sets it.
 *
 *   xsr-domtime push DOMID...    (dom0, after it resumed) write dom0's
 *                                CLOCK_REALTIME to
 *                                /local/domain/DOMID/data/xsr-wallclock
 *   xsr-domtime offset DOMID     (dom0) ask the agent for its clock and
 *                                print how far it is from dom0's (NTP-style:
 *                                the midpoint of the round trip), in ms
 *   xsr-domtime agent            (domU, as root) set CLOCK_REALTIME to each
 *                                new data/xsr-wallclock; answer
 *                                data/xsr-clock-query in data/xsr-clock-reply
 *
 * The domU's data/ directory is writable by the domU and by dom0 (libxl
 * creates it so). Static, no libraries: it talks the xenstore wire
 * protocol over xenstored's socket (dom0) or /dev/xen/xenbus (domU).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#define KEY_WALLCLOCK "data/xsr-wallclock"
#define KEY_QUERY "data/xsr-clock-query"
#define KEY_REPLY "data/xsr-clock-reply"

static int xs_fd = -1;
static uint32_t next_req = 1;

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "xsr-domtime: %s\n", what);
	exit(1);
}

static void xs_open(void)
{
	static const char *const sockets[] = { "/run/xenstored/socket", "/var/run/xenstored/socket" };
	unsigned int i;

	for ( i = 0; i < sizeof(sockets) / sizeof(sockets[0]); i++ )
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		if ( fd < 0 )
			break;
		strncpy(sa.sun_path, sockets[i], sizeof(sa.sun_path) - 1);
		if ( connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 )
		{
			xs_fd = fd;
			return;
		}
		close(fd);
	}
	xs_fd = open("/dev/xen/xenbus", O_RDWR);
	if ( xs_fd < 0 )
		die("no xenstore: neither xenstored's socket nor /dev/xen/xenbus");
}

static void write_all(const void *buf, size_t len)
{
	const char *p = buf;

	while ( len )
	{
		ssize_t n = write(xs_fd, p, len);

		if ( n < 0 && errno == EINTR )
			continue;
		if ( n <= 0 )
			die("writing to xenstore failed");
		p += n;
		len -= (size_t)n;
	}
}

static void read_all(void *buf, size_t len)
{
	char *p = buf;

	while ( len )
	{
		ssize_t n = read(xs_fd, p, len);

		if ( n < 0 && errno == EINTR )
			continue;
		if ( n <= 0 )
			die("reading from xenstore failed");
		p += n;
		len -= (size_t)n;
	}
}

/* Send one request: type, then the parts (each with its NUL if nul[i]). */
static uint32_t xs_send(uint32_t type, const char *a, int nul_a, const char *b, int nul_b)
{
	struct xsd_sockmsg m = { .type = type, .req_id = next_req++ };
	size_t la = a ? strlen(a) + (nul_a ? 1 : 0) : 0;
	size_t lb = b ? strlen(b) + (nul_b ? 1 : 0) : 0;

	m.len = (uint32_t)(la + lb);
	write_all(&m, sizeof(m));
	if ( la )
		write_all(a, la);
	if ( lb )
		write_all(b, lb);
	return m.req_id;
}

/*
 * Read one message into body (NUL-terminated, at most XENSTORE_PAYLOAD_MAX
 * bytes); returns its header.
 */
static struct xsd_sockmsg xs_recv(char *body)
{
	struct xsd_sockmsg m;

	read_all(&m, sizeof(m));
	if ( m.len > XENSTORE_PAYLOAD_MAX )
		die("oversized xenstore message");
	read_all(body, m.len);
	body[m.len] = '\0';
	return m;
}

/* Handlers for watch events that arrive while waiting for a reply. */
static void on_event(const char *path, const char *token);

/*
 * Wait for the reply to request id; watch events met on the way are
 * handled. Returns 0 and the reply in body, or -1 on XS_ERROR.
 */
static int xs_wait(uint32_t id, char *body)
{
	for ( ;; )
	{
		struct xsd_sockmsg m = xs_recv(body);

		if ( m.type == XS_WATCH_EVENT )
		{
			const char *path = body;
			const char *token = body + strlen(body) + 1;

			if ( token < body + m.len )
				on_event(path, token);
			continue;
		}
		if ( m.req_id != id )
			continue;
		return m.type == XS_ERROR ? -1 : 0;
	}
}

static int xs_write(const char *path, const char *value)
{
	static char body[XENSTORE_PAYLOAD_MAX + 1];

	return xs_wait(xs_send(XS_WRITE, path, 1, value, 0), body);
}

/* Read path into out (size XENSTORE_PAYLOAD_MAX + 1); -1 if absent. */
static int xs_read(const char *path, char *out)
{
	return xs_wait(xs_send(XS_READ, path, 1, NULL, 0), out);
}

static void now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

static double seconds(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

/* "SEC.NSEC" with 9 digits of nanoseconds. */
static void format_time(char *buf, size_t len, const struct timespec *ts)
{
	snprintf(buf, len, "%lld.%09ld", (long long)ts->tv_sec, ts->tv_nsec);
}

static int parse_time(const char *s, struct timespec *ts)
{
	long long sec;
	long nsec;

	if ( sscanf(s, "%lld.%9ld", &sec, &nsec) != 2 || nsec < 0 || nsec > 999999999 )
		return -1;
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = nsec;
	return 0;
}

/* ---- agent (domU) ---- */

static char last_wallclock[XENSTORE_PAYLOAD_MAX + 1];

static void agent_wallclock(void)
{
	static char value[XENSTORE_PAYLOAD_MAX + 1];
	struct timespec to, before;

	if ( xs_read(KEY_WALLCLOCK, value) || !strcmp(value, last_wallclock) )
		return;
	memcpy(last_wallclock, value, sizeof(last_wallclock));
	if ( parse_time(value, &to) )
	{
		printf("xsr-domtime: ignored a malformed time '%s'\n", value);
		return;
	}
	now(&before);
	if ( clock_settime(CLOCK_REALTIME, &to) )
	{
		printf("xsr-domtime: cannot set the clock: %s\n", strerror(errno));
		return;
	}
	printf("xsr-domtime: clock set from dom0's, stepped by %+.3f s\n", seconds(&to) - seconds(&before));
	fflush(stdout);
}

static void agent_query(void)
{
	static char value[XENSTORE_PAYLOAD_MAX + 1];
	char reply[160], t[64];
	struct timespec ts;

	if ( xs_read(KEY_QUERY, value) || !value[0] )
		return;
	now(&ts);
	format_time(t, sizeof(t), &ts);
	snprintf(reply, sizeof(reply), "%.63s %s", value, t);
	if ( xs_write(KEY_REPLY, reply) )
		printf("xsr-domtime: cannot write %s\n", KEY_REPLY);
}

/* Watch events seen (also while waiting for a reply), handled in agent(). */
static int pending_wallclock, pending_query;

static void on_event(const char *path, const char *token)
{
	(void)path;
	if ( !strcmp(token, "wallclock") )
		pending_wallclock = 1;
	else if ( !strcmp(token, "query") )
		pending_query = 1;
}

static void __attribute__((noreturn)) agent(void)
{
	static char body[XENSTORE_PAYLOAD_MAX + 1];

	setvbuf(stdout, NULL, _IOLBF, 0);
	xs_open();
	/* Whatever is there already was meant for an earlier boot. */
	if ( !xs_read(KEY_WALLCLOCK, body) )
		memcpy(last_wallclock, body, sizeof(last_wallclock));
	if ( xs_wait(xs_send(XS_WATCH, KEY_WALLCLOCK, 1, "wallclock", 1), body) ||
	     xs_wait(xs_send(XS_WATCH, KEY_QUERY, 1, "query", 1), body) )
		die("cannot watch data/: is this a domU with xenstore?");
	printf("xsr-domtime: agent running\n");
	for ( ;; )
	{
		struct xsd_sockmsg m;

		while ( pending_wallclock || pending_query )
		{
			if ( pending_wallclock )
			{
				pending_wallclock = 0;
				agent_wallclock();
			}
			if ( pending_query )
			{
				pending_query = 0;
				agent_query();
			}
		}
		m = xs_recv(body);
		if ( m.type == XS_WATCH_EVENT )
		{
			const char *token = body + strlen(body) + 1;

			if ( token < body + m.len )
				on_event(body, token);
		}
	}
}

/* ---- dom0 ---- */

static int push(int argc, char **argv)
{
	int i, rc = 0;

	xs_open();
	for ( i = 0; i < argc; i++ )
	{
		char path[96], t[64];
		struct timespec ts;

		snprintf(path, sizeof(path), "/local/domain/%d/%s", atoi(argv[i]), KEY_WALLCLOCK);
		now(&ts);
		format_time(t, sizeof(t), &ts);
		if ( xs_write(path, t) )
		{
			fprintf(stderr, "xsr-domtime: cannot write %s\n", path);
			rc = 1;
		}
	}
	return rc;
}

static int offset(const char *domid)
{
	static char value[XENSTORE_PAYLOAD_MAX + 1];
	char query_path[96], reply_path[96], t1s[64];
	struct timespec t1, t2, guest;
	int tries;

	xs_open();
	snprintf(query_path, sizeof(query_path), "/local/domain/%d/%s", atoi(domid), KEY_QUERY);
	snprintf(reply_path, sizeof(reply_path), "/local/domain/%d/%s", atoi(domid), KEY_REPLY);
	now(&t1);
	format_time(t1s, sizeof(t1s), &t1);
	if ( xs_write(query_path, t1s) )
		die("cannot write the query");
	/* Poll for the reply to this query: up to 10 s. */
	for ( tries = 0; tries < 1000; tries++ )
	{
		if ( !xs_read(reply_path, value) && !strncmp(value, t1s, strlen(t1s)) &&
		     value[strlen(t1s)] == ' ' && !parse_time(value + strlen(t1s) + 1, &guest) )
		{
			double mid, rtt;

			now(&t2);
			rtt = seconds(&t2) - seconds(&t1);
			mid = seconds(&t1) + rtt / 2;
			printf("offset %+.0f ms rtt %.0f ms\n", (seconds(&guest) - mid) * 1e3, rtt * 1e3);
			return 0;
		}
		usleep(10000);
	}
	die("no reply from the agent within 10 s");
}

int main(int argc, char **argv)
{
	if ( argc >= 2 && !strcmp(argv[1], "agent") )
		agent();
	if ( argc >= 3 && !strcmp(argv[1], "push") )
		return push(argc - 2, argv + 2);
	if ( argc == 3 && !strcmp(argv[1], "offset") )
		return offset(argv[2]);
	fprintf(stderr, "usage: xsr-domtime agent | push DOMID... | offset DOMID\n");
	return 2;
}
