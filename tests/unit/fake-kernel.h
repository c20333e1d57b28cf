/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * A fake system-call layer for host unit tests: a small in-memory model of
 * /dev/iommu and of VFIO device cdevs that keeps kernel-like object state
 * (IOAS IDs, mappings, attachments), plus error injection.
 */
#ifndef TESTS_UNIT_FAKE_KERNEL_H
#define TESTS_UNIT_FAKE_KERNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <iommufd/iommufd.h>

#include "base/sys.h"
#include "core/ctx.h"

extern const struct iommufd_sys_ops fake_sys;

/* Forget all state: fds, objects, mappings, injections. */
void fake_reset(void);
/* Make a call of @request (an ioctl number, or one of the FAKE_OP_*
 * pseudo-requests) fail with -@err: the next one, or with fake_inject_nth()
 * the one after @skip successful calls. */
void fake_inject(unsigned long request, int err);
void fake_inject_nth(unsigned long request, int err, int skip);
/* Whole-flow fault injection: count (and remember the request of) every
 * call that can be injected from fake_trace_start() on; fake_inject_call()
 * makes the @n-th of them (1 is the first after the start) fail with
 * -@err whatever its kind; fake_trace_req(i) is the i-th call's request
 * (an ioctl number or FAKE_OP_*), 0 past the end. fake_reset() leaves the
 * trace alone. */
void fake_trace_start(void);
unsigned long fake_trace_count(void);
unsigned long fake_trace_req(unsigned long i);
void fake_inject_call(unsigned long n, int err);
/* Calls made while paused are neither counted nor injected (a test's own checks). */
void fake_trace_pause(bool pause);
/* The call fake_inject_call() chose has been made (and failed). */
bool fake_inject_call_fired(void);
/* Number of open fake descriptors (leak checks). */
int fake_open_fds(void);
/* All that the fake kernel holds, for leak checks (tests/common/check.h's
 * assert_no_leak() and assert_fake_idle()). */
struct fake_census {
	int fds;      /* open descriptors */
	int ioas;     /* live IOASes */
	int objects;  /* other live objects */
	int mappings; /* mappings in all IOASes */
	int mem;      /* areas of memory handed out by mmap */
};
struct fake_census fake_census(void);
/* Number of live IOAS objects and of mappings in all of them. */
int fake_ioas_count(void);
int fake_mapping_count(void);
/* Number of live objects other than IOASes (HWPTs, queues, vIOMMUs...). */
int fake_object_count(void);
/* The next read of an event descriptor (fault queue, vEVENTQ) returns
 * these bytes. */
void fake_set_read_data(const void *data, size_t len);
/* IOVA_RANGES answers report this many ranges (default 1): [0, 4 GiB),
 * [4 GiB, 8 GiB)... */
void fake_set_range_count(uint32_t n);
/* IOVA_RANGES answers report these n ranges ({start, last}, at most 8)
 * until fake_set_range_count(). */
void fake_set_ranges(const uint64_t (*r)[2], uint32_t n);
/* IOVA_RANGES answers report this IOVA alignment (default 4096), and maps
 * whose IOVA or length is not a multiple of it fail with EINVAL, as in the
 * kernel (an IOMMU whose smallest page is larger than the CPU's). */
void fake_set_iova_alignment(uint64_t align);

/* IOMMU_GET_HW_INFO answers this type and data (default: VT-d, 20 PASID bits). */
void fake_set_hw_info(uint32_t type, const void *data, size_t len);

/* vhost-vdpa: behave like a kernel without the vDPA series (no
 * VHOST_BACKEND_F_IOMMUFD; unknown ioctls fail with ENOBUFS as vhost-vdpa's
 * vring fallback makes them). */
void fake_vdpa_without_series(int on);
/* What ASID @asid of the vhost-vdpa descriptor @fd is attached to (0: none). */
uint32_t fake_vdpa_asid_pt(int fd, uint32_t asid);

#define FAKE_OP_OPEN 0x10001ul
#define FAKE_OP_DUP 0x10002ul
#define FAKE_OP_MMAP 0x10003ul
#define FAKE_OP_PREAD 0x10004ul
#define FAKE_OP_PWRITE 0x10005ul
#define FAKE_OP_READ 0x10006ul
#define FAKE_OP_WRITE 0x10007ul
#define FAKE_OP_MEMFD 0x10008ul
#define FAKE_OP_FTRUNCATE 0x10009ul
#define FAKE_OP_MADVISE 0x1000aul
#define FAKE_OP_MUNMAP 0x1000bul
/* readlink and list_dir: counted and failed by fake_inject_call() only. */
#define FAKE_OP_READLINK 0x1000dul
#define FAKE_OP_LIST_DIR 0x1000eul
/* memfd_create(MFD_HUGETLB) fails with EINVAL when not available (default: it works). */
void fake_set_hugetlb(int available);
/* Calls made so far of the kinds that can be injected (ioctl, open,
 * mmap, munmap, memfd_create, ...). */
