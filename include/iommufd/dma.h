/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file dma.h
 * @brief DMA memory for userspace drivers: an IOVA allocator over an IOAS,
 *        lock-free vaddr <-> IOVA translation, DMA memory blocks and pools.
 *
 * A DMA context (struct iommufd_dma) owns the mappings it makes in one IOAS.
 * It allocates their IOVAs inside the IOAS's usable ranges, maps them
 * (IOMMU_IOAS_MAP at a fixed IOVA) and registers each one, so that the hot
 * path of a driver can translate an address with iommufd_dma_translate():
 * no lock, no system call, a few cache lines read, safe against a
 * concurrent unmap.
 *
 * Mapping memory costs a system call and, with a device attached, pinning
 * and an IOTLB flush: tens of microseconds for 4 KiB. Large buffers come
 * from iommufd_dma_mem_alloc() (hugepage-backed when they are 2 MiB or
 * more); small ones from a pool (iommufd_dma_pool_new()), which maps
 * hugepage-backed chunks once and hands out pieces without system calls
 * (and gives back chunks that are no longer used).
 *
 * @par Thread safety
 * Translations (iommufd_dma_translate(), iommufd_dma_translate_iova()) take
 * no lock and may run in any number of threads, concurrently with every
 * other call on the context except iommufd_dma_destroy(). Maps, unmaps,
 * IOVA allocator calls, buffer allocation and freeing and
 * iommufd_dma_refresh_ranges() serialise on the context's lock and may be
 * called from any thread. Pool allocation and freeing may run concurrently
 * from any threads (a spin lock; growing the pool takes a mutex);
 * iommufd_dma_pool_destroy() must not run concurrently with calls on the
 * pool, nor iommufd_dma_mem_free() with calls on the buffer.
 * iommufd_dma_destroy() must not run concurrently with any call on the
 * context, its buffers, its pools or its IOAS; nor may iommufd_dma_new()
 * run concurrently with calls on the IOAS (ioas.h).
 *
 * @par Signal handlers
 * A thread's first translation sets up its reader slot: it may allocate
 * memory and runs pthread_once(), neither of which is async-signal-safe.
 * A thread that may translate in a signal handler calls
 * iommufd_dma_thread_register() first (outside the handler); its
 * translations are then async-signal-safe, including one that interrupts
 * another translation of the same thread.
 *
 * @par System calls
 * All ioctls on the context's descriptor. iommufd_dma_new() and
 * iommufd_dma_refresh_ranges(): IOMMU_IOAS_IOVA_RANGES. Maps, IOVA
 * allocations and buffer allocations re-read the ranges the same way after
 * an attach, replace or detach in the context changed them (no other
 * implicit call). iommufd_dma_map(): IOMMU_IOAS_MAP (on ENOMEM the
 * explanation adds prlimit64 for RLIMIT_MEMLOCK). iommufd_dma_unmap(),
 * iommufd_dma_destroy(): IOMMU_IOAS_UNMAP. Buffers and pool growth: mmap
 * (anonymous), or memfd_create, ftruncate and mmap for hugepage-backed
 * memory, madvise, then IOMMU_IOAS_MAP; freeing: IOMMU_IOAS_UNMAP, munmap,
 * close. Translations, IOVA allocator calls and pool allocations from a
 * chunk with room: none.
 */
#ifndef IOMMUFD_DMA_H
#define IOMMUFD_DMA_H

#include <iommufd/common.h>
#include <iommufd/ctx.h>
#include <iommufd/ioas.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque DMA context of one IOAS. @since 0.1 */
struct iommufd_dma;
/** Opaque block of DMA memory: allocated, mapped and registered (not a
 *  dma-buf: for those see iommufd_device_export_dmabuf()). @since 0.1 */
struct iommufd_dma_mem;
/** Opaque pool of small DMA memory blocks of one size. @since 0.1 */
struct iommufd_dma_pool;

