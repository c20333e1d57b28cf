// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Netlink answers (host/netlink.c) as the kernel, or another process, might
 * send them. The first byte picks the mode:
 *  - even: the rest is one datagram in a buffer of exactly its size (so
 *    that ASan sees any read past it); netlink_next() walks it and
 *    netlink_attrs() each message. Checked: every message and attribute
 *    handed out lies inside the datagram and inside its message, the walk
 *    always moves forward, and it stops at the end or on -EBADMSG.
 *  - odd: vDPA discovery (iommufd_vdpa_enum_new()) on a fake host whose
 *    netlink socket answers with the datagrams of the rest of the input,
 *    each as [u16 length][u8 sender: 0 the kernel, else another port]
 *    [bytes]; two vDPA devices in sysfs. Checked: it returns, and what it
 *    reports is NUL-terminated and of the sizes it promises.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <iommufd/discover.h>

#include "base/sys.h"
#include "host/netlink.h"
#include "fuzz.h"

struct walk {
	const char *msg;
	size_t msg_len;
	unsigned long attrs;
	volatile unsigned long sum;
};

static void on_attr(uint16_t type, const void *data, size_t len, void *arg)
{
	struct walk *w = arg;
	const char *d = data;

	(void)type;
	FZ_CHECK(d >= w->msg + NLMSG_HDRLEN + GENL_HDRLEN && d + len <= w->msg + w->msg_len,
		 "attribute at %td (+%zu) outside its message of %zu bytes", d - w->msg, len, w->msg_len);
	/* read every byte: ASan checks they are ours */
	for (size_t i = 0; i < len; i++)
		w->sum += (unsigned char)d[i];
	w->attrs++;
}

static void walk_datagram(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct nlmsghdr h;
	size_t off = 0, at = 0;
	int rc;

	FZ_CHECK(buf != NULL, "out of memory");
	memcpy(buf, data, size);
	while ((rc = netlink_next(buf, size, &off, &h)) > 0) {
		struct walk w = { .msg = buf + at, .msg_len = h.nlmsg_len };
		int arc;

		FZ_CHECK(off > at && off <= size, "walk from %zu to %zu of %zu", at, off, size);
		FZ_CHECK(h.nlmsg_len >= NLMSG_HDRLEN && at + h.nlmsg_len <= size, "message of %u bytes at %zu of %zu",
			 h.nlmsg_len, at, size);
		arc = netlink_attrs(buf + at, size - at, on_attr, &w);
		FZ_CHECK(arc == 0 || arc == -EBADMSG, "netlink_attrs returned %d", arc);
		if (h.nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
			FZ_CHECK(arc == -EBADMSG, "a message of %u bytes has no room for its genetlink header",
				 h.nlmsg_len);
		at = off;
	}
	FZ_CHECK(rc == 0 || rc == -EBADMSG, "netlink_next returned %d", rc);
	FZ_CHECK(rc != 0 || off >= size, "walk ended at %zu of %zu", off, size);
	free(buf);
}

/* ---- a host with two vDPA devices and a scripted netlink socket ---- */

static struct fz script;
#define NL_FD 7

static int h_open(const char *path, int flags)
{
	(void)path, (void)flags;
	return -ENOENT;
}

static int h_close(int fd)
{
	return fd == NL_FD ? 0 : -EBADF;
}

static int h_dup(int fd)
{
	(void)fd;
	return -EBADF;
}

static int h_ioctl(int fd, unsigned long request, void *arg)
{
	(void)fd, (void)request, (void)arg;
	return -ENOTTY;
}

static ssize_t h_pread(int fd, void *buf, size_t len, off_t off)
{
	(void)fd, (void)buf, (void)len, (void)off;
	return -EBADF;
}

static ssize_t h_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	(void)fd, (void)buf, (void)len, (void)off;
	return -EBADF;
}

static ssize_t h_read(int fd, void *buf, size_t len)
{
	(void)fd, (void)buf, (void)len;
	return -EBADF;
}

static ssize_t h_write(int fd, const void *buf, size_t len)
{
	(void)fd, (void)buf, (void)len;
	return -EBADF;
}

