// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* DMA buffers: memory (hugetlb, THP or small pages) mapped in the DMA
 * context at once. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
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

struct iommufd_dma_buf {
	struct iommufd_dma *dma;
	void *vaddr;
	uint64_t iova, size;
	void *map_base; /* what was mmap'ed: vaddr, or a larger area around it */
	size_t map_len;
	int fd; /* memfd of hugetlb memory, or -1 */
};

/* Memory for a buffer: hugetlb memfd, else 2 MiB-aligned anonymous memory
 * advised for THP, else (small or SMALL_PAGES) plain anonymous pages. */
static int mem_get(struct iommufd_dma *dma, uint64_t size, uint64_t flags, struct iommufd_dma_buf *b)
{
	const struct iommufd_sys_ops *sys = dma->ctx->sys;
	bool huge = !(flags & IOMMUFD_DMA_SMALL_PAGES) && size >= SZ_2M;
	void *p;
	int fd, rc;

	b->fd = -1;
	if (!huge) {
		b->size = (size + dma->page - 1) & ~(dma->page - 1);
		rc = sys_mmap(sys, b->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &p);
		if (rc < 0)
			return rc;
		b->vaddr = b->map_base = p;
		b->map_len = b->size;
		return 0;
	}
	b->size = (size + SZ_2M - 1) & ~(SZ_2M - 1);
	fd = sys_memfd_create(sys, "libiommufd-dma", MFD_HUGETLB | MFD_HUGE_2MB);
	if (fd >= 0) {
		rc = sys_ftruncate(sys, fd, (off_t)b->size);
		if (rc == 0)
			rc = sys_mmap(sys, b->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0, &p);
		if (rc == 0) {
			b->vaddr = b->map_base = p;
			b->map_len = b->size;
			b->fd = fd;
			return 0;
		}
		ctx_log(dma->ctx, LOG_INFO, "DMA buffer of 0x%" PRIx64 " bytes: no hugetlb pages (%s), using THP",
			b->size, strerror(-rc));
		sys_close(sys, fd);
	} else {
		ctx_log(dma->ctx, LOG_INFO, "DMA buffer: memfd_create(MFD_HUGETLB): %s, using THP", strerror(-fd));
	}
	/* over-allocate so a 2 MiB-aligned area fits; the slack is never touched */
	b->map_len = b->size + SZ_2M;
	rc = sys_mmap(sys, b->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &p);
	if (rc < 0)
		return rc;
	b->map_base = p;
	b->vaddr = (void *)(((uintptr_t)p + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1));
	rc = sys_madvise(sys, b->vaddr, b->size, MADV_HUGEPAGE);
	if (rc < 0) /* advice only: a kernel without THP still gives memory */
		ctx_log(dma->ctx, LOG_INFO, "DMA buffer: madvise(MADV_HUGEPAGE): %s", strerror(-rc));
	return 0;
}

static void mem_put(struct iommufd_dma *dma, struct iommufd_dma_buf *b)
{
	int rc = sys_munmap(dma->ctx->sys, b->map_base, b->map_len);

	if (rc < 0)
		ctx_log(dma->ctx, LOG_WARNING, "DMA buffer at %p: munmap: %s; its memory stays allocated",
			b->map_base, strerror(-rc));
	if (b->fd >= 0)
		sys_close(dma->ctx->sys, b->fd);
}

int buffer_alloc(struct iommufd_dma *dma, uint64_t size, uint64_t flags, struct iommufd_dma_buf **out)
{
	struct iommufd_dma_buf *b;
	uint64_t align;
	uint32_t mf;
	int rc;

	if (flags & ~(uint64_t)BUFFER_FLAGS)
		return ctx_fail(dma->ctx, EINVAL, "DMA buffer: unknown flags 0x%" PRIx64, flags & ~(uint64_t)BUFFER_FLAGS);
	if (size == 0 || size > (UINT64_MAX >> 2))
		return ctx_fail(dma->ctx, EINVAL, "DMA buffer: size 0x%" PRIx64 " is 0 or too large", size);
	/* whole units of the IOVA alignment, which can exceed a CPU page */
	pthread_mutex_lock(&dma->lock);
	rc = dma_ensure_ranges(dma);
	align = dma->align;
	pthread_mutex_unlock(&dma->lock);
	if (rc < 0)
		return rc;
	size = (size + align - 1) & ~(align - 1);
	b = calloc(1, sizeof(*b));
	if (!b)
		return ctx_fail(dma->ctx, ENOMEM, "DMA buffer: out of memory");
	b->dma = dma;
	rc = mem_get(dma, size, flags, b);
	if (rc < 0) {
		free(b);
		return ctx_fail(dma->ctx, -rc, "DMA buffer of 0x%" PRIx64 " bytes: mmap: %s", size, strerror(-rc));
	}
	mf = (uint32_t)(flags & (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_DMA_IDENTITY));
	if (!(mf & (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)))
		mf |= IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE;
	pthread_mutex_lock(&dma->lock);
	rc = map_add_locked(dma, (uintptr_t)b->vaddr, b->size, &b->iova, mf);
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

int iommufd_dma_buf_alloc(struct iommufd_dma *dma, uint64_t size, const struct iommufd_dma_buf_opts *opts,
			  struct iommufd_dma_buf **buf)
{
	int rc;

	if (!dma || !buf)
		return error_ret(-EINVAL);
	rc = CTX_OPTS_VALID(dma->ctx, opts, struct iommufd_dma_buf_opts, flags, "iommufd_dma_buf_alloc");
	if (rc < 0)
		return rc;
	return buffer_alloc(dma, size, OPTS_GET(opts, flags, 0), buf);
}

int iommufd_dma_buf_free(struct iommufd_dma_buf *b)
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

void *iommufd_dma_buf_get_vaddr(const struct iommufd_dma_buf *buf)
{
	return buf ? buf->vaddr : NULL;
}

uint64_t iommufd_dma_buf_get_iova(const struct iommufd_dma_buf *buf)
{
	return buf ? buf->iova : 0;
}

uint64_t iommufd_dma_buf_get_size(const struct iommufd_dma_buf *buf)
{
	return buf ? buf->size : 0;
}
