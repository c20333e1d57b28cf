/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The system-call seam: the only way the library reaches the kernel. */
#ifndef IOMMUFD_BASE_SYS_H
#define IOMMUFD_BASE_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/*
 * The system-call layer. Every call returns a value >= 0 on success and a
 * negative errno on failure (never -1 with errno). lib/base/sys.c has the real one;
 * unit tests install a fake with iommufd_ctx_new_with_ops_().
 */
struct iommufd_sys_ops {
	int (*open)(const char *path, int flags);
	int (*close)(int fd);
	int (*dup)(int fd); /* close-on-exec duplicate */
	int (*ioctl)(int fd, unsigned long request, void *arg);
	ssize_t (*pread)(int fd, void *buf, size_t len, off_t off);
	ssize_t (*pwrite)(int fd, const void *buf, size_t len, off_t off);
	/* Plain read and write, for event descriptors that cannot seek. */
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*write)(int fd, const void *buf, size_t len);
	/* With MAP_FIXED, *addr is where to map (and stays so on success). */
	int (*mmap)(size_t len, int prot, int flags, int fd, off_t off, void **addr);
	int (*munmap)(void *addr, size_t len);
	/* Target of a symlink, NUL-terminated; returns its length. */
	ssize_t (*readlink)(const char *path, char *buf, size_t size);
	/* Call fn for each entry of a directory but "." and ".."; stops early
	 * and returns fn's value when it is non-zero. */
	int (*list_dir)(const char *path, int (*fn)(const char *name, void *data),
			void *data);
	/* DMA memory (lib/dma/): mmap above also takes fd -1 (anonymous). */
	int (*memfd_create)(const char *name, unsigned int flags);
	int (*ftruncate)(int fd, off_t len);
	int (*madvise)(void *addr, size_t len, int advice);
	/* Optional (NULL: -ENOSYS): lock pages in memory, noiommu DMA. */
	int (*mlock)(const void *addr, size_t len);
	int (*munlock)(const void *addr, size_t len);
	/* Sockets (netlink queries): a close-on-exec socket, send, receive.
	 * recv stores the sender's netlink port ID (sockaddr_nl.nl_pid; 0 is
	 * the kernel, UINT32_MAX when the address is not a netlink one). */
	int (*socket)(int domain, int type, int protocol);
	ssize_t (*send)(int fd, const void *buf, size_t len);
	ssize_t (*recv)(int fd, void *buf, size_t len, uint32_t *nl_pid);
	/* An eventfd (close-on-exec; flags as eventfd(2)'s, e.g. EFD_NONBLOCK). */
	int (*eventfd)(unsigned int initval, int flags);
	/* Unix sockets (fd passing, host/passfd.c): sendmsg and recvmsg as
	 * sendmsg(2)'s and recvmsg(2)'s (EINTR retried; recvmsg always adds
	 * MSG_CMSG_CLOEXEC), getsockopt as getsockopt(2)'s. */
	ssize_t (*sendmsg)(int fd, const struct msghdr *msg, int flags);
	ssize_t (*recvmsg)(int fd, struct msghdr *msg, int flags);
	int (*getsockopt)(int fd, int level, int name, void *val, socklen_t *len);
};

extern const struct iommufd_sys_ops iommufd_sys_real;

/* The object files make every call through these (lib/base/sys.c). */
int sys_open(const struct iommufd_sys_ops *sys, const char *path, int flags);
int sys_close(const struct iommufd_sys_ops *sys, int fd);
int sys_dup(const struct iommufd_sys_ops *sys, int fd);
int sys_ioctl(const struct iommufd_sys_ops *sys, int fd, unsigned long request, void *arg);
ssize_t sys_pread(const struct iommufd_sys_ops *sys, int fd, void *buf, size_t len, off_t off);
ssize_t sys_pwrite(const struct iommufd_sys_ops *sys, int fd, const void *buf, size_t len, off_t off);
ssize_t sys_read(const struct iommufd_sys_ops *sys, int fd, void *buf, size_t len);
ssize_t sys_write(const struct iommufd_sys_ops *sys, int fd, const void *buf, size_t len);
int sys_mmap(const struct iommufd_sys_ops *sys, size_t len, int prot, int flags, int fd, off_t off,
	      void **addr);
int sys_munmap(const struct iommufd_sys_ops *sys, void *addr, size_t len);
ssize_t sys_readlink(const struct iommufd_sys_ops *sys, const char *path, char *buf, size_t size);
int sys_list_dir(const struct iommufd_sys_ops *sys, const char *path,
		  int (*fn)(const char *name, void *data), void *data);
int sys_memfd_create(const struct iommufd_sys_ops *sys, const char *name, unsigned int flags);
int sys_ftruncate(const struct iommufd_sys_ops *sys, int fd, off_t len);
int sys_madvise(const struct iommufd_sys_ops *sys, void *addr, size_t len, int advice);
int sys_mlock(const struct iommufd_sys_ops *sys, const void *addr, size_t len);
int sys_munlock(const struct iommufd_sys_ops *sys, const void *addr, size_t len);
/* Process-wide membarrier(2) for lib/dma/epoch.c (no per-ctx table: a fake
 * cannot stand in for a memory barrier): register for the private expedited
 * command, then issue it. 0 or -errno. */
int sys_membarrier_register(void);
int sys_membarrier(void);
/* Process-wide waits for base/spinlock.h (no per-ctx table either: a lock
 * has no context): give up the CPU to threads of the same priority, and
 * sleep about @ns nanoseconds, which lets any thread run. */
void sys_yield(void);
void sys_nap(long ns);
/* -ENOSYS when the table has no socket calls (a fake without them). */
int sys_eventfd(const struct iommufd_sys_ops *sys, unsigned int initval, int flags);
int sys_socket(const struct iommufd_sys_ops *sys, int domain, int type, int protocol);
ssize_t sys_send(const struct iommufd_sys_ops *sys, int fd, const void *buf, size_t len);
ssize_t sys_recv(const struct iommufd_sys_ops *sys, int fd, void *buf, size_t len, uint32_t *nl_pid);
/* -ENOSYS when the table has none (a fake without them). */
ssize_t sys_sendmsg(const struct iommufd_sys_ops *sys, int fd, const struct msghdr *msg, int flags);
ssize_t sys_recvmsg(const struct iommufd_sys_ops *sys, int fd, struct msghdr *msg, int flags);
int sys_getsockopt(const struct iommufd_sys_ops *sys, int fd, int level, int name, void *val, socklen_t *len);

/*
 * Calls that have no context (discovery, host setup, diagnostics, context
 * creation) make their system calls through this table; unit tests may point
 * it at a fake.
 */
extern const struct iommufd_sys_ops *sys_host;

#endif
