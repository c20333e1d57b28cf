// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Fd passing (iommufd/passfd.h) over real socketpair(2)s: sets, the message
 * both ways, malformed and hostile messages (every received descriptor
 * closed), the helper's checks of the peer and the names, and the socket
 * calls failing through a replaced seam.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "check.h"
#include "fake-kernel.h"

#include "base/passfd-msg.h"
#include "base/sys.h"

#define UUID "5b5d2d3c-0e6f-4a7a-9d2b-1c3e4f506172"

/* Open descriptors of this process. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own */
}

static void same_file(int a, int b)
{
	struct stat sa, sb;

	assert_int_equal(fstat(a, &sa), 0);
	assert_int_equal(fstat(b, &sb), 0);
	assert_true(sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

static void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

/* A set of four: an iommufd (any file stands in), a PCI function, an mdev, a vDPA device. */
static struct iommufd_passfd_set *four(int fd)
{
	struct iommufd_passfd_set *s;

	assert_ok(NULL, iommufd_passfd_set_new(&s));
	assert_ok(NULL, iommufd_passfd_set_add(s, IOMMUFD_PASSFD_IOMMUFD, NULL, fd));
	assert_ok(NULL, iommufd_passfd_set_add(s, IOMMUFD_PASSFD_VFIO_PCI, "00:03.0", fd));
	assert_ok(NULL, iommufd_passfd_set_add(s, IOMMUFD_PASSFD_VFIO_MDEV, "5B5D2D3C-0E6F-4A7A-9D2B-1C3E4F506172", fd));
	assert_ok(NULL, iommufd_passfd_set_add(s, IOMMUFD_PASSFD_VDPA, "vdpa0", fd));
	return s;
}

static void test_set(void **state)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), before = open_fds(), taken;
	struct iommufd_passfd_set *s = four(fd), *t;
	const struct iommufd_passfd_entry *e;

	(void)state;
	assert_int_equal(open_fds(), before + 4); /* the set's own duplicates */
	assert_int_equal(iommufd_passfd_set_count(s), 4);
	e = iommufd_passfd_set_get(s, 1);
	assert_string_equal(e->name, "0000:00:03.0");
	assert_int_equal(e->kind, IOMMUFD_PASSFD_VFIO_PCI);
	assert_true(fcntl(e->fd, F_GETFD) & FD_CLOEXEC);
	assert_string_equal(iommufd_passfd_set_get(s, 2)->name, UUID);
	assert_null(iommufd_passfd_set_get(s, 4));
	assert_int_equal(iommufd_passfd_set_find(s, IOMMUFD_PASSFD_VFIO_PCI, "0000:00:03.0"), 1);
	assert_int_equal(iommufd_passfd_set_find(s, IOMMUFD_PASSFD_IOMMUFD, ""), 0);
	assert_fails(NULL, ENOENT, iommufd_passfd_set_find(s, IOMMUFD_PASSFD_VFIO_PCI, "00:04.0"),
		     "it has: iommufd, VFIO PCI 0000:00:03.0, VFIO mdev " UUID ", vDPA vdpa0");
	assert_fails(NULL, EINVAL, iommufd_passfd_set_find(s, IOMMUFD_PASSFD_VFIO_PCI, "/sys/bus/pci"),
		     "not a PCI address");
	/* refusals */
	assert_fails(NULL, EEXIST, iommufd_passfd_set_add(s, IOMMUFD_PASSFD_VFIO_PCI, "0000:00:03.0", fd), "already");
	assert_fails(NULL, EEXIST, iommufd_passfd_set_add(s, IOMMUFD_PASSFD_IOMMUFD, "", fd), "already");
	assert_fails(NULL, EINVAL, iommufd_passfd_set_add(s, IOMMUFD_PASSFD_IOMMUFD, "x", fd), "no name");
	assert_fails(NULL, EINVAL, iommufd_passfd_set_add(s, IOMMUFD_PASSFD_VFIO_MDEV, "5b5d", fd), "UUID");
	assert_fails(NULL, EINVAL, iommufd_passfd_set_add(s, IOMMUFD_PASSFD_VDPA, "../vdpa0", fd), "vDPA device name");
	assert_fails(NULL, EINVAL,
		     iommufd_passfd_set_add(s, IOMMUFD_PASSFD_VDPA,
					    "v234567890123456789012345678901234567890123456789012345678901234", fd),
		     "vDPA device name");
	assert_fails(NULL, EINVAL, iommufd_passfd_set_add(s, (enum iommufd_passfd_kind)9, "a", fd), "unknown kind");
	assert_fails(NULL, EBADF, iommufd_passfd_set_add(s, IOMMUFD_PASSFD_VDPA, "vdpa1", 1000000), "duplicating");
	assert_fails(NULL, EBADF, iommufd_passfd_set_add(s, IOMMUFD_PASSFD_VDPA, "vdpa1", -5), "descriptor");
	assert_int_equal(iommufd_passfd_set_count(s), 4);
	assert_int_equal(open_fds(), before + 4);
	/* take: the caller owns it, the entry has none */
	taken = iommufd_passfd_set_take(s, 3);
	assert_true(taken >= 0);
	assert_int_equal(iommufd_passfd_set_get(s, 3)->fd, -1);
	assert_fails(NULL, EBADF, iommufd_passfd_set_take(s, 3), "taken already");
	assert_fails(NULL, EINVAL, iommufd_passfd_set_take(s, 4), "no entry 4");
	assert_fails(NULL, EBADF, iommufd_passfd_send(-1, s), "has no descriptor");
	close(taken);
	assert_null(iommufd_passfd_set_free(s));
	assert_int_equal(open_fds(), before);
	/* full */
	assert_ok(NULL, iommufd_passfd_set_new(&t));
	for (int i = 0; i < IOMMUFD_PASSFD_MAX_FDS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "vdpa%d", i);
		assert_ok(NULL, iommufd_passfd_set_add(t, IOMMUFD_PASSFD_VDPA, name, -1));
	}
	assert_fails(NULL, E2BIG, iommufd_passfd_set_add(t, IOMMUFD_PASSFD_VDPA, "one-more", -1), "at most 32");
	iommufd_passfd_set_free(t);
	assert_int_equal(iommufd_passfd_set_count(NULL), 0);
	assert_null(iommufd_passfd_set_free(NULL));
	assert_fails(NULL, EINVAL, iommufd_passfd_set_new(NULL), "NULL");
	assert_fails(NULL, EINVAL, iommufd_passfd_set_add(NULL, IOMMUFD_PASSFD_VDPA, "vdpa0", -1), "set is NULL");
	assert_fails(NULL, EINVAL, iommufd_passfd_set_find(NULL, IOMMUFD_PASSFD_VDPA, "vdpa0"), "set is NULL");
	assert_fails(NULL, EINVAL, iommufd_passfd_send(0, NULL), "set is NULL");
	assert_fails(NULL, EINVAL, iommufd_passfd_recv(0, NULL), "set is NULL");
	assert_fails(NULL, EINVAL, iommufd_passfd_request(0, NULL, NULL), "set is NULL");
	close(fd);
}

