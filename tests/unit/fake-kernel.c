// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* In-memory model of /dev/iommu and a VFIO cdev for host unit tests. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/uapi.h"
#include "fake-kernel.h"
#include "fake-internal.h"

#define MAX_FDS 64
#define MAX_OBJ 64
#define MAX_MAPS 4096
#define MAX_MEM 256

enum fd_kind { FD_NONE, FD_IOMMU, FD_VFIO, FD_EVENT, FD_MEMFD, FD_VDPA, FD_EVENTFD, FD_T1_CONTAINER, FD_T1_GROUP, FD_PAGEMAP };


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
	uint32_t hw_info_type; /* fake_set_hw_info(); used when hw_info_len > 0 */
	uint8_t hw_info[64];
	size_t hw_info_len;
	int vdpa_no_iommufd;
	uint32_t vfio_ioas; /* IOMMU_VFIO_IOAS's IOAS, 0: none */
	uint32_t vdpa_asid[MAX_FDS][VDPA_NAS];
} K;

static void fake_dev_reset(void);

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
	fake_dev_reset();
	fake_type1_reset();
	fake_feature_reset();
	fake_noiommu_reset();
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

void fake_set_hw_info(uint32_t type, const void *data, size_t len)
{
	memcpy(K.hw_info, data, len < sizeof(K.hw_info) ? len : sizeof(K.hw_info));
	K.hw_info_type = type;
	K.hw_info_len = len < sizeof(K.hw_info) ? len : sizeof(K.hw_info);
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

/* Whole-flow fault injection (fake_inject_call()): the calls counted since
 * fake_trace_start(), their requests, and the one to fail. */
#define TRACE_MAX 4096
static struct {
	unsigned long n, fail_at, req[TRACE_MAX];
	int err;
	bool on, paused;
} T;

void fake_trace_start(void)
{
	memset(&T, 0, sizeof(T));
	T.on = true;
}

unsigned long fake_trace_count(void)
{
	return T.n;
}

unsigned long fake_trace_req(unsigned long i)
{
	return i >= 1 && i <= T.n && i <= TRACE_MAX ? T.req[i - 1] : 0;
}

void fake_trace_pause(bool pause)
{
	T.paused = pause;
}

void fake_inject_call(unsigned long n, int err)
{
	T.fail_at = n;
	T.err = err;
}

bool fake_inject_call_fired(void)
{
	return T.fail_at && T.n >= T.fail_at;
}

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

/* Count a call for fake_inject_call(); -errno when it is the one to fail. */
static int traced(unsigned long req)
{
	if (T.on && !T.paused) {
		T.n++;
		if (T.n <= TRACE_MAX)
			T.req[T.n - 1] = req;
		if (T.n == T.fail_at)
			return -T.err;
	}
	return 0;
}

static int injected(unsigned long req)
{
	int rc;

	calls++;
	rc = traced(req);
	if (rc)
		return rc;
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
	return K.nmaps + fake_type1_mapping_count();
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

static void fake_dev_fd_new(int fd);

static int new_fd(enum fd_kind kind)
{
	for (int i = 3; i < MAX_FDS; i++)
		if (K.fds[i] == FD_NONE) {
			K.fds[i] = kind;
			K.bound[i] = 0;
			K.attached[i] = 0;
			memset(K.vdpa_asid[i], 0, sizeof(K.vdpa_asid[i]));
			fake_dev_fd_new(i);
			return i;
		}
	return -EMFILE;
}

/* For the models in other files (fake-internal.h). */
int fake_internal_new_fd(int kind)
{
	switch (kind) {
	case FAKE_FD_MEMFD: return new_fd(FD_MEMFD);
	case FAKE_FD_EVENTFD: return new_fd(FD_EVENTFD);
	case FAKE_FD_VFIO: return new_fd(FD_VFIO);
	case FAKE_FD_T1_CONTAINER: return new_fd(FD_T1_CONTAINER);
	case FAKE_FD_T1_GROUP: return new_fd(FD_T1_GROUP);
	default: return new_fd(FD_EVENT);
	}
}

int fake_internal_fd_kind(int fd)
{
	if (fd < 0 || fd >= MAX_FDS)
		return FAKE_FD_NONE;
	switch (K.fds[fd]) {
	case FD_NONE: return FAKE_FD_NONE;
	case FD_VFIO: return FAKE_FD_VFIO;
	case FD_MEMFD: return FAKE_FD_MEMFD;
	case FD_EVENTFD: return FAKE_FD_EVENTFD;
	case FD_EVENT: return FAKE_FD_EVENT;
	case FD_T1_CONTAINER: return FAKE_FD_T1_CONTAINER;
	case FD_T1_GROUP: return FAKE_FD_T1_GROUP;
	default: return FAKE_FD_OTHER;
	}
}

void fake_internal_memfd_size(int fd, uint64_t size)
{
	if (fd >= 0 && fd < MAX_FDS)
		K.memfd_size[fd] = size;
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
	if (!strcmp(path, "/dev/vfio/devices/noiommu-vfio0")) {
		rc = new_fd(FD_VFIO);
		fake_noiommu_opened(rc, 1);
		return rc;
	}
	if (!strcmp(path, "/proc/self/pagemap"))
		return new_fd(FD_PAGEMAP);
	if (!strcmp(path, "/dev/vhost-vdpa-0"))
		return new_fd(FD_VDPA);
	return fake_type1_open(path);
}

static int f_close(int fd)
{
	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] == FD_NONE)
		return -EBADF;
	K.fds[fd] = FD_NONE;
	fake_type1_close(fd);
	fake_noiommu_opened(fd, 0);
	return 0;
}

