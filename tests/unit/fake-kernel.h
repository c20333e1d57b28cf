/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * A fake system-call layer for host unit tests: a small in-memory model of
 * /dev/iommu and of VFIO device cdevs that keeps kernel-like object state
 * (IOAS IDs, mappings, attachments), plus error injection.
 */
#ifndef TESTS_UNIT_FAKE_KERNEL_H
#define TESTS_UNIT_FAKE_KERNEL_H

#include <stdint.h>

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
/* memfd_create(MFD_HUGETLB) fails with EINVAL when not available (default: it works). */
void fake_set_hugetlb(int available);
/* Calls made so far of the kinds that can be injected (ioctl, open,
 * mmap, munmap, memfd_create, ...). */
unsigned long fake_call_count(void);
/* Areas of real memory handed out by the fake mmap (fd -1 or a memfd). */
int fake_mem_count(void);
/* Unmap that memory (after a test made the library's munmap fail). */
void fake_release_mem(void);

/* Paths the fake knows: /dev/iommu, /dev/vfio/devices/vfio0 and a sysfs
 * device at /sys/bus/pci/devices/0000:00:03.0 whose vfio-dev is vfio0;
 * 0000:00:04.0 exists but is bound to "nvme". vDPA: vdpa0 bound to
 * vhost_vdpa (/dev/vhost-vdpa-0, two ASIDs), vdpa1 not bound to it. */

#endif
