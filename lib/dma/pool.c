// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Pools of small DMA memory blocks carved from mapped chunks. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/dma.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/spinlock.h"
#include "core/ctx.h"
#include "dma/buffer.h"
#include "dma/dma.h"

/*
 * A pool maps chunks and hands out their buffers under a spin lock, with
 * no system call. Chunks enter (pool_grow()) and leave (pool_give_back():
 * a free emptied one while another was empty; at most one wholly free
 * chunk is kept, so a pool hovering at a chunk boundary does not map and
 * unmap each time) under grow_lock, which is held across the system calls;
 * the spin lock only covers the changes to the chunk array and lists.
 */

struct pool_chunk {
	struct iommufd_dma_mem *buf;
	uintptr_t base;
	uint64_t iova;
	struct pool_chunk *next_avail, *prev_avail;
	uint32_t nfree;
	uint32_t *stack; /* indices of free buffers */
	uint64_t *taken; /* bitmap */
};

struct iommufd_dma_pool {
	struct iommufd_dma *dma;
	atomic_flag lock; /* spin_lock(): alloc and free never sleep under it */
	pthread_mutex_t grow_lock;
	uint64_t buf_size, chunk_size, flags, max_chunks;
	uint32_t per_chunk, shift;
	struct pool_chunk **chunks; /* sorted by base */
	size_t nchunks, cap;
	struct pool_chunk *avail; /* chunks with free buffers */
	size_t nempty; /* chunks of the avail list whose buffers are all free */
};

