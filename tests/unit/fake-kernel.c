// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* In-memory model of /dev/iommu and a VFIO cdev for host unit tests. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/uapi.h"
#include "fake-kernel.h"

#define MAX_FDS 64
#define MAX_OBJ 64
#define MAX_MAPS 4096
#define MAX_MEM 256

enum fd_kind { FD_NONE, FD_IOMMU, FD_VFIO, FD_EVENT, FD_MEMFD, FD_VDPA };

#define VDPA_NAS 2

static struct {
	enum fd_kind fds[MAX_FDS];
	int bound[MAX_FDS]; /* VFIO fd -> devid, 0 if unbound */
	uint32_t attached[MAX_FDS];
	int ioas[MAX_OBJ]; /* 1 if object id i is a live IOAS */
	int other[MAX_OBJ]; /* 1 if object id i is another live object (HWPT, fault queue, vIOMMU...) */
	struct {
		uint32_t ioas;
		uint64_t iova, len;
	} maps[MAX_MAPS];
	int nmaps;
	uint32_t next_id;
	unsigned long inject_req;
	int inject_err, inject_skip;
	uint32_t range_count;
	uint64_t ranges[8][2]; /* fake_set_ranges(); used when nranges > 0 */
	uint32_t nranges;
	uint64_t iova_alignment; /* 0: 4096 */
	uint8_t read_data[1024]; /* what the next read of an event descriptor returns */
	size_t read_len;
	int no_hugetlb;
	uint64_t memfd_size[MAX_FDS];
	struct {
		void *addr;
		size_t len;
	} mem[MAX_MEM]; /* real anonymous memory handed out by f_mmap */
	/* vhost-vdpa: a kernel without the series; per fd ASID attachments */
	int vdpa_no_iommufd;
	uint32_t vdpa_asid[MAX_FDS][VDPA_NAS];
} K;

void fake_release_mem(void)
{
	for (int i = 0; i < MAX_MEM; i++)
		if (K.mem[i].addr) {
			munmap(K.mem[i].addr, K.mem[i].len);
			K.mem[i].addr = NULL;
		}
}

void fake_reset(void)
{
	fake_release_mem();
	memset(&K, 0, sizeof(K));
	K.next_id = 1;
	K.range_count = 1;
}

void fake_inject_nth(unsigned long request, int err, int skip)
{
	K.inject_req = request;
	K.inject_err = err;
	K.inject_skip = skip;
}

void fake_inject(unsigned long request, int err)
{
	fake_inject_nth(request, err, 0);
}

void fake_set_hugetlb(int available)
{
	K.no_hugetlb = !available;
}

void fake_set_range_count(uint32_t n)
{
	K.range_count = n;
	K.nranges = 0;
}

void fake_set_ranges(const uint64_t (*r)[2], uint32_t n)
{
	memcpy(K.ranges, r, n * sizeof(*r));
	K.nranges = n;
}

void fake_set_iova_alignment(uint64_t align)
{
	K.iova_alignment = align;
}

static uint64_t iova_alignment(void)
{
	return K.iova_alignment ? K.iova_alignment : 4096;
}

static unsigned long calls;

unsigned long fake_call_count(void)
{
	return calls;
}

void fake_vdpa_without_series(int on)
{
	K.vdpa_no_iommufd = on;
}

uint32_t fake_vdpa_asid_pt(int fd, uint32_t asid)
{
	return fd >= 0 && fd < MAX_FDS && asid < VDPA_NAS ? K.vdpa_asid[fd][asid] : 0;
}

static int injected(unsigned long req)
{
	calls++;
	if (K.inject_err && K.inject_req == req) {
		int e = K.inject_err;

		if (K.inject_skip > 0) {
			K.inject_skip--;
			return 0;
		}
		K.inject_err = 0;
		return -e;
	}
	return 0;
}

int fake_open_fds(void)
{
	int n = 0;

	for (int i = 0; i < MAX_FDS; i++)
		n += K.fds[i] != FD_NONE;
	return n;
}

int fake_mem_count(void)
{
	int n = 0;

	for (int i = 0; i < MAX_MEM; i++)
		n += K.mem[i].addr != NULL;
	return n;
}

int fake_ioas_count(void)
{
	int n = 0;

	for (int i = 0; i < MAX_OBJ; i++)
		n += K.ioas[i];
	return n;
}

int fake_object_count(void)
{
	int n = 0;

	for (int i = 0; i < MAX_OBJ; i++)
		n += K.other[i];
	return n;
}