static void dup_identity(int old, int new);

static int f_dup(int fd)
{
	int rc = injected(FAKE_OP_DUP);

	if (rc)
		return rc;
	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] == FD_NONE)
		return -EBADF;
	rc = new_fd(K.fds[fd]);
	dup_identity(fd, rc);
	if (rc >= 0) { /* one open file: a device's binding and attachment are shared */
		K.bound[rc] = K.bound[fd];
		K.attached[rc] = K.attached[fd];
		fake_noiommu_opened(rc, fake_noiommu_is(fd));
	}
	return rc;
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

static int k_vfio_ioas(int fd, void *arg)
{
	struct uapi_iommu_vfio_ioas *c = arg;

	(void)fd;
	if (c->size < sizeof(*c))
		return -EINVAL;
	switch (c->op) {
	case UAPI_IOMMU_VFIO_IOAS_GET:
		if (!is_ioas(K.vfio_ioas))
			return -ENODEV;
		c->ioas_id = K.vfio_ioas;
		return 0;
	case UAPI_IOMMU_VFIO_IOAS_SET:
		if (!is_ioas(c->ioas_id))
			return -ENOENT;
		K.vfio_ioas = c->ioas_id;
		return 0;
	case UAPI_IOMMU_VFIO_IOAS_CLEAR:
		K.vfio_ioas = 0;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int k_get_hw_info(int fd, void *arg)
{
	struct uapi_iommu_hw_info *c = arg;
	struct uapi_iommu_hw_info_vtd v = { .cap_reg = 0x1234, .ecap_reg = 0x5678 };

	/* a caller may ask for no data (data_len 0, data_uptr 0): the PASID width only */
	if (K.hw_info_len) {
		c->data_type = K.hw_info_type;
		if (c->data_len)
			memcpy((void *)(uintptr_t)c->data_uptr, K.hw_info,
			       K.hw_info_len < c->data_len ? K.hw_info_len : c->data_len);
		c->data_len = (uint32_t)K.hw_info_len;
	} else {
		c->data_type = 1;
		if (c->data_len)
			memcpy((void *)(uintptr_t)c->data_uptr, &v, sizeof(v) < c->data_len ? sizeof(v) : c->data_len);
		c->data_len = sizeof(v);
	}
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
	{ UAPI_IOMMU_VFIO_IOAS, k_vfio_ioas, 0 },
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
	{ UAPI_IOMMU_IOAS_NOIOMMU_GET_PA, fake_noiommu_get_pa, 0 },
};

int fake_injected_(unsigned long req)
{
	return injected(req);
}

int fake_iova_mapped(uint32_t ioas, uint64_t iova, uint64_t *start, uint64_t *len)
{
	for (int i = 0; i < K.nmaps; i++)
		if (K.maps[i].ioas == ioas && iova >= K.maps[i].iova && iova - K.maps[i].iova < K.maps[i].len) {
			*start = K.maps[i].iova;
			*len = K.maps[i].len;
			return 1;
		}
	return 0;
}

uint32_t fake_fd_attached(int fd)
{
	return fd >= 0 && fd < MAX_FDS && K.fds[fd] == FD_VFIO ? K.attached[fd] : 0;
}

/* An ioctl number of iommufd's range (';', 0x80 to 0x95). */
static int iommufd_range(unsigned long req)
{
	return _IOC_TYPE(req) == ';' && _IOC_NR(req) >= 0x80 && _IOC_NR(req) <= 0x95;
}

static int iommu_ioctl(int fd, unsigned long req, void *arg)
{
	const struct ioctl_handler *h;

	/* a kernel without CONFIG_IOMMUFD_NOIOMMU does not know the number */
	if (req == UAPI_IOMMU_IOAS_NOIOMMU_GET_PA && fake_noiommu_absent())
		return -ENOTTY;
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
	if (!is_ioas(c->pt_id) && !is_obj(c->pt_id)) /* an IOAS or a HWPT */
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

static int v_get_region_info_caps(int fd, void *arg);
static int v_get_irq_info(int fd, void *arg);
static int v_set_irqs(int fd, void *arg);
static int v_hot_reset_info(int fd, void *arg);
static int v_hot_reset(int fd, void *arg);

static const struct ioctl_handler vfio_ioctls[] = {
	{ UAPI_VFIO_DEVICE_BIND_IOMMUFD, v_bind_iommufd, 0 },
	{ UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, v_attach_pt, 0 },
	{ UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT, v_detach_pt, 0 },
	{ UAPI_VFIO_DEVICE_GET_INFO, v_get_info, 0 },
	{ UAPI_VFIO_DEVICE_GET_REGION_INFO, v_get_region_info_caps, 0 },
	{ UAPI_VFIO_DEVICE_RESET, v_reset, 0 },
	{ UAPI_VFIO_DEVICE_GET_IRQ_INFO, v_get_irq_info, 0 },
	{ UAPI_VFIO_DEVICE_SET_IRQS, v_set_irqs, 0 },
	{ UAPI_VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, v_hot_reset_info, 0 },
	{ UAPI_VFIO_DEVICE_PCI_HOT_RESET, v_hot_reset, 0 },
	{ UAPI_VFIO_DEVICE_FEATURE, fake_feature_ioctl, 0 },
	{ UAPI_VFIO_MIG_GET_PRECOPY_INFO, fake_precopy_ioctl, 0 },
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
	if (K.fds[fd] == FD_T1_CONTAINER || K.fds[fd] == FD_T1_GROUP)
		return fake_type1_ioctl(fd, req, arg);
	return vfio_ioctl(fd, req, arg);
}

static ssize_t f_pread(int fd, void *buf, size_t len, off_t off)
{
	int rc = injected(FAKE_OP_PREAD);

	(void)off;
	if (rc)
		return rc;
	if (fd >= 0 && fd < MAX_FDS && K.fds[fd] == FD_PAGEMAP)
		return fake_noiommu_pagemap(buf, len, off);
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
	if (len) /* NULL, 0: nothing to read */
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

static int fake_mmap_fixed(size_t len, int prot, int fd, off_t off, void *addr);

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
	(void)off;
	if (rc)
		return rc;
	if (flags & MAP_FIXED)
		return fake_mmap_fixed(len, prot, fd, off, *addr);
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

static ssize_t fake_readlink_fd(const char *path, char *buf, size_t size);

static ssize_t f_readlink(const char *path, char *buf, size_t size)
{
	int rc = traced(FAKE_OP_READLINK); /* not in fake_call_count() */
	ssize_t t1;

	if (rc)
		return rc;
	t1 = fake_type1_readlink(path, buf, size);
	if (t1 != -ENOENT)
		return t1;
	if (!strncmp(path, "/proc/self/fd/", 14))
		return fake_readlink_fd(path, buf, size);
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
	int injected_rc = traced(FAKE_OP_LIST_DIR); /* not in fake_call_count() */
	int t1;

	if (injected_rc)
		return injected_rc;
	t1 = fake_type1_list_dir(path, fn, data);
	if (t1 != -ENOENT)
		return t1;
	if (!strcmp(path, "/sys/bus/pci/devices/0000:00:03.0/vfio-dev"))
		return fn("vfio0", data);
	if (!strcmp(path, "/sys/bus/pci/devices/0000:00:07.0/vfio-dev"))
		return fn("noiommu-vfio0", data);
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
	    !strcmp(path, "/sys/bus/pci/devices/0000:00:04.0") ||
	    !strcmp(path, "/sys/bus/pci/devices/0000:00:07.0"))
		return fn("vendor", data);
	return -ENOENT;
}

static int f_eventfd(unsigned int initval, int flags);

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
	.mlock = fake_noiommu_mlock,
	.munlock = fake_noiommu_munlock,
	.eventfd = f_eventfd,
};

/*
 * ---- Device interrupts, region capabilities, PCI hot reset, eventfds ----
 *
 * A model of what drivers/vfio/pci (vfio_pci_core.c, vfio_pci_intrs.c)
 * keeps per open device: which of INTx, MSI and MSI-X is on (they exclude
 * each other), the eventfd routed to each vector, the vectors the platform
 * gave; region infos with a capability chain a test lays out; the devices a
 * hot reset affects. Eventfds are fake descriptors with an identity shared
 * by their duplicates, which is what the kernel holds (an eventfd_ctx), so
 * a test can compare routings by identity.
 */
#define FAKE_IRQ_NIDX 5
#define FAKE_IRQ_VEC 64
#define FAKE_REGIONS 16
#define FAKE_RESET_DEVS 16

static struct {
	/* per descriptor */
	int evid[MAX_FDS];                 /* eventfd identity (1..), 0: not an eventfd */
	int irq_type[MAX_FDS];             /* -1 none, else the index on of INTx/MSI/MSI-X */
	uint32_t nvec[MAX_FDS];            /* MSI/MSI-X vectors allocated */
	int trig[MAX_FDS][FAKE_IRQ_NIDX][FAKE_IRQ_VEC]; /* identity routed, 0: none */
	int unmask_ev[MAX_FDS];            /* INTx unmask eventfd identity */
	int intx_masked[MAX_FDS];
	int signals[MAX_FDS][FAKE_IRQ_NIDX];  /* loopback triggers */
	int next_evid;
	/* configuration */
	uint32_t irq_count[FAKE_IRQ_NIDX];
	int dyn_msix;                      /* MSI-X may grow (no NORESIZE) */
	int vec_limit;                     /* vectors the platform gives; 0: no limit */
	struct {
		int idx, vec, err;
	} fail[2];                        /* these vectors' setups fail once each, in turn */
	struct {
		int set;
		uint32_t flags, size;
		uint32_t first; /* cap_offset to report (0: sizeof(info) when a chain is set) */
		uint8_t chain[512];
		size_t len;
	} region[FAKE_REGIONS];
	struct fake_reset_dev reset_devs[FAKE_RESET_DEVS];
	int nreset, reset_group_form, reset_configured;
	int fixed_maps;
} D;

static void fake_dev_reset(void)
{
	memset(&D, 0, sizeof(D));
	for (int i = 0; i < MAX_FDS; i++)
		D.irq_type[i] = -1;
	D.irq_count[0] = 1;
	D.irq_count[1] = 8;
	D.irq_count[2] = 16;
	D.irq_count[3] = 1;
	D.irq_count[4] = 1;
	D.fail[0].idx = D.fail[1].idx = -1;
}

/* A new descriptor number: forget what the last one of that number had;
 * an eventfd's dup takes its identity in f_dup_eventfd(). */
static void fake_dev_fd_new(int fd)
{
	D.evid[fd] = 0;
	D.irq_type[fd] = -1;
	D.nvec[fd] = 0;
	memset(D.trig[fd], 0, sizeof(D.trig[fd]));
	D.unmask_ev[fd] = 0;
	D.intx_masked[fd] = 0;
	memset(D.signals[fd], 0, sizeof(D.signals[fd]));
}

static int f_eventfd(unsigned int initval, int flags)
{
	int fd;

	(void)initval;
	(void)flags;
	fd = injected(FAKE_OP_EVENTFD);
	if (fd)
		return fd;
	fd = new_fd(FD_EVENTFD);
	if (fd >= 0)
		D.evid[fd] = ++D.next_evid;
	return fd;
}

int fake_eventfd_new(void)
{
	int fd = new_fd(FD_EVENTFD);

	if (fd >= 0)
		D.evid[fd] = ++D.next_evid;
	return fd;
}

int fake_eventfd_id(int fd)
{
	return fd >= 0 && fd < MAX_FDS && K.fds[fd] == FD_EVENTFD ? D.evid[fd] : 0;
}

/* f_dup gives a new descriptor of the same kind; an eventfd's keeps the
 * identity. */
static void dup_identity(int old, int new)
{
	if (old >= 0 && old < MAX_FDS && new >= 0 && new < MAX_FDS)
		D.evid[new] = D.evid[old];
}

static ssize_t fake_readlink_fd(const char *path, char *buf, size_t size)
{
	int fd = atoi(path + 14);
	const char *t;

	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] == FD_NONE)
		return -ENOENT;
	switch (K.fds[fd]) {
	case FD_EVENTFD: t = "anon_inode:[eventfd]"; break;
	case FD_IOMMU: t = "/dev/iommu"; break;
	case FD_VFIO: t = fake_noiommu_is(fd) ? "/dev/vfio/devices/noiommu-vfio0" : "/dev/vfio/devices/vfio0"; break;
	case FD_MEMFD: t = "/memfd:fake (deleted)"; break;
	default: t = "anon_inode:[fake]"; break;
	}
	snprintf(buf, size, "%s", t);
	return (ssize_t)strlen(buf);
}