static int h_mmap(size_t len, int prot, int flags, int fd, off_t off, void **addr)
{
	(void)len, (void)prot, (void)flags, (void)fd, (void)off, (void)addr;
	return -ENODEV;
}

static int h_munmap(void *addr, size_t len)
{
	(void)addr, (void)len;
	return -EINVAL;
}

static ssize_t h_readlink(const char *path, char *buf, size_t size)
{
	static const char target[] = "../../../../bus/vdpa/drivers/vhost_vdpa";

	(void)path;
	if (size < sizeof(target))
		return -ENAMETOOLONG;
	memcpy(buf, target, sizeof(target));
	return (ssize_t)sizeof(target) - 1;
}

static int h_list_dir(const char *path, int (*fn)(const char *name, void *data), void *data)
{
	static const char *const devices[] = { "vdpa0", "vdpa1" };
	int rc;

	if (strcmp(path, "/sys/bus/vdpa/devices"))
		return -ENOENT;
	for (size_t i = 0; i < 2; i++)
		if ((rc = fn(devices[i], data)))
			return rc;
	return 0;
}

static int h_memfd_create(const char *name, unsigned int flags)
{
	(void)name, (void)flags;
	return -ENOSYS;
}

static int h_ftruncate(int fd, off_t len)
{
	(void)fd, (void)len;
	return -EBADF;
}

static int h_madvise(void *addr, size_t len, int advice)
{
	(void)addr, (void)len, (void)advice;
	return -EINVAL;
}

static int h_socket(int domain, int type, int protocol)
{
	(void)domain, (void)type, (void)protocol;
	return NL_FD;
}

static ssize_t h_send(int fd, const void *buf, size_t len)
{
	(void)buf;
	return fd == NL_FD ? (ssize_t)len : -EBADF;
}

static ssize_t h_recv(int fd, void *buf, size_t len, uint32_t *nl_pid)
{
	size_t n;

	if (fd != NL_FD)
		return -EBADF;
	if (!fz_left(&script))
		return -EAGAIN;
	n = fz_u16(&script);
	*nl_pid = fz_u8(&script) ? 4242 : 0;
	if (n > script.n)
		n = script.n;
	/* a datagram longer than the buffer is cut, as recv() does */
	memcpy(buf, script.p, n < len ? n : len);
	script.p += n;
	script.n -= n;
	return (ssize_t)(n < len ? n : len);
}

static const struct iommufd_sys_ops host = {
	.open = h_open, .close = h_close, .dup = h_dup, .ioctl = h_ioctl,
	.pread = h_pread, .pwrite = h_pwrite, .read = h_read, .write = h_write,
	.mmap = h_mmap, .munmap = h_munmap, .readlink = h_readlink, .list_dir = h_list_dir,
	.memfd_create = h_memfd_create, .ftruncate = h_ftruncate, .madvise = h_madvise,
	.socket = h_socket, .send = h_send, .recv = h_recv,
};

static void check_str(const char *s, size_t max)
{
	if (s)
		FZ_CHECK(strnlen(s, max) < max, "a reported string is not terminated within %zu bytes", max);
}

static void discover(const uint8_t *data, size_t size)
{
	struct iommufd_vdpa_enum *e = NULL;
	const struct iommufd_vdpa_info *d;
	int rc;

	script.p = data;
	script.n = size;
	sys_host = &host;
	rc = iommufd_vdpa_enum_new(NULL, &e);
	sys_host = &iommufd_sys_real;
	FZ_CHECK(rc == 0, "vDPA enumeration failed: %d", rc);
	FZ_CHECK(iommufd_vdpa_enum_count(e) == 2, "%zu devices, want 2", iommufd_vdpa_enum_count(e));
	for (d = iommufd_vdpa_enum_first(e); d; d = iommufd_vdpa_enum_next(e)) {
		check_str(d->name, 64);
		check_str(d->driver, 64);
		check_str(d->chardev, 80);
		check_str(d->mgmtdev, 128);
	}
	iommufd_vdpa_enum_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size || size > 3 * NETLINK_BUF)
		return -1;
	if (data[0] & 1)
		discover(data + 1, size - 1);
	else
		walk_datagram(data + 1, size - 1);
	return 0;
}