int fake_mapping_count(void)
{
	return K.nmaps;
}

struct fake_census fake_census(void)
{
	return (struct fake_census){
		.fds = fake_open_fds(),
		.ioas = fake_ioas_count(),
		.objects = fake_object_count(),
		.mappings = fake_mapping_count(),
		.mem = fake_mem_count(),
	};
}

static int new_fd(enum fd_kind kind)
{
	for (int i = 3; i < MAX_FDS; i++)
		if (K.fds[i] == FD_NONE) {
			K.fds[i] = kind;
			K.bound[i] = 0;
			K.attached[i] = 0;
			memset(K.vdpa_asid[i], 0, sizeof(K.vdpa_asid[i]));
			return i;
		}
	return -EMFILE;
}

static int f_open(const char *path, int flags)
{
	int rc = injected(FAKE_OP_OPEN);

	(void)flags;
	if (rc)
		return rc;
	if (!strcmp(path, "/dev/iommu"))
		return new_fd(FD_IOMMU);
	if (!strcmp(path, "/dev/vfio/devices/vfio0"))
		return new_fd(FD_VFIO);
	if (!strcmp(path, "/dev/vhost-vdpa-0"))
		return new_fd(FD_VDPA);
	return -ENOENT;
}

static int f_close(int fd)
{
	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] == FD_NONE)
		return -EBADF;
	K.fds[fd] = FD_NONE;
	return 0;
}

static int f_dup(int fd)
{
	int rc = injected(FAKE_OP_DUP);

	if (rc)
		return rc;
	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] == FD_NONE)
		return -EBADF;
	return new_fd(K.fds[fd]);
}

static int is_ioas(uint32_t id)
{
	return id < MAX_OBJ && K.ioas[id];
}

static int overlaps(uint32_t ioas, uint64_t iova, uint64_t len)
{
	for (int i = 0; i < K.nmaps; i++)
		if (K.maps[i].ioas == ioas && iova < K.maps[i].iova + K.maps[i].len &&
		    K.maps[i].iova < iova + len)
			return 1;
	return 0;
}

static int do_map(uint32_t ioas, uint32_t flags, uint64_t len, uint64_t *iova)
{
	if (!is_ioas(ioas))
		return -ENOENT;
	if (!(flags & (UAPI_IOMMU_IOAS_MAP_READABLE | UAPI_IOMMU_IOAS_MAP_WRITEABLE)) || !len)
		return -EINVAL;
	if (flags & ~7u)
		return -EOPNOTSUPP;
	if (len & (iova_alignment() - 1))
		return -EINVAL;
	if ((flags & UAPI_IOMMU_IOAS_MAP_FIXED_IOVA) && (*iova & (iova_alignment() - 1)))
		return -EINVAL;
	if (!(flags & UAPI_IOMMU_IOAS_MAP_FIXED_IOVA)) {
		uint64_t a = 0x100000;

		while (overlaps(ioas, a, len))
			a += 0x100000;
		*iova = a;
	} else if (overlaps(ioas, *iova, len)) {
		return -EEXIST;
	}
	if (K.nmaps == MAX_MAPS)
		return -ENOMEM;
	K.maps[K.nmaps].ioas = ioas;
	K.maps[K.nmaps].iova = *iova;
	K.maps[K.nmaps].len = len;
	K.nmaps++;
	return 0;
}

static int do_unmap(uint32_t ioas, uint64_t iova, uint64_t *len)
{
	uint64_t total = 0, end = iova + *len;
	int i;

	if (!is_ioas(ioas))
		return -ENOENT;
	if (*len == 0)
		return -EINVAL;
	if (iova == 0 && *len == UINT64_MAX)
		end = UINT64_MAX;
	/* any mapping cut by the range boundaries: ENOENT (no split) */
	for (i = 0; i < K.nmaps; i++) {
		uint64_t a = K.maps[i].iova, b = a + K.maps[i].len;

		if (K.maps[i].ioas != ioas || b <= iova || a >= end)
			continue;
		if (a < iova || b > end)
			return -ENOENT;
	}
	for (i = 0; i < K.nmaps;) {
		uint64_t a = K.maps[i].iova, b = a + K.maps[i].len;

		if (K.maps[i].ioas == ioas && a >= iova && b <= end) {
			total += K.maps[i].len;
			K.maps[i] = K.maps[--K.nmaps];
		} else {
			i++;
		}
	}
	if (!total && !(iova == 0 && *len == UINT64_MAX))
		return -ENOENT;
	*len = total;
	return 0;
}