unsigned long fake_call_count(void);
/* Areas of real memory handed out by the fake mmap (fd -1 or a memfd). */
int fake_mem_count(void);
/* Unmap that memory (after a test made the library's munmap fail). */
void fake_release_mem(void);

/* ---- VFIO no-IOMMU (fake-noiommu.c) ----
 * 0000:00:07.0's cdev is /dev/vfio/devices/noiommu-vfio0; opening it makes a
 * no-IOMMU device. GET_PA answers for IOASes such a device is attached to
 * (else EOPNOTSUPP, as 7.3 does without a noiommu storage domain). */
#define FAKE_PA_BASE 0x100000000000ull
#define FAKE_OP_MLOCK 0x1000dul
/* The kernel has IOMMU_IOAS_NOIOMMU_GET_PA (default 1); physical pages are
 * scattered, not contiguous (default 0); /proc/self/pagemap shows frames
 * (CAP_SYS_ADMIN, default 1). fake_reset() restores the defaults. */
void fake_noiommu_set(int get_pa, int scattered, int cap_sys_admin);
/* Bytes mlock()ed and not yet munlock()ed. */
long fake_noiommu_locked(void);
/* Internal to the fake: fake-kernel.c <-> fake-noiommu.c. */
void fake_noiommu_reset(void);
void fake_noiommu_opened(int fd, int noiommu);
int fake_noiommu_is(int fd);
int fake_noiommu_get_pa(int fd, void *arg);
int fake_noiommu_absent(void);
ssize_t fake_noiommu_pagemap(void *buf, size_t len, off_t off);
int fake_noiommu_mlock(const void *addr, size_t len);
int fake_noiommu_munlock(const void *addr, size_t len);
int fake_injected_(unsigned long req);
int fake_iova_mapped(uint32_t ioas, uint64_t iova, uint64_t *start, uint64_t *len);
uint32_t fake_fd_attached(int fd);

/* ---- device interrupts, region capabilities, hot reset, eventfds ---- */
#define FAKE_OP_EVENTFD 0x1000cul
/* A fake eventfd as a caller would own (sys ops' eventfd makes them too);
 * its identity, shared by its duplicates (what the kernel holds), or 0
 * when @fd is not an eventfd. readlink("/proc/self/fd/N") answers
 * "anon_inode:[eventfd]" for them. */
int fake_eventfd_new(void);
int fake_eventfd_id(int fd);
/* Vectors of each IRQ index (default INTx 1, MSI 8, MSI-X 16, ERR 1, REQ 1). */
void fake_irq_set_count(uint32_t index, uint32_t count);
/* MSI-X may grow one vector at a time (no NORESIZE), as with dynamic MSI-X. */
void fake_irq_dyn_msix(int on);
/* The platform gives at most n MSI/MSI-X vectors (0: no limit): enabling
 * more makes SET_IRQS return the positive count (vfio_msi_enable()), or
 * -ENOSPC with n < 0. */
void fake_irq_vector_limit(int n);
/* The setup of that vector fails once with -err (midway in a block: the
 * kernel tears down the vectors this call set, vfio_msi_set_block()).
 * A second call arms a second failure, after the first has fired. */
void fake_irq_fail_vector(uint32_t index, uint32_t vector, int err);
/* The eventfd identity routed to a vector of the device descriptor @fd
 * (0: none); the index on among INTx/MSI/MSI-X (-1: none); loopback
 * triggers seen; INTx masked; the INTx unmask eventfd's identity. */
int fake_irq_route(int fd, uint32_t index, uint32_t vector);
int fake_irq_type(int fd);
int fake_irq_signals(int fd, uint32_t index);
int fake_irq_intx_masked(int fd);
int fake_irq_unmask_route(int fd);
/* Region @index (< 16) reports these flags (UAPI_VFIO_REGION_INFO_FLAG_*) and
 * size, and the capability chain @chain[0, len) placed right after the info
 * struct; its first entry at @first (0: right after the struct). Offsets
 * inside the chain count from the start of the info struct, as the
 * kernel's do. */
void fake_region_set(uint32_t index, uint32_t flags, uint32_t size, const void *chain, size_t len,
		     uint32_t first);
/* MAP_FIXED device maps into a reservation so far (each marks its bytes 0xcd). */
int fake_fixed_map_count(void);
/* The devices a hot reset affects (default: the device itself, owned). */
struct fake_reset_dev {
	uint16_t segment;
	uint8_t bus, devfn;
	uint32_t devid; /* UAPI_VFIO_PCI_DEVID_NOT_OWNED: not owned */
};
/* n 0: no bus or slot reset (ENODEV); group_form: answer without DEV_ID. */
void fake_hot_reset_set(const struct fake_reset_dev *devs, int n, int group_form);

