// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The only place in the library that makes system calls on files: open,
 * close, ioctl, mmap, read and write. Everything else goes through the
 * per-context table below, which unit tests replace with a fake kernel.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/membarrier.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/sys.h"

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

static int real_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	return fd < 0 ? neg_errno() : fd;
}

static int real_close(int fd)
{
	/* Linux releases the descriptor even when close() reports an error. */
	return close(fd) < 0 && errno != EINTR ? neg_errno() : 0;
}

static int real_dup(int fd)
{
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	return nfd < 0 ? neg_errno() : nfd;
}

static int real_ioctl(int fd, unsigned long request, void *arg)
{
	int rc = ioctl(fd, request, arg);

	return rc < 0 ? neg_errno() : rc;
}

static ssize_t real_pread(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	return n < 0 ? neg_errno() : n;
}

static ssize_t real_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t n = pwrite(fd, buf, len, off);

	return n < 0 ? neg_errno() : n;
}

static ssize_t real_read(int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	return n < 0 ? neg_errno() : n;
}

static ssize_t real_write(int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	return n < 0 ? neg_errno() : n;
}

static int real_mmap(size_t len, int prot, int flags, int fd, off_t off, void **addr)
{
	void *p = mmap(flags & MAP_FIXED ? *addr : NULL, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		return neg_errno();
	*addr = p;
	return 0;
}

static int real_munmap(void *addr, size_t len)
{
	return munmap(addr, len) < 0 ? neg_errno() : 0;
}

static ssize_t real_readlink(const char *path, char *buf, size_t size)
{
	ssize_t n;

	if (size == 0)
		return -EINVAL;
	n = readlink(path, buf, size - 1);
	if (n < 0)
		return neg_errno();
	buf[n] = '\0';
	return n;
}

static int real_list_dir(const char *path, int (*fn)(const char *name, void *data),
			void *data)
{
	struct dirent *de;
	int rc = 0;
	DIR *dir;

	dir = opendir(path);
	if (!dir)
		return neg_errno();
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		rc = fn(de->d_name, data);
		if (rc)
			break;
	}
	closedir(dir);
	return rc;
}

static int real_memfd_create(const char *name, unsigned int flags)
{
	int fd = memfd_create(name, flags | MFD_CLOEXEC);

	return fd < 0 ? neg_errno() : fd;
}

static int real_socket(int domain, int type, int protocol)
{
	int fd = socket(domain, type | SOCK_CLOEXEC, protocol);

	return fd < 0 ? neg_errno() : fd;
}

static int real_eventfd(unsigned int initval, int flags)
{
	int fd = eventfd(initval, flags | EFD_CLOEXEC);

	return fd < 0 ? neg_errno() : fd;
}

static int real_ftruncate(int fd, off_t len)
{
	return ftruncate(fd, len) < 0 ? neg_errno() : 0;
}

static int real_madvise(void *addr, size_t len, int advice)
{
	return madvise(addr, len, advice) < 0 ? neg_errno() : 0;
}

static int real_mlock(const void *addr, size_t len)
{
	return mlock(addr, len) < 0 ? neg_errno() : 0;
}

static int real_munlock(const void *addr, size_t len)
{
	return munlock(addr, len) < 0 ? neg_errno() : 0;
}

static ssize_t real_send(int fd, const void *buf, size_t len)
{
	ssize_t n = send(fd, buf, len, 0);

	return n < 0 ? neg_errno() : n;
}