/* A new object other than an IOAS; its ID, or -ENOMEM. */
static int new_obj(void)
{
	if (K.next_id >= MAX_OBJ)
		return -ENOMEM;
	K.other[K.next_id] = 1;
	return (int)K.next_id++;
}

static int is_obj(uint32_t id)
{
	return id < MAX_OBJ && K.other[id];
}

/* A new object whose parent exists (parent_ok), else err; its ID in *id. */
static int new_child(int parent_ok, int err, uint32_t *id)
{
	int o;

	if (!parent_ok)
		return err;
	o = new_obj();
	if (o < 0)
		return o;
	*id = (uint32_t)o;
	return 0;
}

/* An object with an event descriptor: *id and *fd, or -errno. */
static int new_event_obj(uint32_t *id, uint32_t *fd)
{
	int o = new_obj(), f;

	if (o < 0)
		return o;
	f = new_fd(FD_EVENT);
	if (f < 0) {
		K.other[o] = 0;
		return f;
	}
	*id = (uint32_t)o;
	*fd = (uint32_t)f;
	return 0;
}

/*
 * ioctls: one handler per request, found through a table per kind of
 * descriptor. A handler gets the descriptor (VFIO and vhost-vdpa keep
 * per-device state by it) and the argument; it returns 0 or -errno.
 */
struct ioctl_handler {
	unsigned long req;
	int (*fn)(int fd, void *arg);
	int needs_series; /* vhost-vdpa: only with the vDPA series */
};

static const struct ioctl_handler *find_handler(const struct ioctl_handler *t, size_t n, unsigned long req)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].req == req)
			return &t[i];
	return NULL;
}

/* ---- /dev/iommu ---- */

static int k_destroy(int fd, void *arg)
{
	struct uapi_iommu_destroy *c = arg;

	if (is_obj(c->id)) {
		K.other[c->id] = 0;
		return 0;
	}
	if (!is_ioas(c->id))
		return -ENOENT;
	for (int i = 0; i < MAX_FDS; i++)
		if (K.fds[i] == FD_VFIO && K.attached[i] == c->id)
			return -EBUSY;
	K.ioas[c->id] = 0;
	for (int i = 0; i < K.nmaps;)
		if (K.maps[i].ioas == c->id)
			K.maps[i] = K.maps[--K.nmaps];
		else
			i++;
	return 0;
}

static int k_ioas_alloc(int fd, void *arg)
{
	struct uapi_iommu_ioas_alloc *c = arg;

	if (c->flags) /* the kernel defines none */
		return -EOPNOTSUPP;
	if (K.next_id >= MAX_OBJ)
		return -ENOMEM;
	c->out_ioas_id = K.next_id;
	K.ioas[K.next_id++] = 1;
	return 0;
}

static int k_ioas_map(int fd, void *arg)
{
	struct uapi_iommu_ioas_map *c = arg;
	uint64_t iova = c->iova;
	int rc = do_map(c->ioas_id, c->flags, c->length, &iova);

	if (!rc)
		c->iova = iova;
	return rc;
}

static int k_ioas_map_file(int fd, void *arg)
{
	struct uapi_iommu_ioas_map_file *c = arg;
	uint64_t iova = c->iova;
	int rc;

	if (c->fd < 0)
		return -EBADF;
	rc = do_map(c->ioas_id, c->flags, c->length, &iova);
	if (!rc)
		c->iova = iova;
	return rc;
}

static int k_ioas_copy(int fd, void *arg)
{
	struct uapi_iommu_ioas_copy *c = arg;
	uint64_t iova = c->dst_iova;
	int rc;

	if (!is_ioas(c->src_ioas_id) || !overlaps(c->src_ioas_id, c->src_iova, c->length))
		return -ENOENT;
	rc = do_map(c->dst_ioas_id, c->flags, c->length, &iova);
	if (!rc)
		c->dst_iova = iova;
	return rc;
}

static int k_ioas_unmap(int fd, void *arg)
{
	struct uapi_iommu_ioas_unmap *c = arg;
	uint64_t len = c->length;
	int rc = do_unmap(c->ioas_id, c->iova, &len);

	if (!rc)
		c->length = len;
	return rc;
}