/* eventfd_ctx_fdget(): the identity, -EBADF for no descriptor, -EINVAL for
 * one that is not an eventfd. */
static int evget(int fd)
{
	if (fd < 0 || fd >= MAX_FDS || K.fds[fd] == FD_NONE)
		return -EBADF;
	if (K.fds[fd] != FD_EVENTFD)
		return -EINVAL;
	return D.evid[fd];
}

void fake_irq_set_count(uint32_t index, uint32_t count)
{
	if (index < FAKE_IRQ_NIDX)
		D.irq_count[index] = count < FAKE_IRQ_VEC ? count : FAKE_IRQ_VEC;
}

void fake_irq_dyn_msix(int on)
{
	D.dyn_msix = on;
}

void fake_irq_vector_limit(int n)
{
	D.vec_limit = n;
}

void fake_irq_fail_vector(uint32_t index, uint32_t vector, int err)
{
	int i = D.fail[0].err ? 1 : 0;

	D.fail[i].idx = (int)index;
	D.fail[i].vec = (int)vector;
	D.fail[i].err = err;
}

int fake_irq_route(int fd, uint32_t index, uint32_t vector)
{
	if (fd < 0 || fd >= MAX_FDS || index >= FAKE_IRQ_NIDX || vector >= FAKE_IRQ_VEC)
		return -1;
	return D.trig[fd][index][vector];
}

