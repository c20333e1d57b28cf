/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Library-internal declarations shared by the object files. */
#ifndef IOMMUFD_LIB_PRIVATE_H
#define IOMMUFD_LIB_PRIVATE_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <syslog.h>

#include <iommufd/iommufd.h>

#include "iova-tree.h"

/*
 * The system-call layer. Every call returns a value >= 0 on success and a
 * negative errno on failure (never -1 with errno). lib/sys.c has the real one;
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
	int (*mmap)(size_t len, int prot, int flags, int fd, off_t off, void **addr);
	int (*munmap)(void *addr, size_t len);
	/* Target of a symlink, NUL-terminated; returns its length. */
	ssize_t (*readlink)(const char *path, char *buf, size_t size);
	/* Call fn for each entry of a directory but "." and ".."; stops early
	 * and returns fn's value when it is non-zero. */
	int (*list_dir)(const char *path, int (*fn)(const char *name, void *data),
			void *data);
	/* DMA memory (lib/dma.c): mmap above also takes fd -1 (anonymous). */
	int (*memfd_create)(const char *name, unsigned int flags);
	int (*ftruncate)(int fd, off_t len);
	int (*madvise)(void *addr, size_t len, int advice);
	/* Sockets (netlink queries): a close-on-exec socket, send, receive. */
	int (*socket)(int domain, int type, int protocol);
	ssize_t (*send)(int fd, const void *buf, size_t len);
	ssize_t (*recv)(int fd, void *buf, size_t len);
};

extern const struct iommufd_sys_ops iommufd_sys_real;

/* The object files make every call through these (lib/sys.c). */
int sys_open_(const struct iommufd_sys_ops *sys, const char *path, int flags);
int sys_close_(const struct iommufd_sys_ops *sys, int fd);
int sys_dup_(const struct iommufd_sys_ops *sys, int fd);
int sys_ioctl_(const struct iommufd_sys_ops *sys, int fd, unsigned long request, void *arg);
ssize_t sys_pread_(const struct iommufd_sys_ops *sys, int fd, void *buf, size_t len, off_t off);
ssize_t sys_pwrite_(const struct iommufd_sys_ops *sys, int fd, const void *buf, size_t len, off_t off);
ssize_t sys_read_(const struct iommufd_sys_ops *sys, int fd, void *buf, size_t len);
ssize_t sys_write_(const struct iommufd_sys_ops *sys, int fd, const void *buf, size_t len);
int sys_mmap_(const struct iommufd_sys_ops *sys, size_t len, int prot, int flags, int fd, off_t off,
	      void **addr);
int sys_munmap_(const struct iommufd_sys_ops *sys, void *addr, size_t len);
ssize_t sys_readlink_(const struct iommufd_sys_ops *sys, const char *path, char *buf, size_t size);
int sys_list_dir_(const struct iommufd_sys_ops *sys, const char *path,
		  int (*fn)(const char *name, void *data), void *data);
int sys_memfd_create_(const struct iommufd_sys_ops *sys, const char *name, unsigned int flags);
int sys_ftruncate_(const struct iommufd_sys_ops *sys, int fd, off_t len);
int sys_madvise_(const struct iommufd_sys_ops *sys, void *addr, size_t len, int advice);
/* Process-wide membarrier(2) for lib/epoch.c (no per-ctx table: a fake
 * cannot stand in for a memory barrier): register for the private expedited
 * command, then issue it. 0 or -errno. */
int sys_membarrier_register_(void);
int sys_membarrier_(void);
/* -ENOSYS when the table has no socket calls (a fake without them). */
int sys_socket_(const struct iommufd_sys_ops *sys, int domain, int type, int protocol);
ssize_t sys_send_(const struct iommufd_sys_ops *sys, int fd, const void *buf, size_t len);
ssize_t sys_recv_(const struct iommufd_sys_ops *sys, int fd, void *buf, size_t len);

struct iommufd_ctx {
	atomic_int refcount;
	int fd;
	const struct iommufd_sys_ops *sys;

	iommufd_log_fn log_fn;
	void *log_data;
	int log_priority;

	/* Feature probes: bit n of probed says whether bit n of present is valid. */
	atomic_uint_fast64_t features_probed;
	atomic_uint_fast64_t features_present;