/**
 * Flags of iommufd_dma_map(), iommufd_dma_mem_opts::flags and
 * iommufd_dma_pool_opts::flags, combined with the IOMMUFD_MAP_* flags
 * (READ, WRITE, FIXED_IOVA). Buffers and pools default to READ | WRITE.
 * @since 0.1
 */
enum iommufd_dma_flags {
	/** Map at an IOVA equal to the virtual address (identity); fails with
	 * -EINVAL when that IOVA is outside the usable ranges. */
	IOMMUFD_DMA_IDENTITY = 1 << 8,
	/** Buffers and pools: use 4 KiB pages even for 2 MiB and more. */
	IOMMUFD_DMA_SMALL_PAGES = 1 << 9,
};

/**
 * Options of iommufd_dma_new(). Declare with IOMMUFD_OPTS().
 * @since 0.1
 */
struct iommufd_dma_opts {
	size_t sz;         /**< sizeof(struct iommufd_dma_opts) */
	/** Lowest IOVA the context uses (allocations, fixed and identity
	 * mappings); 0 means 1 MiB, which keeps IOVA 0 and its neighbourhood
	 * out of reach of stray DMA. */
	uint64_t iova_min;
	/** Highest IOVA the context uses, e.g. 0xffffffff for a device that
	 * addresses 32 bits; 0 means no limit beyond the IOAS's ranges. */
	uint64_t iova_max;
};