static void test_send_recv(void **state)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), sv[2], before;
	struct iommufd_passfd_set *s, *r = NULL;

	(void)state;
	pair(sv);
	s = four(fd);
	before = open_fds();
	assert_ok(NULL, iommufd_passfd_send(sv[0], s));
	assert_ok(NULL, iommufd_passfd_recv(sv[1], &r));
	assert_int_equal(open_fds(), before + 4);
	assert_int_equal(iommufd_passfd_set_count(r), 4);
	for (size_t i = 0; i < 4; i++) {
		const struct iommufd_passfd_entry *a = iommufd_passfd_set_get(s, i), *b = iommufd_passfd_set_get(r, i);

		assert_int_equal(a->kind, b->kind);
		assert_string_equal(a->name, b->name);
		assert_int_not_equal(a->fd, b->fd);
		same_file(a->fd, b->fd);
		assert_true(fcntl(b->fd, F_GETFD) & FD_CLOEXEC); /* MSG_CMSG_CLOEXEC */
	}
	iommufd_passfd_set_free(r);
	assert_int_equal(open_fds(), before);
	/* an empty set is a message too */
	iommufd_passfd_set_free(s);
	assert_ok(NULL, iommufd_passfd_set_new(&s));
	assert_ok(NULL, iommufd_passfd_send(sv[0], s));
	r = NULL;
	assert_ok(NULL, iommufd_passfd_recv(sv[1], &r));
	assert_int_equal(iommufd_passfd_set_count(r), 0);
	iommufd_passfd_set_free(r);
	iommufd_passfd_set_free(s);
	/* the peer goes away */
	close(sv[0]);
	r = (struct iommufd_passfd_set *)&r;
	assert_fails(NULL, ECONNRESET, iommufd_passfd_recv(sv[1], &r), "closed");
	assert_ptr_equal(r, (struct iommufd_passfd_set *)&r);
	close(sv[1]);
	close(fd);
}