int fake_irq_type(int fd)
{
	return fd >= 0 && fd < MAX_FDS ? D.irq_type[fd] : -1;
}

int fake_irq_signals(int fd, uint32_t index)
{
	return fd >= 0 && fd < MAX_FDS && index < FAKE_IRQ_NIDX ? D.signals[fd][index] : 0;
}

int fake_irq_intx_masked(int fd)
{
	return fd >= 0 && fd < MAX_FDS ? D.intx_masked[fd] : 0;
}

int fake_irq_unmask_route(int fd)
{
	return fd >= 0 && fd < MAX_FDS ? D.unmask_ev[fd] : 0;
}

static int v_get_irq_info(int fd, void *arg)
{
	struct uapi_vfio_irq_info *c = arg;

	if (c->argsz < sizeof(*c) || c->index >= FAKE_IRQ_NIDX)
		return -EINVAL;
	c->flags = UAPI_VFIO_IRQ_INFO_EVENTFD;
	c->count = D.irq_count[c->index];
	if (c->index == 0)
		c->flags |= UAPI_VFIO_IRQ_INFO_MASKABLE | UAPI_VFIO_IRQ_INFO_AUTOMASKED;
	else if (c->index != 2 || !D.dyn_msix)
		c->flags |= UAPI_VFIO_IRQ_INFO_NORESIZE;
	return 0;
}

