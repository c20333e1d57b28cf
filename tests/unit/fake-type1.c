// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The fake kernel's VFIO containers and groups (fake-kernel.h says what it
 * models): the type1 rules the legacy VFIO backend meets on a real kernel
 * (drivers/vfio/container.c, group.c, vfio_iommu_type1.c): the IOMMU type
 * only once a group is in the container, mappings aligned to the smallest
 * IOMMU page, inside the IOVA ranges, not overlapping (EEXIST), a DMA entry
 * limit (ENOSPC), unmaps that may not cut a mapping (EINVAL) and report
 * what they unmapped, a container that forgets its mappings when its last
 * group leaves, a group that leaves when its fd and its devices' are closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/uapi.h"
#include "fake-internal.h"
#include "fake-kernel.h"

#define T1_FDS 64
#define T1_MAPS 1024
#define T1_CONTAINERS 8
#define T1_DIRTY 64

struct t1_map {
	uint64_t iova, len, vaddr;
};

struct t1_container {
	int used;
	int fd;      /* -1 once closed (it lives while a group is in it) */
	int groups;  /* groups in it */
	int iommu;   /* VFIO_SET_IOMMU done */
	uint32_t avail;
	struct t1_map maps[T1_MAPS];
	int nmaps;
	int tracking;                 /* VFIO_IOMMU_DIRTY_PAGES started */
	uint64_t dirty[T1_DIRTY];     /* pages a device wrote, while tracking */
	int ndirty;
};

struct t1_group {
	unsigned int num;
	const char *members[2];
	int viable;
	int fd;        /* -1: not open */
	int container; /* index, -1: none */
	int devices;   /* device fds open */
};

static struct {
	struct fake_type1_config cfg;
	struct t1_container c[T1_CONTAINERS];
	int fd_container[T1_FDS]; /* container fd -> index + 1 */
	int dev_group[T1_FDS];    /* device fd -> group index + 1 */
	struct t1_group g[3];
} F;

static const struct t1_group groups_init[3] = {
	{ 7, { "0000:00:03.0", "0000:00:03.1" }, 1, -1, -1, 0 },
	{ 8, { "0000:00:06.0", NULL }, 1, -1, -1, 0 },
	{ 9, { "0000:00:0a.0", "0000:00:0a.1" }, 0, -1, -1, 0 },
};

void fake_type1_reset(void)
{
	memset(&F, 0, sizeof(F));
	memcpy(F.g, groups_init, sizeof(F.g));
	F.cfg.pgsizes = 0x40201000ull;
	F.cfg.dma_avail = 65535;
	F.cfg.ranges[0][0] = 0;
	F.cfg.ranges[0][1] = 0xfedfffffull;
	F.cfg.ranges[1][0] = 0xfef00000ull;
	F.cfg.ranges[1][1] = (1ull << 48) - 1;
	F.cfg.nranges = 2;
}

struct fake_type1_config *fake_type1_config(void)
{
	return &F.cfg;
}

static struct t1_group *group_num(unsigned int num)
{
	for (int i = 0; i < 3; i++)
		if (F.g[i].num == num)
			return &F.g[i];
	return NULL;
}

static struct t1_group *group_of_member(const char *addr)
{
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			if (F.g[i].members[j] && !strcmp(F.g[i].members[j], addr))
				return &F.g[i];
	return NULL;
}

static struct t1_container *container_fd(int fd)
{
	return fd >= 0 && fd < T1_FDS && F.fd_container[fd] ? &F.c[F.fd_container[fd] - 1] : NULL;
}

static struct t1_group *group_fd(int fd)
{
	for (int i = 0; i < 3; i++)
		if (F.g[i].fd == fd && fd >= 0)
			return &F.g[i];
	return NULL;
}

int fake_type1_mapping_count(void)
{
	int n = 0;

	for (int i = 0; i < T1_CONTAINERS; i++)
		if (F.c[i].used)
			n += F.c[i].nmaps;
	return n;
}

int fake_type1_group_maps(unsigned int num)
{
	struct t1_group *g = group_num(num);

	return g && g->container >= 0 ? F.c[g->container].nmaps : -1;
}

int fake_type1_group_enabled(unsigned int num)
{
	struct t1_group *g = group_num(num);

	return g && g->container >= 0 && F.c[g->container].iommu;
}

int fake_type1_group_open(unsigned int num)
{
	struct t1_group *g = group_num(num);

	return g && g->fd >= 0;
}

int fake_type1_device_group(int fd)
{
	return fd >= 0 && fd < T1_FDS && F.dev_group[fd] ? (int)F.g[F.dev_group[fd] - 1].num : -1;
}