static int k_ioas_iova_ranges(int fd, void *arg)
{
	struct uapi_iommu_ioas_iova_ranges *c = arg;
	struct uapi_iommu_iova_range *r = (void *)(uintptr_t)c->allowed_iovas;
	uint32_t n = K.nranges ? K.nranges : K.range_count;

	if (!is_ioas(c->ioas_id))
		return -ENOENT;
	if (c->num_iovas < n) {
		c->num_iovas = n;
		return -EMSGSIZE;
	}
	for (uint32_t i = 0; i < n; i++) {
		r[i].start = K.nranges ? K.ranges[i][0] : (uint64_t)i << 32;
		r[i].last = K.nranges ? K.ranges[i][1] : ((uint64_t)i << 32) + 0xffffffffull;
	}
	c->num_iovas = n;
	c->out_iova_alignment = iova_alignment();
	return 0;
}

static int k_ioas_allow_iovas(int fd, void *arg)
{
	struct uapi_iommu_ioas_allow_iovas *c = arg;

	return is_ioas(c->ioas_id) ? 0 : -ENOENT;
}

static int k_option(int fd, void *arg)
{
	struct uapi_iommu_option *c = arg;

	if (c->option_id > 1)
		return -EOPNOTSUPP;
	if (c->option_id == UAPI_IOMMU_OPTION_HUGE_PAGES && !is_ioas(c->object_id))
		return -ENOENT;
	if (c->op == UAPI_IOMMU_OPTION_OP_GET)
		c->val64 = c->option_id == UAPI_IOMMU_OPTION_HUGE_PAGES;
	return 0;
}

static int k_get_hw_info(int fd, void *arg)
{
	struct uapi_iommu_hw_info *c = arg;
	struct uapi_iommu_hw_info_vtd v = { .cap_reg = 0x1234, .ecap_reg = 0x5678 };

	c->data_type = 1;
	memcpy((void *)(uintptr_t)c->data_uptr, &v, sizeof(v) < c->data_len ? sizeof(v) : c->data_len);
	c->data_len = sizeof(v);
	c->out_capabilities = 0;
	c->out_max_pasid_log2 = 20;
	return 0;
}

static int k_ioas_change_process(int fd, void *arg)
{
	return 0;
}

static int k_hwpt_alloc(int fd, void *arg)
{
	struct uapi_iommu_hwpt_alloc *c = arg;

	return new_child(is_ioas(c->pt_id) || is_obj(c->pt_id), -EINVAL, &c->out_hwpt_id);
}

static int k_hwpt_set_dirty_tracking(int fd, void *arg)
{
	struct uapi_iommu_hwpt_set_dirty_tracking *c = arg;

	return is_obj(c->hwpt_id) ? 0 : -ENOENT;
}

static int k_hwpt_get_dirty_bitmap(int fd, void *arg)
{
	struct uapi_iommu_hwpt_get_dirty_bitmap *c = arg;

	if (!is_obj(c->hwpt_id))
		return -ENOENT;
	if (!c->page_size || !c->length)
		return -EINVAL;
	/* the first page and the last are dirty: a bitmap shorter than
	 * length / page_size bits is written past its end, as the kernel
	 * would */
	((uint8_t *)(uintptr_t)c->data)[0] |= 1;
	{
		uint64_t last = c->length / c->page_size - 1;

		((uint8_t *)(uintptr_t)c->data)[last / 8] |= (uint8_t)(1u << (last % 8));
	}
	return 0;
}

static int k_hwpt_invalidate(int fd, void *arg)
{
	struct uapi_iommu_hwpt_invalidate *c = arg;

	return is_obj(c->hwpt_id) ? 0 : -ENOENT;
}

static int k_fault_queue_alloc(int fd, void *arg)
{
	struct uapi_iommu_fault_alloc *c = arg;

	if (c->flags)
		return -EOPNOTSUPP;
	return new_event_obj(&c->out_fault_id, &c->out_fault_fd);
}

static int k_viommu_alloc(int fd, void *arg)
{
	struct uapi_iommu_viommu_alloc *c = arg;

	if (c->flags)
		return -EOPNOTSUPP;
	return new_child(is_obj(c->hwpt_id), -ENOENT, &c->out_viommu_id);
}

static int k_vdevice_alloc(int fd, void *arg)
{
	struct uapi_iommu_vdevice_alloc *c = arg;

	return new_child(is_obj(c->viommu_id), -ENOENT, &c->out_vdevice_id);
}