/* Send raw bytes with @nfds copies of /dev/null. */
static void send_raw(int sock, const void *buf, size_t len, int nfds)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * 64)];
		struct cmsghdr a;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[64], null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(nfds <= 64);
	for (int i = 0; i < nfds; i++)
		fds[i] = null;
	if (nfds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
	}
	assert_int_equal(sendmsg(sock, &mh, 0), (ssize_t)len);
	close(null);
}

/* A message of @n entries as iommufd_passfd_send() would write it. */
static size_t good_msg(unsigned char *buf, int type, int n)
{
	struct iommufd_passfd_set s = { 0 };

	for (int i = 0; i < n; i++)
		snprintf(s.e[s.n++].name, IOMMUFD_PASSFD_NAME_MAX, "vdpa%d", i), s.e[i].kind = IOMMUFD_PASSFD_VDPA;
	return passfd_encode(buf, (enum passfd_type)type, &s, 0, NULL);
}

static void expect_refused(int sv[2], const void *buf, size_t len, int nfds, int err, const char *why)
{
	struct iommufd_passfd_set *r = NULL;
	int before = open_fds();

	send_raw(sv[0], buf, len, nfds);
	assert_fails(NULL, err, iommufd_passfd_recv(sv[1], &r), why);
	assert_null(r);
	assert_int_equal(open_fds(), before); /* every descriptor that came is closed */
}