int fake_type1_group_of_fd(int fd)
{
	struct t1_group *g = group_fd(fd);

	return g ? (int)g->num : -1;
}

uint64_t fake_type1_lookup(unsigned int num, uint64_t iova)
{
	struct t1_group *g = group_num(num);
	struct t1_container *c;

	if (!g || g->container < 0)
		return 0;
	c = &F.c[g->container];
	for (int i = 0; i < c->nmaps; i++)
		if (iova >= c->maps[i].iova && iova - c->maps[i].iova < c->maps[i].len)
			return c->maps[i].vaddr + (iova - c->maps[i].iova);
	return 0;
}

/* A container is freed when neither its fd nor a group holds it. */
static void container_put(struct t1_container *c)
{
	if (c->fd < 0 && c->groups == 0)
		memset(c, 0, sizeof(*c));
}

static void group_leave(struct t1_group *g)
{
	struct t1_container *c;

	if (g->container < 0)
		return;
	c = &F.c[g->container];
	g->container = -1;
	if (--c->groups == 0) { /* the last group takes the IOMMU with it */
		c->iommu = 0;
		c->nmaps = 0;
	}
	container_put(c);
}

int fake_type1_open(const char *path)
{
	unsigned int num;
	struct t1_group *g;
	char tail;
	int fd;

	if (!strcmp(path, "/dev/vfio/vfio")) {
		if (F.cfg.no_node)
			return -ENOENT;
		for (int i = 0; i < T1_CONTAINERS; i++)
			if (!F.c[i].used) {
				fd = fake_internal_new_fd(FAKE_FD_T1_CONTAINER);
				if (fd < 0)
					return fd;
				memset(&F.c[i], 0, sizeof(F.c[i]));
				F.c[i].used = 1;
				F.c[i].fd = fd;
				F.c[i].avail = F.cfg.dma_avail;
				F.fd_container[fd] = i + 1;
				return fd;
			}
		return -EMFILE;
	}
	if (sscanf(path, "/dev/vfio/%u%c", &num, &tail) != 1 || !(g = group_num(num)))
		return -ENOENT;
	if (g->fd >= 0 || g->devices)
		return -EBUSY;
	fd = fake_internal_new_fd(FAKE_FD_T1_GROUP);
	if (fd >= 0)
		g->fd = fd;
	return fd;
}

void fake_type1_close(int fd)
{
	struct t1_container *c = container_fd(fd);
	struct t1_group *g = group_fd(fd);

	if (fd < 0 || fd >= T1_FDS)
		return;
	if (c) {
		F.fd_container[fd] = 0;
		c->fd = -1;
		container_put(c);
	}
	if (g) {
		g->fd = -1;
		if (!g->devices) /* device fds hold the group */
			group_leave(g);
	}
	if (F.dev_group[fd]) {
		g = &F.g[F.dev_group[fd] - 1];
		F.dev_group[fd] = 0;
		if (--g->devices == 0 && g->fd < 0)
			group_leave(g);
	}
}

/* ---- container ioctls ---- */

static uint64_t min_page(void)
{
	return F.cfg.pgsizes & -F.cfg.pgsizes;
}

static int in_ranges(uint64_t iova, uint64_t last)
{
	if (F.cfg.no_caps)
		return 1;
	for (uint32_t i = 0; i < F.cfg.nranges; i++)
		if (F.cfg.ranges[i][0] <= iova && last <= F.cfg.ranges[i][1])
			return 1;
	return 0;
}