static int k_veventq_alloc(int fd, void *arg)
{
	struct uapi_iommu_veventq_alloc *c = arg;

	if (c->flags)
		return -EOPNOTSUPP;
	if (!is_obj(c->viommu_id))
		return -ENOENT;
	return new_event_obj(&c->out_veventq_id, &c->out_veventq_fd);
}

static int k_hw_queue_alloc(int fd, void *arg)
{
	struct uapi_iommu_hw_queue_alloc *c = arg;

	if (c->flags)
		return -EOPNOTSUPP;
	return new_child(is_obj(c->viommu_id), -ENOENT, &c->out_hw_queue_id);
}

static const struct ioctl_handler iommu_ioctls[] = {
	{ UAPI_IOMMU_DESTROY, k_destroy, 0 },
	{ UAPI_IOMMU_IOAS_ALLOC, k_ioas_alloc, 0 },
	{ UAPI_IOMMU_IOAS_MAP, k_ioas_map, 0 },
	{ UAPI_IOMMU_IOAS_MAP_FILE, k_ioas_map_file, 0 },
	{ UAPI_IOMMU_IOAS_COPY, k_ioas_copy, 0 },
	{ UAPI_IOMMU_IOAS_UNMAP, k_ioas_unmap, 0 },
	{ UAPI_IOMMU_IOAS_IOVA_RANGES, k_ioas_iova_ranges, 0 },
	{ UAPI_IOMMU_IOAS_ALLOW_IOVAS, k_ioas_allow_iovas, 0 },
	{ UAPI_IOMMU_OPTION, k_option, 0 },
	{ UAPI_IOMMU_GET_HW_INFO, k_get_hw_info, 0 },
	{ UAPI_IOMMU_IOAS_CHANGE_PROCESS, k_ioas_change_process, 0 },
	{ UAPI_IOMMU_HWPT_ALLOC, k_hwpt_alloc, 0 },
	{ UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING, k_hwpt_set_dirty_tracking, 0 },
	{ UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP, k_hwpt_get_dirty_bitmap, 0 },
	{ UAPI_IOMMU_HWPT_INVALIDATE, k_hwpt_invalidate, 0 },
	{ UAPI_IOMMU_FAULT_QUEUE_ALLOC, k_fault_queue_alloc, 0 },
	{ UAPI_IOMMU_VIOMMU_ALLOC, k_viommu_alloc, 0 },
	{ UAPI_IOMMU_VDEVICE_ALLOC, k_vdevice_alloc, 0 },
	{ UAPI_IOMMU_VEVENTQ_ALLOC, k_veventq_alloc, 0 },
	{ UAPI_IOMMU_HW_QUEUE_ALLOC, k_hw_queue_alloc, 0 },
};

/* An ioctl number of iommufd's range (';', 0x80 to 0x95). */
static int iommufd_range(unsigned long req)
{
	return _IOC_TYPE(req) == ';' && _IOC_NR(req) >= 0x80 && _IOC_NR(req) <= 0x95;
}

static int iommu_ioctl(int fd, unsigned long req, void *arg)
{
	const struct ioctl_handler *h;

	/* like the kernel: a struct shorter than its first layout is EINVAL */
	if (iommufd_range(req) && *(uint32_t *)arg < 8)
		return -EINVAL;
	h = find_handler(iommu_ioctls, sizeof(iommu_ioctls) / sizeof(iommu_ioctls[0]), req);
	if (h)
		return h->fn(fd, arg);
	/* a number of the range this kernel does not know */
	return iommufd_range(req) ? -ENOENT : -ENOTTY;
}

/* ---- VFIO device cdev ---- */

static int v_bind_iommufd(int fd, void *arg)
{
	struct uapi_vfio_device_bind_iommufd *c = arg;

	if (K.bound[fd] || c->iommufd < 0 || c->iommufd >= MAX_FDS || K.fds[c->iommufd] != FD_IOMMU)
		return -EINVAL;
	K.bound[fd] = (int)K.next_id++;
	c->out_devid = (uint32_t)K.bound[fd];
	return 0;
}

static int v_attach_pt(int fd, void *arg)
{
	struct uapi_vfio_device_attach_iommufd_pt *c = arg;

	if (!K.bound[fd])
		return -EINVAL;
	if (!is_ioas(c->pt_id))
		return -ENOENT;
	K.attached[fd] = c->pt_id;
	return 0;
}

static int v_detach_pt(int fd, void *arg)
{
	K.attached[fd] = 0;
	return 0;
}