/**
 * Create a DMA context for @p ioas, reading its usable IOVA ranges. One
 * context per IOAS. The IOAS cannot be destroyed, and its mappings made
 * through the context cannot be unmapped with iommufd_ioas_unmap(), while
 * the context exists.
 * @param ioas the IOAS
 * @param opts options, or NULL
 * @param[out] dma the context; untouched on failure
 * @return 0, -EBUSY (the IOAS already has one), -ENOSPC (no usable IOVA
 *         between iova_min and iova_max), -E2BIG, -ENOMEM or the errno of
 *         IOMMU_IOAS_IOVA_RANGES
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_new(struct iommufd_ioas *ioas, const struct iommufd_dma_opts *opts,
				struct iommufd_dma **dma);

/**
 * Unmap every mapping the context made, and free it. Refused with -EBUSY
 * while buffers or pools of the context exist. No translation may be in
 * progress on the context.
 * @param dma the context, or NULL (returns 0)
 * @return 0 or -EBUSY; if the kernel refuses an unmap the context is freed
 *         anyway and iommufd_ctx_last_error() says which range stayed mapped
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_destroy(struct iommufd_dma *dma);

/**
 * Read the IOAS's usable IOVA ranges again. Attaches, replaces and detaches
 * made through this library do this automatically at the next allocation;
 * call it after changes made by other means (raw ioctls, another process).
 * Free space outside the new ranges goes. What is allocated, reserved or
 * mapped stays taken, also where it falls outside the new ranges: it can
 * be freed or unmapped there, and if a later change brings that space back,
 * it is not handed out again until it is.
 * @param dma the context
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_refresh_ranges(struct iommufd_dma *dma);

/**
 * Allocate @p len bytes of IOVA space, without mapping anything (for
 * callers that map with their own ioctls). The lowest free address that
 * fits is chosen, in O(log n) for n free extents, when @p align is at most
 * the IOAS's IOVA alignment or is 64 KiB, 2 MiB or 1 GiB. Another
 * alignment looks at the first four free extents that could hold it and
 * takes the lowest where it fits, else the lowest extent where it is sure
 * to fit (with room for the worst misalignment, or where it fits at the
 * next larger of those alignments). It can then fail with -ENOSPC although
 * an extent exists where it would fit only thanks to where that extent
 * starts. Still O(log n).
 * @param dma the context
 * @param len bytes; a multiple of the IOAS's IOVA alignment
 * @param align alignment of the result, a power of two; 0 means the IOAS's
 *        IOVA alignment
 * @param[out] iova the start; untouched on failure
 * @return 0, -EINVAL, -ENOSPC (no free space fits) or -ENOMEM
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_iova_alloc(struct iommufd_dma *dma, uint64_t len, uint64_t align,
				       uint64_t *iova);

/**
 * Reserve exactly [iova, iova + len) so that no allocation takes it.
 * @param dma the context
 * @param iova start; aligned to the IOAS's IOVA alignment
 * @param len bytes
 * @return 0, -EEXIST (part of it is allocated or mapped), -EINVAL (part of
 *         it is outside the usable ranges or misaligned), -ENOMEM
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_iova_reserve(struct iommufd_dma *dma, uint64_t iova, uint64_t len);

/**
 * Give back IOVA space from iommufd_dma_iova_alloc() or
 * iommufd_dma_iova_reserve() (a part of one is fine).
 * @param dma the context
 * @param iova start
 * @param len bytes
 * @return 0, -ENOENT (part of it is not allocated), -EBUSY (part of it is
 *         mapped by iommufd_dma_map()), -EINVAL
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_iova_free(struct iommufd_dma *dma, uint64_t iova, uint64_t len);

/**
 * Map @p len bytes at @p vaddr for DMA and register the translation. The
 * IOVA comes from the allocator (aligned to 2 MiB or 1 GiB when the buffer
 * is that large and so aligned, so the IOMMU can use large pages), or is
 * *iova with IOMMUFD_MAP_FIXED_IOVA, or equals @p vaddr with
 * IOMMUFD_DMA_IDENTITY. The request is all or nothing: if any step fails
 * (the allocator, the kernel's map, memory for the registry) every earlier
 * step is undone.
 * @param dma the context
 * @param vaddr start; page aligned
 * @param len bytes, not 0; a multiple of the page size and of the IOAS's
 *        IOVA alignment (larger than a page when the IOMMU's smallest page
 *        is; -EINVAL before the kernel is asked otherwise)
 * @param[in,out] iova the IOVA: set on success, read with
 *        IOMMUFD_MAP_FIXED_IOVA; untouched on failure
 * @param flags IOMMUFD_MAP_READ and/or IOMMUFD_MAP_WRITE, optionally
 *        IOMMUFD_MAP_FIXED_IOVA or IOMMUFD_DMA_IDENTITY
 * @return 0, or -EEXIST (the virtual range overlaps a registered mapping,
 *         or the fixed IOVA range is in use), -EINVAL, -ENOSPC (no free
 *         IOVA space), -ENOMEM (also RLIMIT_MEMLOCK), -EFAULT, -EPERM, or
 *         another errno of IOMMU_IOAS_MAP
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_map(struct iommufd_dma *dma, void *vaddr, uint64_t len, uint64_t *iova,
				uint32_t flags);

/**
 * Unmap the mapping that starts at @p vaddr, remove its translation and
 * give its IOVA back. Lookups racing the unmap see the old translation or
 * none, and never freed memory. The mapping stays whole if anything fails.
 * @param dma the context
 * @param vaddr the start of a mapping made with iommufd_dma_map()
 * @return 0, -ENOENT (no mapping starts there), -ENOMEM, or an errno of
 *         IOMMU_IOAS_UNMAP
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_unmap(struct iommufd_dma *dma, void *vaddr);

/**
 * Set up the calling thread's reader slot for translations now, rather
 * than at its first translation, which may allocate and is therefore not
 * async-signal-safe. Once this returned 0, the thread's translations (in
 * signal handlers too) allocate nothing and take no lock. Calling it again
 * does nothing. Needed by no other call; the slot is given back when the
 * thread exits. Not async-signal-safe itself.
 * @return 0, or -ENOMEM (no memory for the slot: translations still work,
 *         through a slower path that holds back freeing replaced nodes);
 *         iommufd_last_error() explains a failure
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_thread_register(void);

/**
 * Translate a virtual address to its IOVA: the hot path. Takes no lock and
 * makes no system call; any number of threads may translate while another
 * maps and unmaps. With 64 mappings or more, a table indexed by address
 * granule (4 to 8 bytes per mapping) names the index leaf to search, so a
 * translation usually reads one table slot and one leaf whatever the
 * number of mappings; otherwise, and for addresses the table does not
 * resolve, O(log n). Records no error message (it only sets errno), and
 * does not check its pointers. A thread's first translation may allocate
 * (see iommufd_dma_thread_register() for signal handlers).
 * @param dma the context (not being destroyed)
 * @param vaddr any address inside a mapping
 * @param[out] iova the IOVA of @p vaddr; untouched on failure
 * @param[out] remaining bytes from @p vaddr to the end of its mapping, or NULL
 * @return 0, or -ENOENT when @p vaddr is not mapped
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_translate(struct iommufd_dma *dma, const void *vaddr, uint64_t *iova,
				      uint64_t *remaining);

/**
 * Translate an IOVA back to the virtual address it maps (e.g. for a
 * completion that carries an IOVA). Lock-free like iommufd_dma_translate(),
 * O(log n) (this direction keeps no granule table).
 * @param dma the context
 * @param iova any IOVA inside a mapping
 * @param[out] vaddr its virtual address; untouched on failure
 * @param[out] remaining bytes from @p iova to the end of its mapping, or NULL
 * @return 0, or -ENOENT when @p iova is not mapped by this context
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_translate_iova(struct iommufd_dma *dma, uint64_t iova, void **vaddr,
					   uint64_t *remaining);

/**
 * Options of iommufd_dma_mem_alloc(). Declare with IOMMUFD_OPTS().
 * @since 0.1
 */