static int c_get_info(struct t1_container *c, void *arg)
{
	struct uapi_vfio_iommu_type1_info info;
	uint8_t chain[512];
	size_t len = 0;

	memcpy(&info, arg, sizeof(info));
	if (!c->iommu || info.argsz < offsetof(struct uapi_vfio_iommu_type1_info, pad))
		return -EINVAL;
	info.flags = UAPI_VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = F.cfg.pgsizes;
	info.cap_offset = 0;
	if (F.cfg.chain) {
		len = F.cfg.chain_len;
		memcpy(chain, F.cfg.chain, len);
	} else if (!F.cfg.no_caps) {
		struct uapi_vfio_iommu_type1_info_cap_iova_range r = {
			.header = { .id = UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, .version = 1 },
			.nr_iovas = F.cfg.nranges,
		};
		struct uapi_vfio_iommu_type1_info_dma_avail a = {
			.header = { .id = UAPI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, .version = 1 },
			.avail = c->avail,
		};
		struct uapi_vfio_iommu_type1_info_cap_migration m = {
			.header = { .id = UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, .version = 1 },
			.pgsize_bitmap = F.cfg.pgsizes,
			.max_dirty_bitmap_size = 1u << 20,
		};
		size_t rlen = sizeof(r) + F.cfg.nranges * sizeof(struct uapi_vfio_iova_range);

		r.header.next = (uint32_t)(sizeof(info) + rlen);
		memcpy(chain, &r, sizeof(r));
		for (uint32_t i = 0; i < F.cfg.nranges; i++) {
			struct uapi_vfio_iova_range v = { F.cfg.ranges[i][0], F.cfg.ranges[i][1] };

			memcpy(chain + sizeof(r) + i * sizeof(v), &v, sizeof(v));
		}
		len = rlen;
		if (F.cfg.migration)
			a.header.next = (uint32_t)(sizeof(info) + len + sizeof(a) + 4);
		memcpy(chain + len, &a, sizeof(a));
		len += sizeof(a) + 4; /* the kernel's 8-byte alignment of entries */
		if (F.cfg.migration) {
			memcpy(chain + len, &m, sizeof(m));
			len += sizeof(m);
		}
	}
	if (len) {
		info.flags |= UAPI_VFIO_IOMMU_INFO_CAPS;
		if (info.argsz < sizeof(info) + len) {
			info.argsz = (uint32_t)(sizeof(info) + len);
		} else {
			memcpy((uint8_t *)arg + sizeof(info), chain, len);
			info.cap_offset = sizeof(info);
		}
	}
	memcpy(arg, &info, sizeof(info));
	return 0;
}

static int c_map(struct t1_container *c, void *arg)
{
	struct uapi_vfio_iommu_type1_dma_map m;
	uint64_t mask = min_page() - 1;

	memcpy(&m, arg, sizeof(m));
	if (m.argsz < sizeof(m) || !c->iommu)
		return -EINVAL;
	if (m.flags & ~(UAPI_VFIO_DMA_MAP_FLAG_READ | UAPI_VFIO_DMA_MAP_FLAG_WRITE))
		return -EINVAL;
	if (!(m.flags & (UAPI_VFIO_DMA_MAP_FLAG_READ | UAPI_VFIO_DMA_MAP_FLAG_WRITE)) || !m.size ||
	    ((m.size | m.iova | m.vaddr) & mask))
		return -EINVAL;
	if (m.iova + m.size - 1 < m.iova || m.vaddr + m.size - 1 < m.vaddr)
		return -EINVAL;
	for (int i = 0; i < c->nmaps; i++)
		if (m.iova <= c->maps[i].iova + c->maps[i].len - 1 && c->maps[i].iova <= m.iova + m.size - 1)
			return -EEXIST;
	if (!c->avail || c->nmaps == T1_MAPS)
		return -ENOSPC;
	if (!in_ranges(m.iova, m.iova + m.size - 1))
		return -EINVAL;
	c->maps[c->nmaps++] = (struct t1_map){ m.iova, m.size, m.vaddr };
	c->avail--;
	return 0;
}

static void report_dirty(struct t1_container *c, uint64_t iova, uint64_t last, uint64_t *bits);

static int c_unmap(struct t1_container *c, void *arg)
{
	struct uapi_vfio_iommu_type1_dma_unmap u;
	uint64_t mask = min_page() - 1, last, done = 0;

	struct uapi_vfio_bitmap bm = { 0 };

	memcpy(&u, arg, sizeof(u));
	if (u.argsz < sizeof(u) || !c->iommu)
		return -EINVAL;
	if (u.flags & UAPI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) {
		if (u.flags != UAPI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP ||
		    u.argsz < sizeof(struct uapi_vfio_dma_unmap_dirty))
			return -EINVAL;
		memcpy(&bm, (uint8_t *)arg + sizeof(u), sizeof(bm));
		if (!c->tracking || bm.pgsize != min_page() || bm.size < (u.size / min_page() + 63) / 64 * 8)
			return -EINVAL;
		u.flags = 0;
	}
	if (u.flags & UAPI_VFIO_DMA_UNMAP_FLAG_ALL) {
		if (u.iova || u.size)
			return -EINVAL;
		u.iova = 0;
		last = UINT64_MAX;
	} else {
		if (u.flags || !u.size || ((u.iova | u.size) & mask) || u.iova + u.size - 1 < u.iova)
			return -EINVAL;
		last = u.iova + u.size - 1;
	}
	/* type1v2: a range may not cut a mapping */
	for (int i = 0; i < c->nmaps; i++) {
		uint64_t f = c->maps[i].iova, l = f + c->maps[i].len - 1;

		if ((f < u.iova && l >= u.iova) || (f <= last && l > last))
			return -EINVAL;
	}
	if (bm.data)
		report_dirty(c, u.iova, last, (uint64_t *)(uintptr_t)bm.data);
	for (int i = 0; i < c->nmaps;) {
		if (c->maps[i].iova >= u.iova && c->maps[i].iova <= last) {
			done += c->maps[i].len;
			c->maps[i] = c->maps[--c->nmaps];
			c->avail++;
		} else {
			i++;
		}
	}
	u.size = done;
	memcpy(arg, &u, sizeof(u));
	return 0;
}