static int v_get_info(int fd, void *arg)
{
	struct uapi_vfio_device_info *c = arg;

	c->flags = 3 | 1u << 7; /* RESET, PCI, CAPS */
	c->num_regions = 9;
	c->num_irqs = 5;
	return 0;
}

static int v_get_region_info(int fd, void *arg)
{
	struct uapi_vfio_region_info *c = arg;

	if (c->index >= 9)
		return -EINVAL;
	c->flags = 3 | (c->index == 0 ? 4 : 0);
	c->size = c->index == 7 ? 256 : 4096;
	c->offset = (uint64_t)c->index << 40;
	return 0;
}

static int v_reset(int fd, void *arg)
{
	return 0;
}

static const struct ioctl_handler vfio_ioctls[] = {
	{ UAPI_VFIO_DEVICE_BIND_IOMMUFD, v_bind_iommufd, 0 },
	{ UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, v_attach_pt, 0 },
	{ UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT, v_detach_pt, 0 },
	{ UAPI_VFIO_DEVICE_GET_INFO, v_get_info, 0 },
	{ UAPI_VFIO_DEVICE_GET_REGION_INFO, v_get_region_info, 0 },
	{ UAPI_VFIO_DEVICE_RESET, v_reset, 0 },
};

static int vfio_ioctl(int fd, unsigned long req, void *arg)
{
	const struct ioctl_handler *h = find_handler(vfio_ioctls, sizeof(vfio_ioctls) / sizeof(vfio_ioctls[0]), req);

	return h ? h->fn(fd, arg) : -ENOTTY;
}

/* ---- vhost-vdpa with (or, fake_vdpa_without_series(), without) the series ---- */

static int d_get_backend_features(int fd, void *arg)
{
	*(uint64_t *)arg = 0x7 | (K.vdpa_no_iommufd ? 0 : 1ull << UAPI_VHOST_BACKEND_F_IOMMUFD);
	return 0;
}

static int d_get_as_num(int fd, void *arg)
{
	*(unsigned int *)arg = VDPA_NAS;
	return 0;
}

static int d_get_group_num(int fd, void *arg)
{
	*(uint32_t *)arg = 2;
	return 0;
}

static int d_get_device_id(int fd, void *arg)
{
	*(uint32_t *)arg = 1;
	return 0;
}

static int d_bind_iommufd(int fd, void *arg)
{
	struct uapi_vhost_vdpa_bind_iommufd *c = arg;

	if (c->argsz < sizeof(*c) || c->flags)
		return -EINVAL;
	if (c->iommufd < 0 || c->iommufd >= MAX_FDS || K.fds[c->iommufd] == FD_NONE)
		return -EBADF;
	if (K.fds[c->iommufd] != FD_IOMMU)
		return -EBADFD;
	if (K.bound[fd])
		return -EBUSY;
	K.bound[fd] = (int)K.next_id++;
	c->out_devid = (uint32_t)K.bound[fd];
	return 0;
}

static int d_attach_pt(int fd, void *arg)
{
	struct uapi_vhost_vdpa_attach_iommufd_pt *c = arg;

	if (!K.bound[fd] || c->asid >= VDPA_NAS)
		return -EINVAL;
	if (!is_ioas(c->pt_id))
		return -ENOENT;
	K.vdpa_asid[fd][c->asid] = c->pt_id;
	return 0;
}

static int d_detach_pt(int fd, void *arg)
{
	struct uapi_vhost_vdpa_detach_iommufd_pt *c = arg;

	if (!K.bound[fd] || c->asid >= VDPA_NAS)
		return -EINVAL;
	if (!K.vdpa_asid[fd][c->asid])
		return -ENOENT;
	K.vdpa_asid[fd][c->asid] = 0;
	return 0;
}

static const struct ioctl_handler vdpa_ioctls[] = {
	{ UAPI_VHOST_GET_BACKEND_FEATURES, d_get_backend_features, 0 },
	{ UAPI_VHOST_VDPA_GET_AS_NUM, d_get_as_num, 0 },
	{ UAPI_VHOST_VDPA_GET_GROUP_NUM, d_get_group_num, 0 },
	{ UAPI_VHOST_VDPA_GET_DEVICE_ID, d_get_device_id, 0 },
	{ UAPI_VHOST_VDPA_BIND_IOMMUFD, d_bind_iommufd, 1 },
	{ UAPI_VHOST_VDPA_ATTACH_IOMMUFD_PT, d_attach_pt, 1 },
	{ UAPI_VHOST_VDPA_DETACH_IOMMUFD_PT, d_detach_pt, 1 },
};