struct iommufd_dma_mem_opts {
	size_t sz;      /**< sizeof(struct iommufd_dma_mem_opts) */
	/** IOMMUFD_MAP_READ/WRITE (default both), IOMMUFD_DMA_IDENTITY,
	 * IOMMUFD_DMA_SMALL_PAGES */
	uint64_t flags;
};

/**
 * Allocate zeroed memory, map it and register it, in one call. A buffer of
 * 2 MiB or more is backed by hugepages: a memfd with MFD_HUGETLB, or, when
 * the system has no free hugepages, anonymous memory aligned to 2 MiB and
 * advised for transparent hugepages (the library aligns it itself: it does
 * not rely on the kernel placing large anonymous mappings). Such a buffer's
 * address and IOVA are multiples of 2 MiB. Smaller buffers use 4 KiB pages;
 * use a pool for many small ones.
 * @param dma the context
 * @param size bytes; rounded up to the page size (2 MiB for hugepages) and
 *        to the IOAS's IOVA alignment
 * @param opts options, or NULL
 * @param[out] buf the buffer; untouched on failure
 * @return 0 or a negative errno (as iommufd_dma_map(), or of the
 *         memory allocation)
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_mem_alloc(struct iommufd_dma *dma, uint64_t size,
				      const struct iommufd_dma_mem_opts *opts,
				      struct iommufd_dma_mem **buf);

/**
 * Unmap and free a buffer.
 * @param buf the buffer, or NULL (returns 0)
 * @return 0, or the errno of the unmap (the buffer then stays valid)
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_mem_free(struct iommufd_dma_mem *buf);

/**
 * The buffer's memory.
 * @param buf the buffer, or NULL
 * @return its virtual address; NULL for NULL
 * @since 0.1
 */
IOMMUFD_API void *iommufd_dma_mem_get_vaddr(const struct iommufd_dma_mem *buf);