void fake_type1_write(uint64_t iova)
{
	for (int i = 0; i < T1_CONTAINERS; i++) {
		struct t1_container *c = &F.c[i];
		int mapped = 0;

		for (int k = 0; k < c->nmaps; k++)
			mapped |= c->maps[k].iova <= iova && iova - c->maps[k].iova < c->maps[k].len;
		if (c->used && c->tracking && mapped && c->ndirty < T1_DIRTY)
			c->dirty[c->ndirty++] = iova & ~(min_page() - 1);
	}
}

/* Report (and forget) the dirty pages in [iova, last] into @bits, one per
 * smallest page from @iova. */
static void report_dirty(struct t1_container *c, uint64_t iova, uint64_t last, uint64_t *bits)
{
	for (int i = 0; i < c->ndirty;) {
		if (c->dirty[i] >= iova && c->dirty[i] <= last) {
			uint64_t b = (c->dirty[i] - iova) / min_page();

			bits[b / 64] |= 1ull << (b % 64);
			c->dirty[i] = c->dirty[--c->ndirty];
		} else {
			i++;
		}
	}
}

static int c_dirty_pages(struct t1_container *c, void *arg)
{
	struct uapi_vfio_dirty_get d;
	uint64_t last, need;

	memcpy(&d.hdr, arg, sizeof(d.hdr));
	if (F.cfg.compat)
		return -ENOTTY;
	if (d.hdr.argsz < sizeof(d.hdr) || !d.hdr.flags || (d.hdr.flags & (d.hdr.flags - 1)) ||
	    d.hdr.flags & ~7u)
		return -EINVAL;
	if (d.hdr.flags == UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_START) {
		c->tracking = 1;
		return 0;
	}
	if (d.hdr.flags == UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP) {
		c->tracking = 0;
		c->ndirty = 0;
		return 0;
	}
	if (d.hdr.argsz < sizeof(d))
		return -EINVAL;
	memcpy(&d, arg, sizeof(d));
	last = d.range.iova + d.range.size - 1;
	if (!d.range.size || last < d.range.iova || d.range.bitmap.pgsize != min_page() ||
	    ((d.range.iova | d.range.size) & (min_page() - 1)))
		return -EINVAL;
	need = (d.range.size / min_page() + 63) / 64 * 8;
	if (d.range.bitmap.size < need || !c->tracking)
		return -EINVAL;
	for (int i = 0; i < c->nmaps; i++) { /* the range may not cut a mapping */
		uint64_t f = c->maps[i].iova, l = f + c->maps[i].len - 1;

		if ((f < d.range.iova && l >= d.range.iova) || (f <= last && l > last))
			return -EINVAL;
	}
	report_dirty(c, d.range.iova, last, (uint64_t *)(uintptr_t)d.range.bitmap.data);
	return 0;
}

static int container_ioctl(struct t1_container *c, unsigned long req, void *arg)
{
	switch (req) {
	case UAPI_VFIO_GET_API_VERSION:
		return F.cfg.api_version;
	case UAPI_VFIO_CHECK_EXTENSION:
		if ((uintptr_t)arg == UAPI_VFIO_TYPE1v2_IOMMU)
			return !F.cfg.no_type1v2;
		return (uintptr_t)arg == UAPI_VFIO_UNMAP_ALL;
	case UAPI_VFIO_SET_IOMMU:
		if (!c->groups)
			return -EINVAL;
		if (c->iommu)
			return -EBUSY;
		if ((uintptr_t)arg != UAPI_VFIO_TYPE1v2_IOMMU || F.cfg.no_type1v2)
			return -ENODEV;
		c->iommu = 1;
		return 0;
	case UAPI_VFIO_IOMMU_GET_INFO:
		return c_get_info(c, arg);
	case UAPI_VFIO_IOMMU_MAP_DMA:
		return c_map(c, arg);
	case UAPI_VFIO_IOMMU_UNMAP_DMA:
		return c_unmap(c, arg);
	case UAPI_VFIO_IOMMU_DIRTY_PAGES:
		return c_dirty_pages(c, arg);
	case UAPI_IOMMU_DESTROY:
		return F.cfg.compat ? -ENOENT : -ENOTTY;
	default:
		return -ENOTTY;
	}
}