/* ---- the legacy VFIO backend: containers and groups (fake-type1.c) ----
 *
 * /dev/vfio/vfio opens a container. IOMMU groups (/dev/vfio/N, sysfs
 * /sys/bus/pci/devices/ADDR/iommu_group, /sys/kernel/iommu_groups/N/devices):
 * group 7 holds 0000:00:03.0 and 0000:00:03.1 (both unbound, viable);
 * group 8 holds 0000:00:06.0 (viable); group 9 holds 0000:00:0a.0 (vfio-pci)
 * and 0000:00:0a.1 (nvme), so it is not viable. A group's device fds are
 * the fake's VFIO device fds (regions, interrupts, reset work on them).
 * Containers answer with type1v2, 4 KiB | 2 MiB | 1 GiB pages, the IOVA
 * ranges [0, 0xfedfffff] and [0xfef00000, 2^48 - 1] and 65535 DMA entries,
 * unless configured otherwise below (fake_reset() restores these).
 */
struct fake_type1_config {
	int api_version;        /* VFIO_GET_API_VERSION's answer (0) */
	int no_type1v2;         /* CHECK_EXTENSION(TYPE1v2) says 0 */
	int no_node;            /* /dev/vfio/vfio does not exist */
	int compat;             /* iommufd's emulation: IOMMU_DESTROY of 0 is ENOENT */
	int no_caps;            /* GET_INFO without a capability chain (no IOVA ranges) */
	int migration;          /* GET_INFO has the migration (dirty logging) capability */
	uint64_t pgsizes;       /* iova_pgsizes */
	uint32_t dma_avail;     /* DMA entries left in a new container */
	uint64_t ranges[4][2];  /* {start, end}; nranges of them */
	uint32_t nranges;
	const uint8_t *chain;   /* a raw capability chain instead of the built one */
	size_t chain_len;
};
/* The configuration in force (change it after fake_reset()). */
struct fake_type1_config *fake_type1_config(void);
/* A device writes the page at @iova: every container that maps it and
 * tracks dirty pages (VFIO_IOMMU_DIRTY_PAGES) records it, until a read of
 * its bitmap or an unmap with one reports it. */
void fake_type1_write(uint64_t iova);
/* Mappings in the container group @num is in (-1: not in one). */
int fake_type1_group_maps(unsigned int num);
/* Whether group @num is in a container with its IOMMU set; whether the
 * group is open. */
int fake_type1_group_enabled(unsigned int num);
int fake_type1_group_open(unsigned int num);
/* The group number of a device fd its group gave, or of a group fd; -1
 * for any other fd. */
int fake_type1_device_group(int fd);
int fake_type1_group_of_fd(int fd);
/* The vaddr mapped at @iova in group @num's container (0: none). */
uint64_t fake_type1_lookup(unsigned int num, uint64_t iova);

/* ---- VFIO device features (fake-feature.c) ---- */
/* Bit n: the device has feature n. The default is what vfio-pci gives
 * every PCI function of a kernel with dma-buf export: low power (3, 4, 5)
 * and DMA_BUF (11). */
#define FAKE_FEATURES_VFIO_PCI ((1u << 3) | (1u << 4) | (1u << 5) | (1u << 11))
/* Migration (1, 2, 9, 12) and DMA logging (6, 7, 8), as mtty has them. */
#define FAKE_FEATURES_MIGRATION ((1u << 1) | (1u << 2) | (1u << 9) | (1u << 12))
#define FAKE_FEATURES_DMA_LOG ((1u << 6) | (1u << 7) | (1u << 8))
/* Every VFIO descriptor's features and migration flags (VFIO_MIGRATION_*). */
void fake_feature_config(uint32_t features, uint32_t mig_flags);
/* The migration arcs SET so far (from, to), the count returned. */
#define FAKE_MIG_HISTORY 32
struct fake_mig_arc {
	uint32_t from, to;
};
int fake_mig_history(struct fake_mig_arc *arcs, int max);
/* Put device descriptor @fd in a migration state (default RUNNING). */
void fake_mig_set_state(int fd, uint32_t state);
/* Ranges the last DMA logging start gave; the low power state of @fd (0
 * off, 1 on, 2 with wakeup); the VF token last set. */
uint32_t fake_dma_log_ranges(void);
int fake_low_power(int fd);
const uint8_t *fake_vf_token(void);

/* Paths the fake knows: /dev/iommu, /dev/vfio/devices/vfio0 and a sysfs
 * device at /sys/bus/pci/devices/0000:00:03.0 whose vfio-dev is vfio0;
 * 0000:00:04.0 exists but is bound to "nvme". vDPA: vdpa0 bound to
 * vhost_vdpa (/dev/vhost-vdpa-0, two ASIDs), vdpa1 not bound to it. */

#endif
