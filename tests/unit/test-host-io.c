// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The host layer's small I/O helpers over a scripted system-call table:
 * sysfs_read() and sysfs_write() pass each failure of open, pread, pwrite
 * on, refuse a buffer with no room and call a short write -EIO;
 * netlink_send() refuses a string attribute too long for its request, and
 * netlink_recv() gives up with -EPROTO after 16 messages that are not the
 * kernel's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>
#include <cmocka.h>

#include "base/sys.h"
#include "host/netlink.h"
#include "host/sysfs.h"

static struct {
	int open_rc;
	ssize_t io_rc; /* pread and pwrite answer this (-errno or a count) */
	int closes, recvs;
} S;

static int s_open(const char *path, int flags)
{
	(void)path;
	(void)flags;
	return S.open_rc;
}

static int s_close(int fd)
{
	(void)fd;
	S.closes++;
	return 0;
}

static ssize_t s_pread(int fd, void *buf, size_t len, off_t off)
{
	(void)fd;
	(void)off;
	if (S.io_rc > 0)
		memset(buf, 'x', (size_t)S.io_rc < len ? (size_t)S.io_rc : len);
	return S.io_rc;
}

static ssize_t s_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	(void)fd;
	(void)buf;
	(void)len;
	(void)off;
	return S.io_rc;
}

static ssize_t s_send(int fd, const void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	return (ssize_t)len;
}

static ssize_t s_recv(int fd, void *buf, size_t len, uint32_t *nl_pid)
{
	(void)fd;
	(void)buf;
	(void)len;
	S.recvs++;
	*nl_pid = 4242; /* a process, not the kernel */
	return 16;
}

static const struct iommufd_sys_ops scripted = {
	.open = s_open, .close = s_close, .pread = s_pread, .pwrite = s_pwrite, .send = s_send, .recv = s_recv,
};

static int setup(void **state)
{
	(void)state;
	memset(&S, 0, sizeof(S));
	S.open_rc = 7;
	sys_host = &scripted;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sys_host = &iommufd_sys_real;
	return 0;
}

static void sysfs_io(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(sysfs_read("/sys/x", buf, 0), -EINVAL);
	S.open_rc = -EACCES;
	assert_int_equal(sysfs_read("/sys/x", buf, sizeof(buf)), -EACCES);
	assert_int_equal(sysfs_write("/sys/x", "1"), -EACCES);
	assert_int_equal(S.closes, 0);
	S.open_rc = 7;
	S.io_rc = -EIO;
	assert_int_equal(sysfs_read("/sys/x", buf, sizeof(buf)), -EIO);
	assert_int_equal(S.closes, 1);
	S.io_rc = -ENODEV;
	assert_int_equal(sysfs_write("/sys/x", "vfio-pci"), -ENODEV);
	S.io_rc = 3; /* of 8 bytes */
	assert_int_equal(sysfs_write("/sys/x", "vfio-pci"), -EIO);
	assert_int_equal(S.closes, 3);
	S.io_rc = 3;
	assert_int_equal(sysfs_read("/sys/x", buf, sizeof(buf)), 3);
	assert_string_equal(buf, "xxx");
}

static void netlink_io(void **state)
{
	char big[512], buf[64];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(netlink_send(3, 0x10, 0, 1, 1, 2, big), -EINVAL);
	assert_int_equal(netlink_send(3, 0x10, 0, 1, 1, 2, "vdpa0"), 0);
	assert_int_equal(netlink_recv(3, buf, sizeof(buf)), -EPROTO);
	assert_int_equal(S.recvs, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sysfs_io, setup, teardown),
		cmocka_unit_test_setup_teardown(netlink_io, setup, teardown),
	};

	return cmocka_run_group_tests_name("host-io", tests, NULL, NULL);
}