static ssize_t real_recv(int fd, void *buf, size_t len, uint32_t *nl_pid)
{
	struct sockaddr_nl from;
	socklen_t from_len;
	ssize_t n;

	do {
		memset(&from, 0, sizeof(from));
		from_len = sizeof(from);
		n = recvfrom(fd, buf, len, 0, (struct sockaddr *)&from, &from_len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return neg_errno();
	*nl_pid = from_len == sizeof(from) && from.nl_family == AF_NETLINK ? from.nl_pid : UINT32_MAX;
	return n;
}

static ssize_t real_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ssize_t n;

	do
		n = sendmsg(fd, msg, flags | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? neg_errno() : n;
}

static ssize_t real_recvmsg(int fd, struct msghdr *msg, int flags)
{
	ssize_t n;

	do
		n = recvmsg(fd, msg, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	return n < 0 ? neg_errno() : n;
}

static int real_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	return getsockopt(fd, level, name, val, len) < 0 ? neg_errno() : 0;
}

const struct iommufd_sys_ops iommufd_sys_real = {
	.open = real_open,
	.close = real_close,
	.dup = real_dup,
	.ioctl = real_ioctl,
	.pread = real_pread,
	.pwrite = real_pwrite,
	.read = real_read,
	.write = real_write,
	.mmap = real_mmap,
	.munmap = real_munmap,
	.readlink = real_readlink,
	.list_dir = real_list_dir,
	.memfd_create = real_memfd_create,
	.ftruncate = real_ftruncate,
	.madvise = real_madvise,
	.mlock = real_mlock,
	.munlock = real_munlock,
	.socket = real_socket,
	.send = real_send,
	.recv = real_recv,
	.eventfd = real_eventfd,
	.sendmsg = real_sendmsg,
	.recvmsg = real_recvmsg,
	.getsockopt = real_getsockopt,
};

const struct iommufd_sys_ops *sys_host = &iommufd_sys_real;

/* Dispatch through a context's table: the object files call these. */
int sys_open(const struct iommufd_sys_ops *sys, const char *path, int flags)
{
	return sys->open(path, flags);
}

int sys_close(const struct iommufd_sys_ops *sys, int fd)
{
	return sys->close(fd);
}

int sys_dup(const struct iommufd_sys_ops *sys, int fd)
{
	return sys->dup(fd);
}

int sys_ioctl(const struct iommufd_sys_ops *sys, int fd, unsigned long request, void *arg)
{
	return sys->ioctl(fd, request, arg);
}

ssize_t sys_pread(const struct iommufd_sys_ops *sys, int fd, void *buf, size_t len, off_t off)
{
	return sys->pread(fd, buf, len, off);
}

ssize_t sys_pwrite(const struct iommufd_sys_ops *sys, int fd, const void *buf, size_t len, off_t off)
{
	return sys->pwrite(fd, buf, len, off);
}

ssize_t sys_read(const struct iommufd_sys_ops *sys, int fd, void *buf, size_t len)
{
	return sys->read(fd, buf, len);
}

ssize_t sys_write(const struct iommufd_sys_ops *sys, int fd, const void *buf, size_t len)
{
	return sys->write(fd, buf, len);
}

int sys_mmap(const struct iommufd_sys_ops *sys, size_t len, int prot, int flags, int fd, off_t off,
	      void **addr)
{
	return sys->mmap(len, prot, flags, fd, off, addr);
}

int sys_munmap(const struct iommufd_sys_ops *sys, void *addr, size_t len)
{
	return sys->munmap(addr, len);
}

ssize_t sys_readlink(const struct iommufd_sys_ops *sys, const char *path, char *buf, size_t size)
{
	return sys->readlink(path, buf, size);
}

int sys_list_dir(const struct iommufd_sys_ops *sys, const char *path,
		  int (*fn)(const char *name, void *data), void *data)
{
	return sys->list_dir(path, fn, data);
}

int sys_memfd_create(const struct iommufd_sys_ops *sys, const char *name, unsigned int flags)
{
	return sys->memfd_create(name, flags);
}

int sys_ftruncate(const struct iommufd_sys_ops *sys, int fd, off_t len)
{
	return sys->ftruncate(fd, len);
}

int sys_madvise(const struct iommufd_sys_ops *sys, void *addr, size_t len, int advice)
{
	return sys->madvise(addr, len, advice);
}

int sys_mlock(const struct iommufd_sys_ops *sys, const void *addr, size_t len)
{
	return sys->mlock ? sys->mlock(addr, len) : -ENOSYS;
}

int sys_munlock(const struct iommufd_sys_ops *sys, const void *addr, size_t len)
{
	return sys->munlock ? sys->munlock(addr, len) : -ENOSYS;
}

int sys_membarrier_register(void)
{
#ifdef SYS_membarrier
	return syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) < 0 ? neg_errno() : 0;
#else
	return -ENOSYS;
#endif
}

int sys_membarrier(void)
{
#ifdef SYS_membarrier
	return syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) < 0 ? neg_errno() : 0;
#else
	return -ENOSYS;
#endif
}

int sys_eventfd(const struct iommufd_sys_ops *sys, unsigned int initval, int flags)
{
	return sys->eventfd ? sys->eventfd(initval, flags) : -ENOSYS;
}

void sys_yield(void)
{
	sched_yield();
}

void sys_nap(long ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000L, .tv_nsec = ns % 1000000000L };

	nanosleep(&ts, NULL); /* an interruption just ends the nap early */
}

int sys_socket(const struct iommufd_sys_ops *sys, int domain, int type, int protocol)
{
	return sys->socket ? sys->socket(domain, type, protocol) : -ENOSYS;
}

ssize_t sys_send(const struct iommufd_sys_ops *sys, int fd, const void *buf, size_t len)
{
	return sys->send ? sys->send(fd, buf, len) : -ENOSYS;
}

ssize_t sys_recv(const struct iommufd_sys_ops *sys, int fd, void *buf, size_t len, uint32_t *nl_pid)
{
	return sys->recv ? sys->recv(fd, buf, len, nl_pid) : -ENOSYS;
}

ssize_t sys_sendmsg(const struct iommufd_sys_ops *sys, int fd, const struct msghdr *msg, int flags)
{
	return sys->sendmsg ? sys->sendmsg(fd, msg, flags) : -ENOSYS;
}

ssize_t sys_recvmsg(const struct iommufd_sys_ops *sys, int fd, struct msghdr *msg, int flags)
{
	return sys->recvmsg ? sys->recvmsg(fd, msg, flags) : -ENOSYS;
}

int sys_getsockopt(const struct iommufd_sys_ops *sys, int fd, int level, int name, void *val, socklen_t *len)
{
	return sys->getsockopt ? sys->getsockopt(fd, level, name, val, len) : -ENOSYS;
}