	/* Bumped by every attach, replace and detach: IOVA ranges may have
	 * changed (lib/dma.c reads them again). */
	atomic_uint ranges_gen;

	pthread_mutex_t err_lock;
	char err[512];
};

struct iommufd_ioas {
	struct iommufd_ctx *ctx;
	uint32_t id;
	/* The mappings made through this handle (map, map_file, copy), for
	 * explaining EEXIST and refusing unmaps that would split one. */
	atomic_flag lock; /* spin_lock(); held for tree operations only */
	struct iova_tree areas;
	struct iommufd_dma *dma; /* its DMA context, if any (lib/dma.c) */
};

enum device_kind {
	DEVICE_VFIO,
	DEVICE_VDPA,
};

struct iommufd_device {
	struct iommufd_ctx *ctx;
	int fd;
	uint32_t devid;
	uint32_t pt_id; /* what the device (vDPA: ASID 0) is attached to; 0 when detached */
	char name[64];  /* for messages: the cdev or PCI address */
	enum device_kind kind;
	/* vDPA: the address spaces and what each is attached to (0: detached) */
	uint32_t num_asids;
	uint32_t *asid_pt;
};

/* vDPA flavour of the device calls (lib/vdpa.c). */
int vdpa_attach(struct iommufd_device *dev, uint32_t asid, uint32_t pt_id, bool replace);
int vdpa_detach(struct iommufd_device *dev, uint32_t asid);
/* Refuse a VFIO-only call on a vDPA device: -EOPNOTSUPP with the reason. */
int vdpa_refuse(struct iommufd_device *dev, const char *what);

/*
 * A lock for short critical sections that never sleep (a few tree steps).
 * An uncontended pthread mutex costs about eight times as much, which shows
 * on a 4 KiB map+unmap under emulation; a holder that is preempted makes
 * the others yield rather than burn their time slice.
 */
static inline void spin_lock(atomic_flag *lock)
{
	for (unsigned int spins = 0; atomic_flag_test_and_set_explicit(lock, memory_order_acquire); spins++)
		if (spins >= 64)
			sched_yield();
}

static inline void spin_unlock(atomic_flag *lock)
{
	atomic_flag_clear_explicit(lock, memory_order_release);
}

/* Create a context with a given system-call layer (unit tests). */
int iommufd_ctx_new_with_ops_(const struct iommufd_ctx_opts *opts,
			      const struct iommufd_sys_ops *sys,
			      struct iommufd_ctx **ctx);