/* vfio_msi_set_vector_signal(): tear the vector down, then route @efd. */
static int msi_set_vector(int fd, uint32_t index, uint32_t v, int efd)
{
	int id;

	D.trig[fd][index][v] = 0;
	if (efd < 0)
		return 0;
	if (v >= D.nvec[fd]) { /* not allocated: only dynamic MSI-X grows */
		if (index != 2 || !D.dyn_msix || (D.vec_limit && (int)v >= D.vec_limit))
			return -EINVAL;
		D.nvec[fd] = v + 1;
	}
	if (D.fail[0].err && D.fail[0].idx == (int)index && D.fail[0].vec == (int)v) {
		int e = D.fail[0].err;

		D.fail[0] = D.fail[1];
		D.fail[1].idx = -1;
		D.fail[1].err = 0;
		return -e;
	}
	id = evget(efd);
	if (id < 0)
		return id;
	D.trig[fd][index][v] = id;
	return 0;
}

/* vfio_msi_set_block(): on a failure, tear down what this call set,
 * the failing vector included. */
static int msi_set_block(int fd, uint32_t index, uint32_t start, uint32_t count, const int32_t *fds)
{
	uint32_t i, j;
	int ret = 0;

	for (i = 0, j = start; i < count && !ret; i++, j++)
		ret = msi_set_vector(fd, index, j, fds ? fds[i] : -1);
	if (ret)
		for (i = start; i < j; i++)
			msi_set_vector(fd, index, i, -1);
	return ret;
}