/**
 * The buffer's IOVA, to program into the device.
 * @param buf the buffer, or NULL
 * @return its IOVA; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint64_t iommufd_dma_mem_get_iova(const struct iommufd_dma_mem *buf);

/**
 * The buffer's size after rounding.
 * @param buf the buffer, or NULL
 * @return bytes; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint64_t iommufd_dma_mem_get_size(const struct iommufd_dma_mem *buf);

/**
 * Options of iommufd_dma_pool_new(). Declare with IOMMUFD_OPTS().
 * @since 0.1
 */
struct iommufd_dma_pool_opts {
	size_t sz;           /**< sizeof(struct iommufd_dma_pool_opts) */
	/** Bytes per buffer, a power of two from 64 to the chunk size;
	 * 0 means 4096. Buffers are aligned to their size, both their
	 * address and their IOVA (with IOMMUFD_DMA_IDENTITY the IOVA is the
	 * address), with small pages too; chunks of buffers larger than
	 * 2 MiB use transparent hugepages, hugetlb mappings being aligned to
	 * 2 MiB only. */
	uint64_t buf_size;
	/** Bytes mapped at a time when the pool grows, a multiple of 2 MiB;
	 * 0 means 2 MiB. */
	uint64_t chunk_size;
	/** IOMMUFD_MAP_READ/WRITE (default both), IOMMUFD_DMA_IDENTITY,
	 * IOMMUFD_DMA_SMALL_PAGES */
	uint64_t flags;
	/** Grow to at most this many chunks (then -ENOSPC); 0: no limit */
	uint64_t max_chunks;
};

/**
 * Create a pool of small DMA memory blocks. Chunks of memory are allocated,
 * mapped and registered as the pool grows; buffers are handed out from
 * them without system calls. The pool also shrinks: it keeps at most one
 * chunk whose buffers are all free, and gives back (unmaps, unregisters
 * and frees) a chunk that becomes wholly free while another one is. So
 * allocating and freeing around a chunk boundary maps a chunk once instead
 * of each time, and a pool that emptied holds one chunk. Safe to use from
 * several threads.
 * @param dma the context
 * @param opts options, or NULL
 * @param[out] pool the pool; untouched on failure
 * @return 0, -EINVAL, -E2BIG or -ENOMEM
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_pool_new(struct iommufd_dma *dma, const struct iommufd_dma_pool_opts *opts,
				     struct iommufd_dma_pool **pool);

/**
 * Take a buffer from the pool, mapping a new chunk if it is empty. The
 * memory is not cleared.
 * @param pool the pool
 * @param[out] vaddr the buffer; untouched on failure
 * @param[out] iova its IOVA, or NULL; untouched on failure
 * @return 0, -ENOSPC (max_chunks reached), or an errno of
 *         iommufd_dma_mem_alloc()
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_pool_alloc(struct iommufd_dma_pool *pool, void **vaddr, uint64_t *iova);

/**
 * Return a buffer to its pool. Makes no system call, unless the buffer was
 * the last one taken of its chunk and another chunk of the pool is wholly
 * free: then this chunk is given back (IOMMU_IOAS_UNMAP, munmap), which
 * waits for a concurrent growth of the pool. If the kernel refuses the
 * unmap, the chunk stays in the pool and usable, the free still succeeds,
 * and the reason is logged (LOG_WARNING) and left in
 * iommufd_ctx_last_error().
 * @param pool the pool
 * @param vaddr a buffer from iommufd_dma_pool_alloc() of this pool
 * @return 0, or -EINVAL (not a buffer of this pool, or already free)
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_pool_free(struct iommufd_dma_pool *pool, void *vaddr);

/**
 * Unmap and free every chunk of the pool, and the pool. Buffers still
 * taken become invalid.
 * @param pool the pool, or NULL (returns 0)
 * @return 0, or the errno of an unmap (the pool then stays valid)
 * @since 0.1
 */
IOMMUFD_API int iommufd_dma_pool_destroy(struct iommufd_dma_pool *pool);

#ifdef __cplusplus
}
#endif
#endif