/* Log at a syslog priority, if the context's level lets it through. */
void ctx_log(struct iommufd_ctx *ctx, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Record why a call failed (readable with iommufd_ctx_last_error()), log it,
 * set errno to @err and return -@err. @err is a positive errno value.
 */
int ctx_fail(struct iommufd_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A short hint for an errno of the kernel's generic uAPI contract. */
const char *errno_hint(int err);

/* Set errno from a return value of the -errno convention and pass it on. */
static inline int ret_errno(int rc)
{
	if (rc < 0)
		errno = -rc;
	return rc;
}

/* Destroy a kernel object by ID (IOMMU_DESTROY); -errno on failure. */
int ctx_destroy_id(struct iommufd_ctx *ctx, uint32_t id);

/*
 * What every handle of a kernel object (HWPT, fault queue, vIOMMU, vDEVICE,
 * vEVENTQ, HW queue) holds: a context reference and the object's ID.
 * kobj_init() takes the reference. kobj_destroy() issues IOMMU_DESTROY and
 * on success drops it; on EBUSY it explains with busy_hint and the handle
 * stays valid. The caller frees its own struct afterwards.
 */
struct kobj {
	struct iommufd_ctx *ctx;
	uint32_t id;
};

void kobj_init(struct kobj *o, struct iommufd_ctx *ctx, uint32_t id);
int kobj_destroy(struct kobj *o, const char *what, const char *busy_hint);

/* The context of a vIOMMU (lib/viommu.c), for the vEVENTQ in lib/fault.c. */
struct iommufd_ctx *viommu_ctx(const struct iommufd_viommu *v);

/* IOMMU_HWPT_INVALIDATE on a nested HWPT or a vIOMMU (lib/hwpt.c). */
int ctx_invalidate(struct iommufd_ctx *ctx, uint32_t id, uint32_t type, const void *entries,
		   uint32_t entry_len, uint32_t *count, const char *what);

/* IOMMU_OPTION: get (*val out) or set (*val in) one option. -errno on failure. */
int ctx_option(struct iommufd_ctx *ctx, uint32_t option, uint16_t op,
	       uint32_t object_id, uint64_t *val);

/*
 * Validate an opts struct of the caller: NULL is fine; a size below
 * sizeof(size_t) is -EINVAL; bytes beyond @known that are non-zero are
 * -E2BIG. Returns 0 or -errno without recording anything.
 */
int opts_check(const void *opts, size_t known);

/* Is the member of opts (a pointer that may be NULL) within its declared sz? */
#define OPTS_HAS(opts, member) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), member) + sizeof((opts)->member))
#define OPTS_GET(opts, member, def) (OPTS_HAS(opts, member) ? (opts)->member : (def))

/*
 * Calls that have no context (discovery, host setup, diagnostics) make their
 * system calls through this table; unit tests may point it at a fake.
 */
extern const struct iommufd_sys_ops *host_sys;

/* Like ctx_fail() for those calls: the message goes to a thread-local buffer
 * that iommufd_last_error() returns (lib/last-error.c). */
int host_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Small sysfs files through host_sys (lib/sysfs.c). sysfs_read() reads up to
 * size - 1 bytes, drops one trailing newline and returns the length;
 * sysfs_write() writes the whole value. Both return -errno on failure. */
ssize_t sysfs_read(const char *path, char *buf, size_t size);
int sysfs_write(const char *path, const char *value);
bool path_exists(const char *path);
/* Strict parsers for sysfs values: "0x1234", "1234" (hex, at most 8 digits,
 * at most max) and "-1" (decimal); one trailing newline allowed. 0 or
 * -EINVAL / -ERANGE; *out untouched on failure. */
int sysfs_parse_hex(const char *s, uint32_t max, uint32_t *out);
int sysfs_parse_int(const char *s, int *out);

/*
 * What lib/diag.c found out about the host and a device; diag_decide() turns
 * it into findings, so the decisions can be tested without a host.
 */
struct diag_facts {
	bool iommu_active;        /* /sys/class/iommu has an entry */
	bool iommufd_present;     /* /dev/iommu exists */
	bool iommufd_available;   /* the module exists (libkmod) */
	int iommu_access;         /* opening /dev/iommu read-write: 0 or -errno */
	bool vfio_pci_present;    /* /sys/bus/pci/drivers/vfio-pci */
	bool vfio_pci_available;  /* the module exists */
	uint64_t memlock_wanted;  /* 0: not asked */
	uint64_t memlock_limit;   /* RLIMIT_MEMLOCK soft limit; UINT64_MAX: unlimited */
	bool cap_ipc_lock;        /* no limit applies */
	/* the device, when one was asked about */
	const char *addr;
	bool device_exists;
	const struct iommufd_pci_info *dev;
	char blocker[16];         /* a group member on a DMA host driver */
	char blocker_driver[64];
	int cdev_access;          /* opening the cdev read-write: 0 or -errno */
};

/* A device of addr's IOMMU group, other than addr, bound to a driver that
 * keeps VFIO from the group: 1 (member and driver filled), 0 (none),
 * -ENOENT (addr has no group) or another -errno (lib/setup.c). */
int group_blocker(const char *addr, char member[16], char driver[64]);

struct iommufd_diag;
int diag_decide(const struct diag_facts *f, struct iommufd_diag *d);
struct iommufd_diag *diag_new_(void);

/* The DMA context's mapping that intersects [first, last]: 1 and its
 * bounds, or 0 (lib/dma.c). For the IOAS's unmap and overlap messages. */
int dma_find_mapping_(struct iommufd_dma *dma, uint64_t first, uint64_t last,
		      uint64_t *map_first, uint64_t *map_last);

/* Parse a PCI address "[dddd:]bb:dd.f" into the canonical "dddd:bb:dd.f". */
int pci_addr_normalize(const char *in, char out[16]);

#endif