static int vdpa_ioctl(int fd, unsigned long req, void *arg)
{
	const struct ioctl_handler *h = find_handler(vdpa_ioctls, sizeof(vdpa_ioctls) / sizeof(vdpa_ioctls[0]), req);

	if (h && !h->needs_series)
		return h->fn(fd, arg);
	if (K.vdpa_no_iommufd)
		return -ENOBUFS; /* an unknown ioctl taken for a vring ioctl */
	return h ? h->fn(fd, arg) : -ENOTTY;
}

static int f_ioctl(int fd, unsigned long req, void *arg)
{
	int rc = injected(req);

	if (rc)
		return rc;
	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] == FD_NONE)
		return -EBADF;
	if (K.fds[fd] == FD_IOMMU)
		return iommu_ioctl(fd, req, arg);
	if (K.fds[fd] == FD_VDPA)
		return vdpa_ioctl(fd, req, arg);
	return vfio_ioctl(fd, req, arg);
}

static ssize_t f_pread(int fd, void *buf, size_t len, off_t off)
{
	int rc = injected(FAKE_OP_PREAD);

	(void)off;
	if (rc)
		return rc;
	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] != FD_VFIO)
		return -EBADF;
	memset(buf, 0xab, len);
	return (ssize_t)len;
}

static ssize_t f_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	int rc = injected(FAKE_OP_PWRITE);

	(void)buf;
	(void)off;
	if (rc)
		return rc;
	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] != FD_VFIO)
		return -EBADF;
	return (ssize_t)len;
}

void fake_set_read_data(const void *data, size_t len)
{
	memcpy(K.read_data, data, len);
	K.read_len = len;
}

/* Event descriptors: what fake_set_read_data() left, once (at most len
 * bytes); responses are taken. */
static ssize_t f_read(int fd, void *buf, size_t len)
{
	int rc = injected(FAKE_OP_READ);
	size_t n = K.read_len < len ? K.read_len : len;

	if (rc)
		return rc;
	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] != FD_EVENT)
		return -EBADF;
	memcpy(buf, K.read_data, n);
	K.read_len = 0;
	return (ssize_t)n;
}

static ssize_t f_write(int fd, const void *buf, size_t len)
{
	int rc = injected(FAKE_OP_WRITE);

	(void)buf;
	if (rc)
		return rc;
	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] != FD_EVENT)
		return -EBADF;
	return (ssize_t)len;
}

/*
 * Real memory for the fake mmap, placed as the kernel guarantees and no
 * better: a hugetlb memfd's mapping starts on a 2 MiB boundary
 * (hugetlbfs aligns to its page size), anonymous memory only on a page,
 * and here deliberately one page past a 2 MiB boundary, so a library that
 * relies on the kernel aligning large anonymous mappings (Linux 6.7 and
 * later do for THP, valgrind and older kernels do not) fails every run.
 */