static void msi_disable(int fd, uint32_t index)
{
	memset(D.trig[fd][index], 0, sizeof(D.trig[fd][index]));
	D.nvec[fd] = 0;
	D.irq_type[fd] = -1;
}

static int set_msi_trigger(int fd, uint32_t index, uint32_t start, uint32_t count, uint32_t flags,
			   const void *data)
{
	if (D.irq_type[fd] == (int)index && !count && (flags & UAPI_VFIO_IRQ_SET_DATA_NONE)) {
		msi_disable(fd, index);
		return 0;
	}
	if (!(D.irq_type[fd] == (int)index || D.irq_type[fd] == -1))
		return -EINVAL;
	if (flags & UAPI_VFIO_IRQ_SET_DATA_EVENTFD) {
		uint32_t nvec = start + count;
		int ret;

		if (D.irq_type[fd] == (int)index)
			return msi_set_block(fd, index, start, count, data);
		/* vfio_msi_enable(): pci_alloc_irq_vectors(1, nvec) */
		if (D.vec_limit < 0)
			return -ENOSPC;
		if (D.vec_limit > 0 && (uint32_t)D.vec_limit < nvec)
			return D.vec_limit; /* the kernel's positive answer: what it could give */
		D.nvec[fd] = nvec;
		D.irq_type[fd] = (int)index;
		ret = msi_set_block(fd, index, start, count, data);
		if (ret)
			msi_disable(fd, index);
		return ret;
	}
	if (D.irq_type[fd] != (int)index)
		return -EINVAL;
	D.signals[fd][index]++;
	return 0;
}

static int set_intx(int fd, uint32_t action, uint32_t start, uint32_t count, uint32_t flags, const void *data)
{
	int id = 0;

	if (action == UAPI_VFIO_IRQ_SET_ACTION_TRIGGER) {
		if (D.irq_type[fd] == 0 && !count && (flags & UAPI_VFIO_IRQ_SET_DATA_NONE)) {
			D.trig[fd][0][0] = 0;
			D.unmask_ev[fd] = 0;
			D.intx_masked[fd] = 0;
			D.irq_type[fd] = -1;
			return 0;
		}
		if (!(D.irq_type[fd] == 0 || D.irq_type[fd] == -1) || start != 0 || count != 1)
			return -EINVAL;
		if (flags & UAPI_VFIO_IRQ_SET_DATA_EVENTFD) {
			int32_t efd;

			memcpy(&efd, data, sizeof(efd));
			if (efd >= 0) {
				id = evget(efd);
				if (id < 0)
					return id;
			}
			D.trig[fd][0][0] = id;
			D.irq_type[fd] = 0;
			return 0;
		}
		if (D.irq_type[fd] != 0)
			return -EINVAL;
		D.signals[fd][0]++;
		return 0;
	}
	if (D.irq_type[fd] != 0 || start != 0 || count != 1)
		return -EINVAL;
	if (action == UAPI_VFIO_IRQ_SET_ACTION_MASK) {
		if (!(flags & UAPI_VFIO_IRQ_SET_DATA_NONE))
			return -EINVAL;
		D.intx_masked[fd] = 1;
		return 0;
	}
	/* unmask, now or on an eventfd */
	if (flags & UAPI_VFIO_IRQ_SET_DATA_EVENTFD) {
		int32_t efd;

		memcpy(&efd, data, sizeof(efd));
		if (efd >= 0) {
			id = evget(efd);
			if (id < 0)
				return id;
		}
		D.unmask_ev[fd] = id;
		return 0;
	}
	D.intx_masked[fd] = 0;
	return 0;
}