static void test_malformed(void **state)
{
	unsigned char buf[PASSFD_MSG_MAX + 64];
	struct passfd_wire_hdr *h = (struct passfd_wire_hdr *)buf;
	struct passfd_wire_entry *e = (struct passfd_wire_entry *)(buf + sizeof(*h));
	int sv[2];
	size_t len;

	(void)state;
	memset(buf, 0, sizeof(buf)); /* the longer-than-any message sends bytes past what good_msg() writes */
	pair(sv);
	len = good_msg(buf, PASSFD_REPLY, 2);
	expect_refused(sv, buf, len, 1, EPROTO, "2 entries came with 1 descriptors");
	expect_refused(sv, buf, len, 3, EPROTO, "2 entries came with 3 descriptors");
	expect_refused(sv, buf, 5, 2, EPROTO, "shorter than its header");
	expect_refused(sv, buf, sizeof(*h) + 3, 2, EPROTO, "the header says");
	h->magic = 0x12345678;
	expect_refused(sv, buf, len, 2, EPROTO, "magic 0x12345678");
	len = good_msg(buf, PASSFD_REPLY, 2);
	h->version = 2;
	expect_refused(sv, buf, len, 2, EPROTONOSUPPORT, "version 2");
	len = good_msg(buf, PASSFD_REPLY, 2);
	h->reserved = 1;
	expect_refused(sv, buf, len, 2, EPROTO, "reserved");
	len = good_msg(buf, PASSFD_REPLY, 2);
	h->type = 7;
	expect_refused(sv, buf, len, 2, EPROTO, "unknown message type 7");
	len = good_msg(buf, PASSFD_REPLY, 2);
	h->count = 3, h->len = (uint32_t)(len + sizeof(*e));
	memset(buf + len, 0, sizeof(*e));
	expect_refused(sv, buf, len + sizeof(*e), 3, EPROTO, "entry 2: unknown kind 0");
	len = good_msg(buf, PASSFD_REPLY, 2);
	h->count = 40, h->len = (uint32_t)(sizeof(*h) + 40 * sizeof(*e));
	expect_refused(sv, buf, len, 2, EPROTO, "the header says");
	len = good_msg(buf, PASSFD_REQUEST, 0);
	h->count = 40, h->len = (uint32_t)len;
	expect_refused(sv, buf, len, 0, EPROTO, "40 entries (at most 32)");
	len = good_msg(buf, PASSFD_REQUEST, 1);
	h->count = 2, h->len = (uint32_t)len;
	expect_refused(sv, buf, len, 0, EPROTO, "bytes for 2 entries");
	len = good_msg(buf, PASSFD_REPLY, 0);
	expect_refused(sv, buf, 12, 0, EPROTO, "a message of 12 bytes is shorter than its header");
	len = good_msg(buf, PASSFD_REPLY, 2);
	strcpy(e[1].name, "vdpa0");
	expect_refused(sv, buf, len, 2, EPROTO, "entry 1: vDPA vdpa0 twice");
	len = good_msg(buf, PASSFD_REPLY, 2);
	e[1].kind = IOMMUFD_PASSFD_VFIO_PCI, strcpy(e[1].name, "00:03.0");
	expect_refused(sv, buf, len, 2, EPROTO, "not in canonical form");
	len = good_msg(buf, PASSFD_REPLY, 2);
	e[0].kind = e[1].kind = IOMMUFD_PASSFD_IOMMUFD, e[0].name[0] = e[1].name[0] = '\0';
	memset(e[0].name, 0, sizeof(e[0].name)), memset(e[1].name, 0, sizeof(e[1].name));
	expect_refused(sv, buf, len, 2, EPROTO, "a second iommufd");
	len = good_msg(buf, PASSFD_REPLY, 2);
	memset(e[0].name, 'a', sizeof(e[0].name));
	expect_refused(sv, buf, len, 2, EPROTO, "without its NUL");
	len = good_msg(buf, PASSFD_REPLY, 2);
	e[0].name[40] = 'x';
	expect_refused(sv, buf, len, 2, EPROTO, "after the name's NUL");
	len = good_msg(buf, PASSFD_REPLY, 2);
	e[0].flags = 1;
	expect_refused(sv, buf, len, 2, EPROTO, "flags");
	len = good_msg(buf, PASSFD_REPLY, 2);
	h->status = 5;
	expect_refused(sv, buf, len, 2, EPROTO, "status 5 in a message that is not a refusal");
	/* a request where a reply belongs */
	len = good_msg(buf, PASSFD_REQUEST, 2);
	expect_refused(sv, buf, len, 0, EPROTO, "a request arrived");
	expect_refused(sv, buf, len, 1, EPROTO, "a request came with 1 descriptors");
	/* a longer message than any of version 1 */
	len = good_msg(buf, PASSFD_REPLY, 32);
	h->len = (uint32_t)(len + 64);
	expect_refused(sv, buf, len + 64, 32, EPROTO, "longer than");
	/* more descriptors than a message may carry: MSG_CTRUNC, all closed */
	len = good_msg(buf, PASSFD_REPLY, 2);
	expect_refused(sv, buf, len, 40, EPROTO, "MSG_CTRUNC");
	/* refusals: their errno and reason, control characters made harmless */
	len = passfd_encode(buf, PASSFD_REFUSAL, NULL, EACCES, "no\nway");
	expect_refused(sv, buf, len, 0, EACCES, "refused by the helper: no?way");
	expect_refused(sv, buf, len, 1, EPROTO, "a refusal with 0 entries and 1 descriptors");
	h->status = 0;
	expect_refused(sv, buf, len, 0, EPROTO, "not an errno");
	len = passfd_encode(buf, PASSFD_REFUSAL, NULL, EACCES, "x");
	memset(buf + len, 'r', 300);
	h->len = (uint32_t)(len + 300);
	expect_refused(sv, buf, len + 300, 0, EPROTO, "reason of 301 bytes");
	close(sv[0]);
	close(sv[1]);
}

/* ---- the helper's side, in a thread ---- */

struct helper {
	int sock;
	const struct iommufd_passfd_set *offer;
	struct iommufd_passfd_serve_opts opts;
	int rc;
	char log[1024];
	char why[512];
};

static void log_to(int priority, const char *msg, void *userdata)
{
	struct helper *h = userdata;
	size_t n = strlen(h->log);

	snprintf(h->log + n, sizeof(h->log) - n, "%d:%s\n", priority, msg);
}

static void *helper_run(void *arg)
{
	struct helper *h = arg;

	h->rc = iommufd_passfd_serve(h->sock, h->offer, &h->opts);
	snprintf(h->why, sizeof(h->why), "%s", iommufd_last_error());
	return NULL;
}