static void *fake_place(size_t len, int huge)
{
	size_t slack = (2u << 20) + 4096, head;
	uint8_t *p = mmap(NULL, len + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *q;

	if (p == MAP_FAILED)
		return NULL;
	q = (uint8_t *)(((uintptr_t)p + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1));
	if (!huge)
		q += 4096;
	head = (size_t)(q - p);
	if (head)
		munmap(p, head);
	if (slack - head)
		munmap(q + len, slack - head);
	return q;
}

static int f_mmap(size_t len, int prot, int flags, int fd, off_t off, void **addr)
{
	int rc = injected(FAKE_OP_MMAP);

	(void)prot;
	(void)flags;
	(void)off;
	if (rc)
		return rc;
	if (fd == -1 || (fd >= 0 && fd < MAX_FDS && K.fds[fd] == FD_MEMFD)) {
		/* DMA memory: real pages, so tests can write them */
		void *p;
		int i;

		if (fd >= 0 && K.memfd_size[fd] < (uint64_t)off + len)
			return -EINVAL;
		for (i = 0; i < MAX_MEM && K.mem[i].addr; i++)
			;
		if (i == MAX_MEM)
			return -ENOMEM;
		p = fake_place(len, fd >= 0);
		if (!p)
			return -ENOMEM;
		K.mem[i].addr = p;
		K.mem[i].len = len;
		*addr = p;
		return 0;
	}
	if (fd < 0 || fd >= MAX_FDS || (K.fds[fd] != FD_VFIO && K.fds[fd] != FD_IOMMU))
		return -EBADF;
	*addr = malloc(len);
	return *addr ? 0 : -ENOMEM;
}

static int f_munmap(void *addr, size_t len)
{
	int rc = injected(FAKE_OP_MUNMAP);

	if (rc)
		return rc;
	for (int i = 0; i < MAX_MEM; i++) {
		uint8_t *a = K.mem[i].addr, *u = addr;

		if (!a || u < a || u >= a + K.mem[i].len)
			continue;
		/* the whole area, or a head or a tail of it (trimming an
		 * over-allocation); never a hole in the middle */
		if (len > K.mem[i].len || (u != a && u + len != a + K.mem[i].len) || (len & 4095) ||
		    ((uintptr_t)u & 4095))
			return -EINVAL;
		munmap(addr, len);
		if (len == K.mem[i].len)
			K.mem[i].addr = NULL;
		else if (u == a)
			K.mem[i].addr = a + len;
		K.mem[i].len -= len;
		return 0;
	}
	free(addr);
	return 0;
}

static int f_memfd_create(const char *name, unsigned int flags)
{
	int rc = injected(FAKE_OP_MEMFD);
	int fd;

	(void)name;
	if (rc)
		return rc;
	if (K.no_hugetlb && (flags & 4u /* MFD_HUGETLB */))
		return -EINVAL;
	fd = new_fd(FD_MEMFD);
	if (fd >= 0)
		K.memfd_size[fd] = 0;
	return fd;
}

static int f_ftruncate(int fd, off_t len)
{
	int rc = injected(FAKE_OP_FTRUNCATE);

	if (rc)
		return rc;
	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] != FD_MEMFD)
		return -EINVAL;
	K.memfd_size[fd] = (uint64_t)len;
	return 0;
}

static int f_madvise(void *addr, size_t len, int advice)
{
	(void)addr;
	(void)len;
	(void)advice;
	return injected(FAKE_OP_MADVISE);
}

static ssize_t f_readlink(const char *path, char *buf, size_t size)
{
	if (!strcmp(path, "/sys/bus/pci/devices/0000:00:04.0/driver")) {
		snprintf(buf, size, "../../../bus/pci/drivers/nvme");
		return (ssize_t)strlen(buf);
	}
	if (!strcmp(path, "/sys/bus/vdpa/devices/vdpa0/driver")) {
		snprintf(buf, size, "../../../bus/vdpa/drivers/vhost_vdpa");
		return (ssize_t)strlen(buf);
	}
	if (!strcmp(path, "/sys/bus/vdpa/devices/vdpa1/driver")) {
		snprintf(buf, size, "../../../bus/vdpa/drivers/virtio_vdpa");
		return (ssize_t)strlen(buf);
	}
	return -ENOENT;
}

static int f_list_dir(const char *path, int (*fn)(const char *name, void *data), void *data)
{
	if (!strcmp(path, "/sys/bus/pci/devices/0000:00:03.0/vfio-dev"))
		return fn("vfio0", data);
	if (!strcmp(path, "/sys/bus/vdpa/devices/vdpa0")) {
		int rc = fn("driver", data);

		return rc ? rc : fn("vhost-vdpa-0", data);
	}
	if (!strcmp(path, "/sys/bus/vdpa/devices/vdpa1")) /* bound to virtio_vdpa */
		return fn("driver", data);
	if (!strcmp(path, "/sys/bus/vdpa/devices")) {
		int rc = fn("vdpa1", data);

		return rc ? rc : fn("vdpa0", data);
	}
	if (!strcmp(path, "/sys/bus/pci/devices/0000:00:03.0") ||
	    !strcmp(path, "/sys/bus/pci/devices/0000:00:04.0"))
		return fn("vendor", data);
	return -ENOENT;
}

const struct iommufd_sys_ops fake_sys = {
	.open = f_open,
	.close = f_close,
	.dup = f_dup,
	.ioctl = f_ioctl,
	.pread = f_pread,
	.pwrite = f_pwrite,
	.read = f_read,
	.write = f_write,
	.mmap = f_mmap,
	.munmap = f_munmap,
	.readlink = f_readlink,
	.list_dir = f_list_dir,
	.memfd_create = f_memfd_create,
	.ftruncate = f_ftruncate,
	.madvise = f_madvise,
};