/* vfio_pci_set_ctx_trigger_single(): ERR and REQ. */
static int set_single(int fd, uint32_t index, uint32_t count, uint32_t flags, const void *data)
{
	if (flags & UAPI_VFIO_IRQ_SET_DATA_NONE) {
		if (!D.trig[fd][index][0])
			return -EINVAL;
		if (count)
			D.signals[fd][index]++;
		else
			D.trig[fd][index][0] = 0;
		return 0;
	}
	if (flags & UAPI_VFIO_IRQ_SET_DATA_EVENTFD) {
		int32_t efd;
		int id;

		if (!count)
			return -EINVAL;
		memcpy(&efd, data, sizeof(efd));
		if (efd == -1) {
			D.trig[fd][index][0] = 0;
			return 0;
		}
		if (efd < 0)
			return -EINVAL;
		id = evget(efd);
		if (id < 0)
			return id;
		D.trig[fd][index][0] = id;
		return 0;
	}
	return -EINVAL;
}

static int v_set_irqs(int fd, void *arg)
{
	struct uapi_vfio_irq_set *c = arg;
	const uint32_t minsz = sizeof(*c);
	uint32_t action = c->flags & 0x38u, n;
	size_t size = 0;

	/* vfio_set_irqs_validate_and_prepare() */
	if (c->argsz < minsz || c->index >= FAKE_IRQ_NIDX || c->count >= UINT32_MAX - c->start ||
	    (c->flags & ~0x3fu))
		return -EINVAL;
	n = D.irq_count[c->index];
	if (c->start >= n || c->start + c->count > n)
		return -EINVAL;
	switch (c->flags & 7u) {
	case UAPI_VFIO_IRQ_SET_DATA_NONE: size = 0; break;
	case UAPI_VFIO_IRQ_SET_DATA_BOOL: size = 1; break;
	case UAPI_VFIO_IRQ_SET_DATA_EVENTFD: size = 4; break;
	default: return -EINVAL;
	}
	if (size && c->argsz - minsz < c->count * size)
		return -EINVAL;
	if (action != UAPI_VFIO_IRQ_SET_ACTION_MASK && action != UAPI_VFIO_IRQ_SET_ACTION_UNMASK &&
	    action != UAPI_VFIO_IRQ_SET_ACTION_TRIGGER)
		return -EINVAL;
	/* vfio_pci_set_irqs_ioctl() */
	switch (c->index) {
	case 0:
		return set_intx(fd, action, c->start, c->count, c->flags, c->data);
	case 1:
	case 2:
		if (action != UAPI_VFIO_IRQ_SET_ACTION_TRIGGER)
			return -ENOTTY;
		return set_msi_trigger(fd, c->index, c->start, c->count, c->flags, c->data);
	default:
		if (action != UAPI_VFIO_IRQ_SET_ACTION_TRIGGER)
			return -ENOTTY;
		return set_single(fd, c->index, c->count, c->flags, c->data);
	}
}

/* ---- regions with a capability chain ---- */

void fake_region_set(uint32_t index, uint32_t flags, uint32_t size, const void *chain, size_t len,
		     uint32_t first)
{
	if (index >= FAKE_REGIONS || len > sizeof(D.region[0].chain))
		return;
	D.region[index].set = 1;
	D.region[index].flags = flags;
	D.region[index].size = size;
	D.region[index].first = first;
	if (len)
		memcpy(D.region[index].chain, chain, len);
	D.region[index].len = len;
}

/* The kernel's rule (vfio_info_add_capability): when argsz is too small
 * for the chain, argsz says what is needed and cap_offset is 0. */
static int v_get_region_info_caps(int fd, void *arg)
{
	struct uapi_vfio_region_info *c = arg;
	size_t need;

	if (c->index >= FAKE_REGIONS || !D.region[c->index].set)
		return v_get_region_info(fd, arg);
	if (c->argsz < sizeof(*c))
		return -EINVAL;
	c->flags = D.region[c->index].flags;
	c->size = D.region[c->index].size;
	c->offset = (uint64_t)c->index << 40;
	c->cap_offset = 0;
	if (!D.region[c->index].len)
		return 0;
	c->flags |= UAPI_VFIO_REGION_INFO_FLAG_CAPS;
	need = sizeof(*c) + D.region[c->index].len;
	if (c->argsz < need) {
		c->argsz = (uint32_t)need;
		return 0;
	}
	memcpy((uint8_t *)c + sizeof(*c), D.region[c->index].chain, D.region[c->index].len);
	c->cap_offset = D.region[c->index].first ? D.region[c->index].first : (uint32_t)sizeof(*c);
	c->argsz = (uint32_t)need;
	return 0;
}

