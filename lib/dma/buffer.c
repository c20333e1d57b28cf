// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* DMA memory blocks: memory (hugetlb, THP or small pages) mapped in the DMA
 * context at once. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <iommufd/dma.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/sys.h"
#include "core/ctx.h"
#include "dma/buffer.h"
#include "dma/dma.h"
#include "dma/map.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004u
#endif
#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21u << 26)
#endif

struct iommufd_dma_mem {
	struct iommufd_dma *dma;
	void *vaddr;
	uint64_t iova, size;
	void *map_base; /* what was mmap'ed: vaddr, or a larger area around it */
	size_t map_len;
	int fd; /* memfd of hugetlb memory, or -1 */
};

/*
 * Anonymous memory of b->size bytes starting at a multiple of @align (a
 * power of two, at least a page). Nothing is assumed of where the kernel
 * puts a mapping but that it starts on a page (Linux 6.7 and later align
 * large anonymous mappings for THP; older kernels and valgrind do not):
 * map align - page bytes more, then trim the head and the tail. A trim that
 * fails leaves its slack mapped, untouched, with the buffer (map_base and
 * map_len cover it, so mem_put() still unmaps everything).
 */
static int anon_aligned(struct iommufd_dma *dma, uint64_t align, struct iommufd_dma_mem *b)
{
	const struct iommufd_sys_ops *sys = dma->ctx->sys;
	uint64_t total = b->size + (align - dma->page);
	uintptr_t p, q;
	size_t head, tail;
	void *m;
	int rc;

	if (total < b->size || total > SIZE_MAX)
		return -ENOMEM;
	rc = sys_mmap(sys, (size_t)total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &m);
	if (rc < 0)
		return rc;
	p = (uintptr_t)m;
	q = (p + (uintptr_t)(align - 1)) & ~(uintptr_t)(align - 1);
	head = q - p;
	tail = (size_t)total - head - (size_t)b->size;
	b->map_base = m;
	b->map_len = (size_t)total;
	b->vaddr = (void *)q;
	if (head && sys_munmap(sys, m, head) == 0) {
		b->map_base = (void *)q;
		b->map_len -= head;
	}
	if (tail && sys_munmap(sys, (void *)(q + (uintptr_t)b->size), tail) == 0)
		b->map_len -= tail;
	return 0;
}

/*
 * Memory for a buffer, its start a multiple of @align: hugetlb memfd, else
 * 2 MiB-aligned anonymous memory advised for THP, else (small or
 * SMALL_PAGES) plain anonymous pages. hugetlbfs places a mapping on a
 * 2 MiB boundary, no more: an alignment above 2 MiB takes THP memory.
 */
static int mem_get(struct iommufd_dma *dma, uint64_t size, uint64_t flags, uint64_t align,
		   struct iommufd_dma_mem *b)
{
	const struct iommufd_sys_ops *sys = dma->ctx->sys;
	bool huge = !(flags & IOMMUFD_DMA_SMALL_PAGES) && size >= SZ_2M;
	void *p;
	int fd, rc;

	b->fd = -1;
	if (align < dma->page)
		align = dma->page;
	if (!huge) {
		b->size = (size + dma->page - 1) & ~(dma->page - 1);
		return anon_aligned(dma, align, b);
	}
	if (align < SZ_2M)
		align = SZ_2M;
	b->size = (size + SZ_2M - 1) & ~(SZ_2M - 1);
	fd = align == SZ_2M ? sys_memfd_create(sys, "libiommufd-dma", MFD_HUGETLB | MFD_HUGE_2MB) : -EINVAL;
	if (fd >= 0) {
		rc = sys_ftruncate(sys, fd, (off_t)b->size);
		if (rc == 0)
			rc = sys_mmap(sys, b->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0, &p);
		if (rc == 0 && ((uintptr_t)p & (SZ_2M - 1))) { /* not what hugetlbfs does; trust nothing */
			sys_munmap(sys, p, b->size);
			rc = -EINVAL;
		}
		if (rc == 0) {
			b->vaddr = b->map_base = p;
			b->map_len = b->size;
			b->fd = fd;
			return 0;
		}
		ctx_log(dma->ctx, LOG_INFO, "DMA memory of 0x%" PRIx64 " bytes: no hugetlb pages (%s), using THP",
			b->size, strerror(-rc));
		sys_close(sys, fd);
	} else if (align == SZ_2M) {
		ctx_log(dma->ctx, LOG_INFO, "DMA memory: memfd_create(MFD_HUGETLB): %s, using THP", strerror(-fd));
	} else {
		ctx_log(dma->ctx, LOG_INFO, "DMA memory aligned to 0x%" PRIx64 ": beyond hugetlb's 2 MiB, using THP", align);
	}
	rc = anon_aligned(dma, align, b);
	if (rc < 0)
		return rc;
	rc = sys_madvise(sys, b->vaddr, b->size, MADV_HUGEPAGE);
	if (rc < 0) /* advice only: a kernel without THP still gives memory */
		ctx_log(dma->ctx, LOG_INFO, "DMA memory: madvise(MADV_HUGEPAGE): %s", strerror(-rc));
	return 0;
}