static uid_t uid_self, uid_other = 54321;

/* Serve one request of @want; the client's result. */
static int ask(struct helper *h, const struct iommufd_passfd_set *want, struct iommufd_passfd_set **got,
	       char *client_why, size_t why_len)
{
	pthread_t t;
	int sv[2], rc;

	pair(sv);
	h->sock = sv[0];
	h->log[0] = h->why[0] = '\0';
	assert_int_equal(pthread_create(&t, NULL, helper_run, h), 0);
	rc = iommufd_passfd_request(sv[1], want, got);
	snprintf(client_why, why_len, "%s", iommufd_last_error());
	assert_int_equal(pthread_join(t, NULL), 0);
	close(sv[0]);
	close(sv[1]);
	return rc;
}

static void test_serve(void **state)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), before;
	struct iommufd_passfd_set *offer = four(fd), *want, *got = NULL;
	struct helper h = { .offer = offer };
	char why[512];

	(void)state;
	uid_self = getuid();
	h.opts = (struct iommufd_passfd_serve_opts){ .sz = sizeof(h.opts), .allow_uids = &uid_self,
						     .n_allow_uids = 1, .log = log_to, .log_userdata = &h };
	before = open_fds();
	/* everything */
	assert_int_equal(ask(&h, NULL, &got, why, sizeof(why)), 0);
	assert_int_equal(h.rc, 0);
	assert_int_equal(iommufd_passfd_set_count(got), 4);
	same_file(iommufd_passfd_set_get(got, 2)->fd, fd);
	assert_non_null(strstr(h.log, "served 4 descriptors: iommufd, VFIO PCI 0000:00:03.0"));
	assert_non_null(strstr(h.log, "uid "));
	got = iommufd_passfd_set_free(got);
	assert_int_equal(open_fds(), before);
	/* one device: it, and the iommufd */
	assert_ok(NULL, iommufd_passfd_set_new(&want));
	assert_ok(NULL, iommufd_passfd_set_add(want, IOMMUFD_PASSFD_VDPA, "vdpa0", -1));
	assert_ok(NULL, iommufd_passfd_set_add(want, IOMMUFD_PASSFD_IOMMUFD, NULL, -1)); /* given anyway, once */
	assert_int_equal(ask(&h, want, &got, why, sizeof(why)), 0);
	assert_int_equal(iommufd_passfd_set_count(got), 2);
	assert_int_equal(iommufd_passfd_set_get(got, 0)->kind, IOMMUFD_PASSFD_IOMMUFD);
	assert_string_equal(iommufd_passfd_set_get(got, 1)->name, "vdpa0");
	got = iommufd_passfd_set_free(got);
	/* a device not served: refused on both sides, logged, nothing opened */
	assert_ok(NULL, iommufd_passfd_set_add(want, IOMMUFD_PASSFD_VFIO_PCI, "0000:00:04.0", -1));
	assert_int_equal(ask(&h, want, &got, why, sizeof(why)), -ENOENT);
	assert_null(got);
	assert_int_equal(h.rc, -ENOENT);
	assert_non_null(strstr(why, "VFIO PCI 0000:00:04.0 is not served here"));
	assert_non_null(strstr(h.why, "VFIO PCI 0000:00:04.0 is not served here"));
	assert_non_null(strstr(h.log, "refused: VFIO PCI 0000:00:04.0 is not served here"));
	iommufd_passfd_set_free(want);
	/* a peer that is not allowed; then the same peer allowed by its gid */
	h.opts.allow_uids = &uid_other;
	assert_int_equal(ask(&h, NULL, &got, why, sizeof(why)), -EACCES);
	assert_int_equal(h.rc, -EACCES);
	assert_non_null(strstr(why, "are not allowed"));
	assert_non_null(strstr(h.log, "4:peer pid "));
	/* the helper refuses and hangs up before the request is sent: the
	 * client still hears why, not a broken pipe */
	{
		int sv[2];

		pair(sv);
		assert_fails(NULL, EACCES, iommufd_passfd_serve(sv[0], offer, &h.opts), "are not allowed");
		close(sv[0]);
		got = NULL;
		assert_fails(NULL, EACCES, iommufd_passfd_request(sv[1], NULL, &got), "refused by the helper: uid");
		assert_null(got);
		/* and when nothing is waiting, the send's own error */
		assert_fails(NULL, EPIPE, iommufd_passfd_request(sv[1], NULL, &got), "sendmsg");
		close(sv[1]);
	}
	{
		gid_t g = getgid();

		h.opts.allow_gids = &g;
		h.opts.n_allow_gids = 1;
		assert_int_equal(ask(&h, NULL, &got, why, sizeof(why)), 0);
		got = iommufd_passfd_set_free(got);
		h.opts.n_allow_gids = 0;
	}
	assert_int_equal(open_fds(), before);
	/* nobody allowed: refused before the socket is read */
	h.opts.n_allow_uids = 0;
	assert_fails(NULL, EINVAL, iommufd_passfd_serve(0, offer, &h.opts), "no uid or gid is allowed");
	assert_fails(NULL, EINVAL, iommufd_passfd_serve(0, offer, NULL), "no uid or gid is allowed");
	assert_fails(NULL, EINVAL, iommufd_passfd_serve(0, NULL, &h.opts), "offer is NULL");
	h.opts.n_allow_uids = 1;
	h.opts.allow_uids = NULL;
	assert_fails(NULL, EINVAL, iommufd_passfd_serve(0, offer, &h.opts), "without the array");
	h.opts.allow_uids = &uid_other;
	h.opts.sz = 4;
	assert_fails(NULL, EINVAL, iommufd_passfd_serve(0, offer, &h.opts), "");
	h.opts.sz = sizeof(h.opts);
	/* not a socket: SO_PEERCRED fails, logged */
	h.opts.allow_uids = &uid_self;
	h.log[0] = '\0';
	assert_fails(NULL, ENOTSOCK, iommufd_passfd_serve(fd, offer, &h.opts), "SO_PEERCRED");
	assert_non_null(strstr(h.log, "refused a connection"));
	iommufd_passfd_set_free(offer);
	close(fd);
}