/* mmap with MAP_FIXED: only into memory the fake handed out (a
 * reservation); a device area is marked with 0xcd bytes so a test sees
 * which parts were mapped. */
static int fake_mmap_fixed(size_t len, int prot, int fd, off_t off, void *addr)
{
	(void)prot;
	(void)off;
	for (int i = 0; i < MAX_MEM; i++) {
		uint8_t *a = K.mem[i].addr;

		if (a && (uint8_t *)addr >= a && (uint8_t *)addr + len <= a + K.mem[i].len) {
			if (fd >= 0 && fd < MAX_FDS && K.fds[fd] == FD_VFIO) {
				memset(addr, 0xcd, len);
				D.fixed_maps++;
				return 0;
			}
			return -EBADF;
		}
	}
	return -EINVAL;
}

int fake_fixed_map_count(void)
{
	return D.fixed_maps;
}

/* ---- PCI hot reset ---- */

void fake_hot_reset_set(const struct fake_reset_dev *devs, int n, int group_form)
{
	if (n > FAKE_RESET_DEVS)
		n = FAKE_RESET_DEVS;
	memcpy(D.reset_devs, devs, (size_t)n * sizeof(*devs));
	D.nreset = n;
	D.reset_group_form = group_form;
	D.reset_configured = 1;
}

static int v_hot_reset_info(int fd, void *arg)
{
	struct uapi_vfio_pci_hot_reset_info *c = arg;
	struct fake_reset_dev self = { 0, 0, 3 << 3, 0 };
	const struct fake_reset_dev *devs = D.reset_configured ? D.reset_devs : &self;
	int n = D.reset_configured ? D.nreset : 1;
	uint32_t flags;

	if (c->argsz < sizeof(*c))
		return -EINVAL;
	c->flags = 0;
	if (n == 0)
		return -ENODEV;
	if ((size_t)n > (c->argsz - sizeof(*c)) / sizeof(c->devices[0])) {
		c->count = (uint32_t)n;
		return -ENOSPC;
	}
	/* a device its group gave: the group form, the device itself in its
	 * group (the legacy backend's own devices never are configured) */
	if (!D.reset_configured && fake_type1_device_group(fd) >= 0) {
		c->devices[0] = (struct uapi_vfio_pci_dependent_device){ .devid = (uint32_t)fake_type1_device_group(fd),
									 .devfn = 3 << 3 };
		c->count = 1;
		c->flags = 0;
		return 0;
	}
	flags = D.reset_group_form ? 0 : UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID | UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	for (int i = 0; i < n; i++) {
		struct uapi_vfio_pci_dependent_device *d = &c->devices[i];
		uint32_t id = devs[i].devid;

		if (!D.reset_configured)
			id = (uint32_t)K.bound[fd];
		d->segment = devs[i].segment;
		d->bus = devs[i].bus;
		d->devfn = devs[i].devfn;
		d->devid = id;
		if (!D.reset_group_form && id == UAPI_VFIO_PCI_DEVID_NOT_OWNED)
			flags &= ~UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	}
	c->count = (uint32_t)n;
	c->flags = flags;
	return 0;
}

static int v_hot_reset(int fd, void *arg)
{
	struct uapi_vfio_pci_hot_reset *c = arg;
	int n = D.reset_configured ? D.nreset : 1;

	if (c->argsz < sizeof(*c) || c->flags)
		return -EINVAL;
	if (!D.reset_configured && fake_type1_device_group(fd) >= 0) {
		/* group form: 1 to as many fds as devices, the device's group among them */
		bool mine = false;

		if (c->count != 1 || c->argsz < sizeof(*c) + sizeof(c->group_fds[0]))
			return -EINVAL;
		mine = fake_type1_group_of_fd(c->group_fds[0]) == fake_type1_device_group(fd);
		return mine ? 0 : -EINVAL;
	}
	if (c->count) /* a cdev-opened device: the zero-length form only */
		return -EINVAL;
	if (n == 0)
		return -ENODEV;
	for (int i = 0; D.reset_configured && i < n; i++)
		if (D.reset_devs[i].devid == UAPI_VFIO_PCI_DEVID_NOT_OWNED)
			return -EINVAL; /* not in the dev_set: bound to no VFIO driver */
	(void)fd;
	return 0;
}
