// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The real system-call table (lib/base/sys.c's iommufd_sys_real) on
 * descriptors and memory of the test's own, nothing of the host's: every
 * entry returns the call's value on success and -errno (never -1) on
 * failure. The unit tests otherwise run on the fake, so without this the
 * seam itself would never run on the host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <cmocka.h>

#include "base/sys.h"

static const struct iommufd_sys_ops *S = &iommufd_sys_real;

static void memfd_io(void **state)
{
	char buf[8] = { 0 };
	int fd, d;

	(void)state;
	fd = S->memfd_create("test-sys-real", 0);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(S->ftruncate(fd, 4096), 0);
	assert_int_equal(S->ftruncate(fd, -1), -EINVAL);
	assert_int_equal(S->pwrite(fd, "abcd", 4, 100), 4);
	assert_int_equal(S->pread(fd, buf, 4, 100), 4);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(S->write(fd, "xy", 2), 2);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(S->read(fd, buf, 2), 2);
	assert_memory_equal(buf, "xy", 2);
	d = S->dup(fd);
	assert_true(d >= 0 && d != fd);
	assert_int_equal(fcntl(d, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(S->close(d), 0);
	assert_int_equal(S->close(fd), 0);
	/* a closed descriptor: -EBADF from each */
	assert_int_equal(S->dup(fd), -EBADF);
	assert_int_equal(S->pwrite(fd, "a", 1, 0), -EBADF);
	assert_int_equal(S->read(fd, buf, 1), -EBADF);
	assert_int_equal(S->write(fd, "a", 1), -EBADF);
	assert_int_equal(S->ftruncate(fd, 0), -EBADF);
	assert_int_equal(S->memfd_create("test-sys-real", 0x80000000u), -EINVAL);
	/* readlink: NUL-terminated, and no room for it is -EINVAL */
	assert_true(S->readlink("/proc/self/exe", buf, sizeof(buf)) > 0);
	assert_int_equal(buf[strlen(buf)], 0);
	assert_int_equal(S->readlink("/proc/self/exe", buf, 0), -EINVAL);
	assert_int_equal(S->readlink("/nonexistent-libiommufd", buf, sizeof(buf)), -ENOENT);
}

static void memory(void **state)
{
	void *p = NULL, *fixed;
	int fd;

	(void)state;
	assert_int_equal(S->mmap(2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &p), 0);
	assert_non_null(p);
	memset(p, 1, 2 * 4096);
	assert_int_equal(S->madvise(p, 4096, MADV_DONTNEED), 0);
	assert_int_equal(((char *)p)[0], 0);
	assert_int_equal(S->madvise(p, 4096, 12345), -EINVAL);
	/* MAP_FIXED maps at *addr and leaves it there */
	fixed = (char *)p + 4096;
	fd = S->memfd_create("test-sys-real", 0);
	assert_true(fd >= 0);
	assert_int_equal(S->ftruncate(fd, 4096), 0);
	assert_int_equal(S->mmap(4096, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0, &fixed), 0);
	assert_ptr_equal(fixed, (char *)p + 4096);
	assert_int_equal(S->close(fd), 0);
	assert_int_equal(S->munmap(p, 2 * 4096), 0);
	assert_int_equal(S->munmap((char *)p + 1, 4096), -EINVAL);
	p = NULL;
	assert_int_equal(S->mmap(4096, PROT_READ, MAP_SHARED, 1000, 0, &p), -EBADF);
	assert_null(p);
}

static void events_and_sockets(void **state)
{
	uint64_t v = 0;
	uint32_t pid = 0;
	char buf[64];
	int e, s, pair[2];

	(void)state;
	e = S->eventfd(3, EFD_NONBLOCK);
	assert_true(e >= 0);
	assert_int_equal(S->read(e, &v, sizeof(v)), sizeof(v));
	assert_int_equal(v, 3);
	assert_int_equal(S->read(e, &v, sizeof(v)), -EAGAIN);
	assert_int_equal(S->close(e), 0);
	assert_int_equal(S->eventfd(0, -1), -EINVAL);
	/* send and recv; a sender that is not netlink has no port ID */
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair), 0);
	assert_int_equal(S->send(pair[0], "hello", 5), 5);
	assert_int_equal(S->recv(pair[1], buf, sizeof(buf), &pid), 5);
	assert_int_equal(pid, UINT32_MAX);
	close(pair[0]);
	close(pair[1]);
	assert_int_equal(S->send(pair[0], "x", 1), -EBADF);
	assert_int_equal(S->recv(pair[1], buf, sizeof(buf), &pid), -EBADF);
	/* a socket of the kind netlink discovery opens */
	s = S->socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (s >= 0) {
		assert_int_equal(fcntl(s, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
		assert_int_equal(S->close(s), 0);
	}
	assert_int_equal(S->socket(-1, SOCK_RAW, 0), -EAFNOSUPPORT);
	/* the wrappers reach the same table */
	e = sys_eventfd(S, 0, 0);
	assert_true(e >= 0);
	assert_int_equal(sys_close(S, e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memfd_io),
		cmocka_unit_test(memory),
		cmocka_unit_test(events_and_sockets),
	};

	return cmocka_run_group_tests_name("sys-real", tests, NULL, NULL);
}