/* ---- group ioctls ---- */

static int group_ioctl(struct t1_group *g, unsigned long req, void *arg)
{
	struct uapi_vfio_group_status st;
	struct t1_container *c;
	char name[64], *sp;
	int fd;

	switch (req) {
	case UAPI_VFIO_GROUP_GET_STATUS:
		memcpy(&st, arg, sizeof(st));
		if (st.argsz < sizeof(st))
			return -EINVAL;
		st.flags = 0;
		if (g->viable || g->container >= 0)
			st.flags |= UAPI_VFIO_GROUP_FLAGS_VIABLE;
		if (g->container >= 0)
			st.flags |= UAPI_VFIO_GROUP_FLAGS_CONTAINER_SET;
		memcpy(arg, &st, sizeof(st));
		return 0;
	case UAPI_VFIO_GROUP_SET_CONTAINER:
		memcpy(&fd, arg, sizeof(fd));
		if (g->container >= 0)
			return -EBUSY;
		c = container_fd(fd);
		if (!c)
			return -EBADF;
		if (!g->viable)
			return -EPERM;
		if (c->iommu) /* a second group in a container: not modelled */
			return -EBUSY;
		g->container = (int)(c - F.c);
		c->groups++;
		return 0;
	case UAPI_VFIO_GROUP_UNSET_CONTAINER:
		if (g->container < 0)
			return -EINVAL;
		if (g->devices)
			return -EBUSY;
		group_leave(g);
		return 0;
	case UAPI_VFIO_GROUP_GET_DEVICE_FD:
		if (g->container < 0 || !F.c[g->container].iommu)
			return -EINVAL;
		snprintf(name, sizeof(name), "%s", (const char *)arg);
		sp = strchr(name, ' ');
		if (sp)
			*sp = '\0';
		if (group_of_member(name) != g)
			return -ENODEV;
		fd = fake_internal_new_fd(FAKE_FD_VFIO);
		if (fd < 0)
			return fd;
		F.dev_group[fd] = (int)(g - F.g) + 1;
		g->devices++;
		return fd;
	default:
		return -ENOTTY;
	}
}

int fake_type1_ioctl(int fd, unsigned long req, void *arg)
{
	struct t1_container *c = container_fd(fd);
	struct t1_group *g = group_fd(fd);

	if (c)
		return container_ioctl(c, req, arg);
	if (g)
		return group_ioctl(g, req, arg);
	return -ENOTTY;
}

/* ---- sysfs ---- */

ssize_t fake_type1_readlink(const char *path, char *buf, size_t size)
{
	char addr[32];
	struct t1_group *g;
	int fd;

	if (sscanf(path, "/proc/self/fd/%d", &fd) == 1 && container_fd(fd)) {
		snprintf(buf, size, "/dev/vfio/vfio");
		return (ssize_t)strlen(buf);
	}
	if (sscanf(path, "/sys/bus/pci/devices/%31[^/]/iommu_group", addr) == 1 &&
	    strstr(path, "/iommu_group") && (g = group_of_member(addr))) {
		snprintf(buf, size, "../../../kernel/iommu_groups/%u", g->num);
		return (ssize_t)strlen(buf);
	}
	if (!strcmp(path, "/sys/bus/pci/devices/0000:00:0a.0/driver")) {
		snprintf(buf, size, "../../../bus/pci/drivers/vfio-pci");
		return (ssize_t)strlen(buf);
	}
	if (!strcmp(path, "/sys/bus/pci/devices/0000:00:0a.1/driver")) {
		snprintf(buf, size, "../../../bus/pci/drivers/nvme");
		return (ssize_t)strlen(buf);
	}
	return -ENOENT;
}

int fake_type1_list_dir(const char *path, int (*fn)(const char *name, void *data), void *data)
{
	unsigned int num;
	struct t1_group *g;
	char addr[32], tail[16];

	if (sscanf(path, "/sys/kernel/iommu_groups/%u/device%15s", &num, tail) == 2 && !strcmp(tail, "s") &&
	    (g = group_num(num))) {
		for (int j = 0; j < 2; j++) {
			int rc = g->members[j] ? fn(g->members[j], data) : 0;

			if (rc)
				return rc;
		}
		return 0;
	}
	/* the members other than 0000:00:03.0, which fake-kernel.c knows */
	if (sscanf(path, "/sys/bus/pci/devices/%31s", addr) == 1 && strcmp(addr, "0000:00:03.0") &&
	    group_of_member(addr))
		return fn("vendor", data);
	return -ENOENT;
}