/* Hostile requests: descriptors attached, a reply instead of a request, garbage. */
static void test_serve_hostile(void **state)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), sv[2], before;
	struct iommufd_passfd_set *offer = four(fd);
	struct helper h = { .offer = offer };
	unsigned char buf[PASSFD_MSG_MAX];
	struct iommufd_passfd_set *r = NULL;
	const struct {
		int type, n, nfds;
		const char *why;
	} cases[] = {
		{ PASSFD_REQUEST, 1, 1, "a request came with 1 descriptors" },
		{ PASSFD_REPLY, 1, 1, "not a request" },
		{ 9, 0, 0, "unknown message type 9" },
	};

	(void)state;
	uid_self = getuid();
	h.opts = (struct iommufd_passfd_serve_opts){ .sz = sizeof(h.opts), .allow_uids = &uid_self,
						     .n_allow_uids = 1, .log = log_to, .log_userdata = &h };
	before = open_fds();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = good_msg(buf, cases[i].type == 9 ? PASSFD_REQUEST : cases[i].type, cases[i].n);

		if (cases[i].type == 9)
			((struct passfd_wire_hdr *)buf)->type = 9;
		pair(sv);
		send_raw(sv[1], buf, len, cases[i].nfds);
		h.log[0] = '\0';
		assert_fails(NULL, EPROTO, iommufd_passfd_serve(sv[0], offer, &h.opts), cases[i].why);
		assert_non_null(strstr(h.log, "refused: bad request"));
		/* the client hears why */
		assert_fails(NULL, EPROTO, iommufd_passfd_recv(sv[1], &r), cases[i].why);
		close(sv[0]);
		close(sv[1]);
		assert_int_equal(open_fds(), before);
	}
	/* a client that hangs up */
	pair(sv);
	close(sv[1]);
	assert_fails(NULL, ECONNRESET, iommufd_passfd_serve(sv[0], offer, &h.opts), "without a message");
	close(sv[0]);
	/* an offer with a name but no descriptor */
	{
		struct iommufd_passfd_set *bad;
		char why[512];

		assert_ok(NULL, iommufd_passfd_set_new(&bad));
		assert_ok(NULL, iommufd_passfd_set_add(bad, IOMMUFD_PASSFD_VDPA, "vdpa0", -1));
		h.offer = bad;
		assert_int_equal(ask(&h, NULL, &r, why, sizeof(why)), -EBADF);
		assert_non_null(strstr(why, "no descriptor for vDPA vdpa0"));
		iommufd_passfd_set_free(bad);
	}
	iommufd_passfd_set_free(offer);
	close(fd);
}