/* How many chunks start at or below v (binary search), under the spin lock. */
static inline size_t chunks_upto(const struct iommufd_dma_pool *p, uintptr_t v)
{
	size_t lo = 0, hi = p->nchunks;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (p->chunks[mid]->base <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The avail list, under the spin lock. */
static void avail_push(struct iommufd_dma_pool *p, struct pool_chunk *c)
{
	c->prev_avail = NULL;
	c->next_avail = p->avail;
	if (p->avail)
		p->avail->prev_avail = c;
	p->avail = c;
}

static void avail_remove(struct iommufd_dma_pool *p, struct pool_chunk *c)
{
	if (c->prev_avail)
		c->prev_avail->next_avail = c->next_avail;
	else
		p->avail = c->next_avail;
	if (c->next_avail)
		c->next_avail->prev_avail = c->prev_avail;
	c->next_avail = c->prev_avail = NULL;
}

static void avail_rebuild(struct iommufd_dma_pool *p)
{
	p->avail = NULL;
	p->nempty = 0;
	for (size_t i = 0; i < p->nchunks; i++)
		if (p->chunks[i]->nfree) {
			avail_push(p, p->chunks[i]);
			p->nempty += p->chunks[i]->nfree == p->per_chunk;
		}
}

static void chunk_free(struct pool_chunk *c)
{
	free(c->stack);
	free(c->taken);
	free(c);
}

int iommufd_dma_pool_new(struct iommufd_dma *dma, const struct iommufd_dma_pool_opts *opts,
			 struct iommufd_dma_pool **out)
{
	struct iommufd_dma_pool *p;
	uint64_t bs, cs, flags;
	int rc;

	if (!dma)
		return error_null(__func__, "dma");
	if (!out)
		return ctx_fail_null(dma->ctx, __func__, "out");
	rc = CTX_OPTS_VALID(dma->ctx, opts, struct iommufd_dma_pool_opts, max_chunks, "iommufd_dma_pool_new");
	if (rc < 0)
		return rc;
	bs = OPTS_GET(opts, buf_size, 0) ? OPTS_GET(opts, buf_size, 0) : 4096;
	cs = OPTS_GET(opts, chunk_size, 0) ? OPTS_GET(opts, chunk_size, 0) : SZ_2M;
	flags = OPTS_GET(opts, flags, 0);
	if (bs < 64 || (bs & (bs - 1)) || cs % SZ_2M || bs > cs || cs / bs > UINT32_MAX)
		return ctx_fail(dma->ctx, EINVAL,
				"DMA pool: buffer size 0x%" PRIx64 " must be a power of two from 64 to the chunk size 0x%" PRIx64
				", which must be a multiple of 2 MiB", bs, cs);
	if (flags & ~(uint64_t)BUFFER_FLAGS)
		return ctx_fail(dma->ctx, EINVAL, "DMA pool: unknown flags 0x%" PRIx64, flags & ~(uint64_t)BUFFER_FLAGS);
	p = calloc(1, sizeof(*p));
	if (!p)
		return ctx_fail(dma->ctx, ENOMEM, "DMA pool: out of memory");
	p->dma = dma;
	atomic_flag_clear(&p->lock);
	pthread_mutex_init(&p->grow_lock, NULL);
	p->buf_size = bs;
	p->chunk_size = cs;
	p->flags = flags;
	p->max_chunks = OPTS_GET(opts, max_chunks, 0);
	p->per_chunk = (uint32_t)(cs / bs);
	p->shift = (uint32_t)__builtin_ctzll(bs);
	pthread_mutex_lock(&dma->lock);
	dma->users++;
	pthread_mutex_unlock(&dma->lock);
	*out = p;
	return 0;
}

/* Map one more chunk. Called without the spin lock. */
static int pool_grow(struct iommufd_dma_pool *p)
{
	struct iommufd_dma *dma = p->dma;
	struct pool_chunk *c, **chunks;
	size_t i;
	int rc;

	pthread_mutex_lock(&p->grow_lock);
	spin_lock(&p->lock);
	rc = p->avail ? 1 : 0; /* another thread grew it meanwhile */
	i = p->nchunks;
	spin_unlock(&p->lock);
	if (rc)
		goto out_ok;
	if (p->max_chunks && i >= p->max_chunks) {
		rc = ctx_fail(dma->ctx, ENOSPC, "DMA pool of 0x%" PRIx64 "-byte buffers: all %" PRIu64
			      " chunks (max_chunks) are in use", p->buf_size, p->max_chunks);
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (c) {
		c->stack = malloc(p->per_chunk * sizeof(*c->stack));
		c->taken = calloc((p->per_chunk + 63) / 64, sizeof(*c->taken));
	}
	if (!c || !c->stack || !c->taken) {
		rc = ctx_fail(dma->ctx, ENOMEM, "DMA pool: out of memory");
		goto out_free;
	}
	if (p->nchunks == p->cap) {
		/* not realloc(): a free may be reading the array meanwhile */
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct pool_chunk **old;

		chunks = malloc(cap * sizeof(*chunks));
		if (!chunks) {
			rc = ctx_fail(dma->ctx, ENOMEM, "DMA pool: out of memory");
			goto out_free;
		}
		spin_lock(&p->lock);
		if (p->nchunks)
			memcpy(chunks, p->chunks, p->nchunks * sizeof(*chunks));
		old = p->chunks;
		p->chunks = chunks;
		p->cap = cap;
		spin_unlock(&p->lock);
		free(old);
	}
	/* each buffer aligned to its size, in memory and in IOVA (dma.h) */
	rc = buffer_alloc(dma, p->chunk_size, p->flags, p->buf_size, &c->buf);
	if (rc < 0)
		goto out_free;
	c->base = (uintptr_t)iommufd_dma_mem_get_vaddr(c->buf);
	c->iova = iommufd_dma_mem_get_iova(c->buf);
	for (uint32_t j = 0; j < p->per_chunk; j++)
		c->stack[j] = p->per_chunk - 1 - j; /* lowest address first */
	c->nfree = p->per_chunk;
	spin_lock(&p->lock);
	for (i = p->nchunks; i > 0 && p->chunks[i - 1]->base > c->base; i--)
		p->chunks[i] = p->chunks[i - 1];
	p->chunks[i] = c;
	p->nchunks++;
	avail_push(p, c);
	p->nempty++;
	spin_unlock(&p->lock);
out_ok:
	rc = 0;
	goto out;
out_free:
	if (c)
		chunk_free(c);
out:
	pthread_mutex_unlock(&p->grow_lock);
	return rc;
}

/*
 * Give back a chunk that pool_free() found wholly free while another one
 * was, and took off the avail list (so no allocation reaches it; a free of
 * one of its buffers finds it free already). Under grow_lock, so that the
 * chunk array does not change and no new chunk can get its address before
 * it leaves the array. If the unmap fails, the chunk goes back on the avail
 * list, usable.
 */
static void pool_give_back(struct iommufd_dma_pool *p, struct pool_chunk *c)
{
	int err = errno, rc;

	pthread_mutex_lock(&p->grow_lock);
	rc = iommufd_dma_mem_free(c->buf);
	spin_lock(&p->lock);
	if (rc < 0) {
		avail_push(p, c);
		p->nempty++;
	} else {
		size_t i = chunks_upto(p, c->base) - 1;

		memmove(&p->chunks[i], &p->chunks[i + 1], (p->nchunks - i - 1) * sizeof(*p->chunks));
		p->nchunks--;
	}
	spin_unlock(&p->lock);
	pthread_mutex_unlock(&p->grow_lock);
	if (rc < 0)
		ctx_log(p->dma->ctx, LOG_WARNING,
			"DMA pool of 0x%" PRIx64 "-byte buffers: giving back a free chunk at %p failed (%s); it stays in the pool",
			p->buf_size, (void *)c->base, strerror(-rc));
	else
		chunk_free(c);
	errno = err; /* the free succeeded */
}

int iommufd_dma_pool_alloc(struct iommufd_dma_pool *p, void **vaddr, uint64_t *iova)
{
	struct pool_chunk *c;
	uint32_t idx;
	int rc;

	if (!p)
		return error_null(__func__, "p");
	if (!vaddr)
		return ctx_fail_null(p->dma->ctx, __func__, "vaddr");
	for (;;) {
		spin_lock(&p->lock);
		c = p->avail;
		if (c)
			break;
		spin_unlock(&p->lock);
		rc = pool_grow(p);
		if (rc < 0)
			return rc;
	}
	if (c->nfree == p->per_chunk)
		p->nempty--;
	idx = c->stack[--c->nfree];
	c->taken[idx / 64] |= 1ull << (idx % 64);
	if (!c->nfree)
		avail_remove(p, c);
	spin_unlock(&p->lock);
	*vaddr = (void *)(c->base + ((uintptr_t)idx << p->shift));
	if (iova)
		*iova = c->iova + ((uint64_t)idx << p->shift);
	return 0;
}

int iommufd_dma_pool_free(struct iommufd_dma_pool *p, void *vaddr)
{
	uintptr_t v = (uintptr_t)vaddr;
	struct pool_chunk *c = NULL, *give_back = NULL;
	uint32_t idx;
	size_t n;

	if (!p)
		return error_null(__func__, "p");
	spin_lock(&p->lock);
	n = chunks_upto(p, v);
	if (n)
		c = p->chunks[n - 1]; /* the last chunk with base <= v */
	if (!c || v - c->base >= p->chunk_size || (v & (p->buf_size - 1)))
		goto bad;
	idx = (uint32_t)((v - c->base) >> p->shift);
	if (!(c->taken[idx / 64] & (1ull << (idx % 64))))
		goto bad;
	c->taken[idx / 64] &= ~(1ull << (idx % 64));
	c->stack[c->nfree++] = idx;
	if (c->nfree == 1)
		avail_push(p, c);
	if (c->nfree == p->per_chunk) {
		/* keep one wholly free chunk, give back a second */
		if (p->nempty) {
			avail_remove(p, c);
			give_back = c;
		} else {
			p->nempty++;
		}
	}
	spin_unlock(&p->lock);
	if (give_back)
		pool_give_back(p, give_back);
	return 0;
bad:
	spin_unlock(&p->lock);
	return ctx_fail(p->dma->ctx, EINVAL, "DMA pool free %p: %s", vaddr,
			c && v - c->base < p->chunk_size && !(v & (p->buf_size - 1))
				? "the buffer is free already (freed twice?)"
				: "not a buffer of this pool");
}

int iommufd_dma_pool_destroy(struct iommufd_dma_pool *p)
{
	struct iommufd_dma *dma;
	int rc;

	if (!p)
		return 0;
	dma = p->dma;
	while (p->nchunks) {
		struct pool_chunk *c = p->chunks[p->nchunks - 1];

		rc = iommufd_dma_mem_free(c->buf);
		if (rc < 0) {
			avail_rebuild(p); /* keep what is left usable */
			return rc;
		}
		chunk_free(c);
		p->nchunks--;
	}
	free(p->chunks);
	pthread_mutex_destroy(&p->grow_lock);
	free(p);
	pthread_mutex_lock(&dma->lock);
	dma->users--;
	pthread_mutex_unlock(&dma->lock);
	return 0;
}