static void mem_put(struct iommufd_dma *dma, struct iommufd_dma_mem *b)
{
	int rc = sys_munmap(dma->ctx->sys, b->map_base, b->map_len);

	if (rc < 0)
		ctx_log(dma->ctx, LOG_WARNING, "DMA memory at %p: munmap: %s; its memory stays allocated",
			b->map_base, strerror(-rc));
	if (b->fd >= 0)
		sys_close(dma->ctx->sys, b->fd);
}

int buffer_alloc(struct iommufd_dma *dma, uint64_t size, uint64_t flags, uint64_t align,
		 struct iommufd_dma_mem **out)
{
	struct iommufd_dma_mem *b;
	uint64_t unit;
	uint32_t mf;
	int rc;

	if (flags & ~(uint64_t)BUFFER_FLAGS)
		return ctx_fail(dma->ctx, EINVAL, "DMA memory: unknown flags 0x%" PRIx64, flags & ~(uint64_t)BUFFER_FLAGS);
	if (size == 0 || size > (UINT64_MAX >> 2))
		return ctx_fail(dma->ctx, EINVAL, "DMA memory: size 0x%" PRIx64 " is 0 or too large", size);
	/* whole units of the IOVA alignment, which can exceed a CPU page */
	pthread_mutex_lock(&dma->lock);
	rc = dma_ensure_ranges(dma);
	unit = dma->align;
	pthread_mutex_unlock(&dma->lock);
	if (rc < 0)
		return rc;
	size = (size + unit - 1) & ~(unit - 1);
	b = calloc(1, sizeof(*b));
	if (!b)
		return ctx_fail(dma->ctx, ENOMEM, "DMA memory: out of memory");
	b->dma = dma;
	rc = mem_get(dma, size, flags, align, b);
	if (rc < 0) {
		free(b);
		return ctx_fail(dma->ctx, -rc, "DMA memory of 0x%" PRIx64 " bytes: mmap: %s", size, strerror(-rc));
	}
	mf = (uint32_t)(flags & (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_DMA_IDENTITY));
	if (!(mf & (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)))
		mf |= IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE;
	pthread_mutex_lock(&dma->lock);
	rc = map_add_locked(dma, (uintptr_t)b->vaddr, b->size, &b->iova, mf, align);
	if (rc == 0)
		dma->users++;
	pthread_mutex_unlock(&dma->lock);
	if (rc < 0) {
		mem_put(dma, b);
		free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int iommufd_dma_mem_alloc(struct iommufd_dma *dma, uint64_t size, const struct iommufd_dma_mem_opts *opts,
			  struct iommufd_dma_mem **buf)
{
	int rc;

	if (!dma)
		return error_null(__func__, "dma");
	if (!buf)
		return ctx_fail_null(dma->ctx, __func__, "buf");
	rc = CTX_OPTS_VALID(dma->ctx, opts, struct iommufd_dma_mem_opts, flags, "iommufd_dma_mem_alloc");
	if (rc < 0)
		return rc;
	return buffer_alloc(dma, size, OPTS_GET(opts, flags, 0), 0, buf);
}

int iommufd_dma_mem_free(struct iommufd_dma_mem *b)
{
	struct iommufd_dma *dma;
	int rc;

	if (!b)
		return 0;
	dma = b->dma;
	pthread_mutex_lock(&dma->lock);
	rc = map_remove_locked(dma, (uintptr_t)b->vaddr);
	if (rc == 0)
		dma->users--;
	pthread_mutex_unlock(&dma->lock);
	if (rc < 0)
		return rc;
	mem_put(dma, b);
	free(b);
	return 0;
}

void *iommufd_dma_mem_get_vaddr(const struct iommufd_dma_mem *buf)
{
	return buf ? buf->vaddr : NULL;
}

uint64_t iommufd_dma_mem_get_iova(const struct iommufd_dma_mem *buf)
{
	return buf ? buf->iova : 0;
}

uint64_t iommufd_dma_mem_get_size(const struct iommufd_dma_mem *buf)
{
	return buf ? buf->size : 0;
}