/* ---- the seam failing ---- */

static struct iommufd_sys_ops failing;
static int fail_sendmsg, fail_recvmsg, fail_getsockopt, short_send, fake_ctrunc, reset_once;

static ssize_t f_sendmsg(int fd, const struct msghdr *m, int flags)
{
	if (fail_sendmsg)
		return -fail_sendmsg;
	if (short_send) {
		ssize_t n = iommufd_sys_real.sendmsg(fd, m, flags);

		return n > 0 ? n - 1 : n;
	}
	return iommufd_sys_real.sendmsg(fd, m, flags);
}

static ssize_t f_recvmsg(int fd, struct msghdr *m, int flags)
{
	ssize_t n;

	if (fail_recvmsg)
		return -fail_recvmsg;
	if (reset_once) {
		reset_once = 0;
		return -ECONNRESET; /* as after a peer closed with our message unread */
	}
	n = iommufd_sys_real.recvmsg(fd, m, flags);
	if (n >= 0 && fake_ctrunc)
		m->msg_flags |= MSG_CTRUNC;
	return n;
}

static int f_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	return fail_getsockopt ? -fail_getsockopt : iommufd_sys_real.getsockopt(fd, level, name, val, len);
}

static void test_seam(void **state)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), sv[2], before;
	struct iommufd_passfd_set *s = four(fd), *r = NULL;
	struct helper h = { .offer = s };

	(void)state;
	failing = iommufd_sys_real;
	failing.sendmsg = f_sendmsg;
	failing.recvmsg = f_recvmsg;
	failing.getsockopt = f_getsockopt;
	sys_host = &failing;
	pair(sv);
	before = open_fds();
	fail_sendmsg = EPIPE;
	assert_fails(NULL, EPIPE, iommufd_passfd_send(sv[0], s), "sendmsg on socket");
	assert_fails(NULL, EPIPE, iommufd_passfd_request(sv[0], NULL, &r), "sendmsg on socket");
	fail_sendmsg = 0;
	short_send = 1;
	assert_fails(NULL, EMSGSIZE, iommufd_passfd_send(sv[0], s), "SOCK_SEQPACKET");
	short_send = 0;
	/* (the seam said short; the message went out whole) */
	assert_ok(NULL, iommufd_passfd_recv(sv[1], &r));
	r = iommufd_passfd_set_free(r);
	assert_int_equal(open_fds(), before);
	fail_recvmsg = EAGAIN;
	assert_fails(NULL, EAGAIN, iommufd_passfd_recv(sv[1], &r), "recvmsg on socket");
	fail_recvmsg = 0;
	assert_ok(NULL, iommufd_passfd_send(sv[0], s));
	fake_ctrunc = 1;
	assert_fails(NULL, EPROTO, iommufd_passfd_recv(sv[1], &r), "MSG_CTRUNC");
	fake_ctrunc = 0;
	assert_int_equal(open_fds(), before);
	/* a reset reported first, the message behind it still read; none behind: the reset */
	assert_ok(NULL, iommufd_passfd_send(sv[0], s));
	reset_once = 1;
	assert_ok(NULL, iommufd_passfd_recv(sv[1], &r));
	r = iommufd_passfd_set_free(r);
	reset_once = 1;
	assert_fails(NULL, ECONNRESET, iommufd_passfd_recv(sv[1], &r), "recvmsg");
	assert_int_equal(open_fds(), before);
	fail_getsockopt = ENOTSOCK;
	uid_self = getuid();
	h.opts = (struct iommufd_passfd_serve_opts){ .sz = sizeof(h.opts), .allow_uids = &uid_self, .n_allow_uids = 1 };
	assert_fails(NULL, ENOTSOCK, iommufd_passfd_serve(sv[0], s, &h.opts), "SO_PEERCRED");
	fail_getsockopt = 0;
	/* the request arrives, the reply cannot go out: logged */
	h.opts.log = log_to;
	h.opts.log_userdata = &h;
	h.log[0] = '\0';
	{
		unsigned char req[PASSFD_MSG_MAX];

		send_raw(sv[1], req, passfd_encode(req, PASSFD_REQUEST, NULL, 0, NULL), 0);
	}
	fail_sendmsg = EPIPE;
	assert_fails(NULL, EPIPE, iommufd_passfd_serve(sv[0], s, &h.opts), "sendmsg");
	fail_sendmsg = 0;
	assert_non_null(strstr(h.log, "reply failed"));
	/* a seam without socket calls */
	failing.sendmsg = NULL;
	failing.recvmsg = NULL;
	assert_fails(NULL, ENOSYS, iommufd_passfd_send(sv[0], s), "sendmsg");
	assert_fails(NULL, ENOSYS, iommufd_passfd_recv(sv[1], &r), "recvmsg");
	assert_null(r);
	sys_host = &iommufd_sys_real;
	close(sv[0]);
	close(sv[1]);
	iommufd_passfd_set_free(s);
	close(fd);
}

/* ---- handles from a received set ---- */

static void test_adopt(void **state)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct iommufd_passfd_set *s, *empty;
	struct iommufd_ctx *ctx = NULL, *fctx;
	struct iommufd_device *dev = NULL;

	(void)state;
	s = four(fd);
	assert_ok(NULL, iommufd_passfd_set_new(&empty));
	assert_fails(NULL, ENOENT, iommufd_ctx_new_from_passfd(empty, NULL, &ctx), "no iommufd entry");
	/* /dev/null is no iommufd: iommufd_ctx_new_from_fd() says so */
	assert_fails(NULL, ENOTTY, iommufd_ctx_new_from_passfd(s, NULL, &ctx), "is not an iommufd");
	assert_null(ctx);
	assert_fails(NULL, EINVAL, iommufd_ctx_new_from_passfd(NULL, NULL, &ctx), "NULL");
	close(iommufd_passfd_set_take(s, 0));
	assert_fails(NULL, EBADF, iommufd_ctx_new_from_passfd(s, NULL, &ctx), "taken");
	/* devices, on a context of the fake kernel */
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &fctx), 0);
	assert_fails(fctx, ENOENT, iommufd_device_open_passfd(fctx, empty, IOMMUFD_PASSFD_VFIO_PCI, "00:03.0", NULL, &dev),
		     "the set has no VFIO PCI 0000:00:03.0");
	assert_fails(fctx, EINVAL, iommufd_device_open_passfd(fctx, s, IOMMUFD_PASSFD_IOMMUFD, "", NULL, &dev),
		     "is no device");
	assert_fails(fctx, EINVAL, iommufd_device_open_passfd(fctx, s, IOMMUFD_PASSFD_VFIO_PCI, "3", NULL, &dev),
		     "not a PCI address");
	assert_fails(fctx, EINVAL, iommufd_device_open_passfd(fctx, NULL, IOMMUFD_PASSFD_VFIO_PCI, "3", NULL, &dev),
		     "set is NULL");
	assert_fails(NULL, EINVAL, iommufd_device_open_passfd(NULL, s, IOMMUFD_PASSFD_VFIO_PCI, "3", NULL, &dev),
		     "ctx is NULL");
	/* /dev/null is no VFIO device either: the kind's open refuses it (the fake's ioctl fails) */
	assert_int_not_equal(iommufd_device_open_passfd(fctx, s, IOMMUFD_PASSFD_VFIO_PCI, "0000:00:03.0", NULL, &dev), 0);
	assert_null(dev);
	assert_int_not_equal(iommufd_device_open_passfd(fctx, s, IOMMUFD_PASSFD_VDPA, "vdpa0", NULL, &dev), 0);
	assert_null(dev);
	close(iommufd_passfd_set_take(s, 1));
	assert_fails(fctx, EBADF, iommufd_device_open_passfd(fctx, s, IOMMUFD_PASSFD_VFIO_PCI, "0000:00:03.0", NULL, &dev),
		     "was taken");
	iommufd_ctx_unref(fctx);
	iommufd_passfd_set_free(s);
	iommufd_passfd_set_free(empty);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_send_recv),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_serve),
		cmocka_unit_test(test_serve_hostile),
		cmocka_unit_test(test_seam),
		cmocka_unit_test(test_adopt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
