// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Whole-flow fault injection (issue 16). Each flow is the sequence of
 * library calls of an example (examples/edu-dma.c, nvme-identify.c,
 * fault-loop.c, migrate-dirty.c; the selftest mock's device is the fake
 * kernel's VFIO device here) or of the kernel tier's main path (context,
 * IOAS, device, maps, DMA helpers and pools, HWPT and dirty tracking,
 * fault queue, vIOMMU, teardown), and of the calls around them (device
 * info, sparse regions, interrupts, resets, the IOAS's other calls, a
 * vhost-vdpa device's address spaces), run over the fake kernel:
 *
 *  - once clean, counting the system calls it makes (fake_trace_*());
 *  - for every N, with the N-th system call failing, once per errno that
 *    call's kind documents;
 *  - for every N, with the N-th allocation (malloc, calloc, realloc,
 *    strdup, aligned_alloc of the library: -Wl,--wrap) failing;
 *  - for every N, with every allocation from the N-th on failing
 *    ("sticky" out of memory), teardown included.
 *
 * After a failed step: the call returned -errno and set errno, and
 * recorded an explanation of its own. In the one-shot modes the same call
 * is made again and must succeed (no state the next call trips over), and
 * the flow goes on with every handle; in the sticky mode the flow tears
 * down at once, still without memory, and a teardown call that fails is
 * retried with memory back (its handle stayed valid). After every run:
 * the fake kernel holds nothing (descriptors, IOASes, objects, mappings,
 * memory), the process has as many descriptors as before, and before the
 * IOAS goes the IOVA allocator and the IOAS were empty. The number of
 * injected runs is printed as "# injected runs: N".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "check.h"
#include "base/error.h"
#include "base/uapi.h"
#include "fake-kernel.h"

/* ---- the library's allocations, failing on demand ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__real_aligned_alloc(size_t align, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
void *__wrap_aligned_alloc(size_t align, size_t n);

struct alloc_state {
	bool armed;          /* count (and fail) allocations */
	bool sticky;         /* fail every one from fail_at on */
	unsigned long n, fail_at;
};
static struct alloc_state A;

static bool alloc_fails(void)
{
	if (!A.armed)
		return false;
	A.n++;
	return A.fail_at && (A.sticky ? A.n >= A.fail_at : A.n == A.fail_at);
}

void *__wrap_malloc(size_t n)
{
	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strdup(s);
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_aligned_alloc(align, n);
}

/* ---- one run of a flow ---- */

enum mode { CLEAN, SYSCALL, ALLOC_ONE, ALLOC_STICKY };

struct run {
	enum mode mode;
	struct iommufd_ctx *ctx; /* the flow's, once it has one */
	int failures;            /* steps that failed */
	int bad;                 /* findings */
	bool munmap_failed;      /* the injected call was a munmap: its memory stays */
	char first[256];         /* the first finding */
};

static struct run *R;

#define HOST_MARK "fault-inject: no explanation yet"

static void finding(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void finding(const char *fmt, ...)
{
	va_list ap;

	if (!R->bad++) {
		va_start(ap, fmt);
		vsnprintf(R->first, sizeof(R->first), fmt, ap);
		va_end(ap);
	}
}

/* A step failed with rc: errno and an explanation of its own. */
static void failed(const char *what, long rc, int err, const char *ctx_before, const char *host_before)
{
	const char *now_ctx = R->ctx ? iommufd_ctx_last_error(R->ctx) : "";
	const char *now_host = iommufd_last_error();

	R->failures++;
	if (R->mode == CLEAN)
		finding("%s failed in the clean run: %ld: %s%s", what, rc, now_ctx, now_host);
	if (rc >= -4095 && err != -rc)
		finding("%s: returned %ld but errno is %d", what, rc, err);
	if (!strcmp(now_ctx, ctx_before) && !strcmp(now_host, host_before))
		finding("%s: failed with %ld and explained nothing (still \"%s\")", what, rc,
			now_ctx[0] ? now_ctx : now_host);
}

static bool step(const char *what, long rc, int err, const char *cb, const char *hb, bool *retry)
{
	*retry = false;
	if (rc >= 0)
		return true;
	failed(what, rc, err, cb, hb);
	if (R->mode == ALLOC_STICKY)
		return false;
	*retry = true;
	return false;
}

/* Put a marker in both stores of explanations (the context's and the
 * thread's), so that a call that fails for the reason the previous one did
 * still has to record it: a failure that makes no system call and no
 * allocation. */
static void mark_stores(void)
{
	if (R->ctx)
		iommufd_ctx_set_rlimit_mode(R->ctx, (enum iommufd_rlimit_mode)99);
	error_fail(EINVAL, HOST_MARK);
}

/* Mark the stores of explanations, make the call; on failure check it and (one-shot
 * modes) make it again: it must succeed. Evaluates to whether the flow goes on. */
#define TRY(call)                                                                          \
	__extension__({                                                                    \
		char cb_[512], hb_[512];                                                   \
		bool retry_, ok_;                                                          \
		mark_stores();                                                             \
		snprintf(cb_, sizeof(cb_), "%s", R->ctx ? iommufd_ctx_last_error(R->ctx) : ""); \
		snprintf(hb_, sizeof(hb_), "%s", iommufd_last_error());                    \
		errno = 0;                                                                 \
		long rc_ = (long)(call);                                                   \
		ok_ = step(#call, rc_, errno, cb_, hb_, &retry_);                          \
		if (retry_) {                                                              \
			rc_ = (long)(call);                                                \
			ok_ = rc_ >= 0;                                                    \
			if (!ok_)                                                          \
				finding("%s: failed again when nothing was injected: %ld: %s", \
					#call, rc_, R->ctx ? iommufd_ctx_last_error(R->ctx) : ""); \
		}                                                                          \
		ok_;                                                                       \
	})

/* A teardown call: it must end with the object gone. Under sticky OOM a
 * failure is retried with memory back (its handle stayed valid); a strict
 * one (DROP0: destroys, detaches, unmaps of the IOAS, turning interrupts
 * off) must not need memory at all. The DMA helpers' unmaps and frees may
 * (dma.h documents -ENOMEM: the translation trees copy the nodes they
 * change, for the readers that take no lock). */
#define DROP(call) DROP_(call, false)
#define DROP0(call) DROP_(call, true)
#define DROP_(call, strict_)                                                               \
	do {                                                                               \
		char cb_[512], hb_[512];                                                   \
		bool retry_;                                                               \
		mark_stores();                                                             \
		snprintf(cb_, sizeof(cb_), "%s", R->ctx ? iommufd_ctx_last_error(R->ctx) : ""); \
		snprintf(hb_, sizeof(hb_), "%s", iommufd_last_error());                    \
		errno = 0;                                                                 \
		long rc_ = (long)(call);                                                   \
		if (!step(#call, rc_, errno, cb_, hb_, &retry_)) {                         \
			bool was_ = A.armed;                                               \
			if (R->mode == ALLOC_STICKY && strict_)                            \
				finding("teardown %s needs memory: %ld", #call, rc_);      \
			A.armed = false;                                                   \
			rc_ = (long)(call);                                                \
			A.armed = was_;                                                    \
			if (rc_ < 0)                                                       \
				finding("teardown %s: failed again when nothing was injected: %ld", \
					#call, rc_);                                       \
		}                                                                          \
	} while (0)

/* The IOAS holds no mapping and the allocator gives back all of [1 MiB, 4 GiB)
 * (the usable part of the fake kernel's one range): nothing of the flow's IOVA space stays taken. */
static void iova_space_empty(struct iommufd_dma *dma, const char *where)
{
	bool was = A.armed;
	int rc;

	A.armed = false;
	fake_trace_pause(true);
	if (fake_mapping_count())
		finding("%s: %d mappings stay in the IOAS", where, fake_mapping_count());
	if (dma) {
		rc = iommufd_dma_iova_reserve(dma, 0x100000, (1ull << 32) - 0x100000);
		if (rc < 0)
			finding("%s: the IOVA allocator still holds space: %s", where, iommufd_ctx_last_error(R->ctx));
		else if (iommufd_dma_iova_free(dma, 0x100000, (1ull << 32) - 0x100000) < 0)
			finding("%s: cannot give back the whole space", where);
	}
	fake_trace_pause(false);
	A.armed = was;
}

/* The flows are iommufd's: with the automatic choice, an injected ENOENT
 * on /dev/iommu would carry the flow over to the legacy backend, whose
 * record and ranges the checks here do not model (tests/unit/test-legacy.c
 * covers that backend's failures). */
static int new_ctx(struct iommufd_ctx **ctx)
{
	IOMMUFD_OPTS(iommufd_ctx_opts, o, .backend = IOMMUFD_BACKEND_IOMMUFD);
	int rc = iommufd_ctx_new_with_ops_(&o, &fake_sys, ctx);

	R->ctx = rc == 0 ? *ctx : NULL;
	return rc;
}

static void drop_ctx(struct iommufd_ctx *ctx)
{
	R->ctx = NULL;
	if (iommufd_ctx_unref(ctx))
		finding("the last iommufd_ctx_unref() did not return NULL");
}

static char page[8][4096] __attribute__((aligned(4096)));

/* examples/edu-dma.c: open the device, attach, read its ID, map a buffer,
 * program the DMA engine through BAR0, unmap, close. */
static void flow_edu(void)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_region_info ri = { .sz = sizeof(ri) };
	uint64_t iova = 0;
	uint32_t id = 0;
	void *bar = NULL;
	bool mapped = false;

	if (!TRY(new_ctx(&ctx)))
		return;
	if (!TRY(iommufd_ioas_new(ctx, NULL, &ioas)))
		goto out;
	if (!TRY(iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev)))
		goto out;
	if (!TRY(iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL)))
		goto out;
	if (!TRY(iommufd_device_region_read(dev, 0, 0, &id, sizeof(id))))
		goto out;
	if (!TRY(iommufd_device_region_write(dev, 0, 4, &id, sizeof(id))))
		goto out;
	if (!TRY(iommufd_device_get_region_info(dev, 0, &ri)))
		goto out;
	if (!TRY(iommufd_device_mmap_region(dev, 0, 0, 4096, PROT_READ | PROT_WRITE, &bar)))
		goto out;
	if (!TRY(iommufd_ioas_map(ioas, page[0], 4096, &iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)))
		goto out;
	mapped = true;
	if (!TRY(iommufd_ioas_unmap(ioas, iova, 4096, NULL)))
		goto out;
	mapped = false;
out:
	if (mapped)
		DROP0(iommufd_ioas_unmap(ioas, iova, 4096, NULL));
	if (bar)
		DROP0(iommufd_device_munmap_region(dev, bar, 4096));
	iova_space_empty(NULL, "edu");
	iommufd_device_close(dev);
	if (ioas)
		DROP0(iommufd_ioas_destroy(ioas));
	drop_ctx(ctx);
}

/* examples/nvme-identify.c: DMA helpers, a pool for queues, a buffer,
 * MSI-X eventfds, translations, then all of it undone. */
static void flow_nvme(void)
{
	IOMMUFD_OPTS(iommufd_dma_pool_opts, po, .buf_size = 4096);
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_dma *dma = NULL;
	struct iommufd_dma_pool *pool = NULL;
	struct iommufd_dma_mem *buf = NULL;
	struct iommufd_region_info ri = { .sz = sizeof(ri) };
	void *bar = NULL, *sq = NULL;
	uint64_t sq_iova = 0, iova = 0, rem = 0;
	uint32_t cap = 0;
	int fds[1] = { -1 };
	bool irq = false;

	if (!TRY(new_ctx(&ctx)))
		return;
	if (!TRY(iommufd_ioas_new(ctx, NULL, &ioas)))
		goto out;
	if (!TRY(iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev)))
		goto out;
	if (!TRY(iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL)))
		goto out;
	if (!TRY(iommufd_dma_new(ioas, NULL, &dma)))
		goto out;
	if (!TRY(iommufd_device_region_read(dev, 0, 0, &cap, sizeof(cap))))
		goto out;
	if (!TRY(iommufd_device_region_write(dev, 0, 0x14, &cap, sizeof(cap))))
		goto out;
	if (!TRY(iommufd_device_get_region_info(dev, 0, &ri)))
		goto out;
	if (!TRY(iommufd_device_mmap_region(dev, 0, 0, 4096, PROT_READ | PROT_WRITE, &bar)))
		goto out;
	if (!TRY(iommufd_dma_pool_new(dma, &po, &pool)))
		goto out;
	if (!TRY(iommufd_dma_pool_alloc(pool, &sq, &sq_iova)))
		goto out;
	if (!TRY(iommufd_dma_mem_alloc(dma, 8192, NULL, &buf)))
		goto out;
	if (!TRY(iommufd_device_irq_eventfds_new(dev, IOMMUFD_PCI_MSIX_IRQ, 1, fds)))
		goto out;
	irq = true;
	if (!TRY(iommufd_dma_translate(dma, iommufd_dma_mem_get_vaddr(buf), &iova, &rem)))
		goto out;
	if (iova != iommufd_dma_mem_get_iova(buf))
		finding("nvme: the buffer translates to 0x%llx, not its IOVA 0x%llx", (unsigned long long)iova,
			(unsigned long long)iommufd_dma_mem_get_iova(buf));
	if (!TRY(iommufd_dma_translate(dma, sq, &iova, &rem)) || iova != sq_iova)
		goto out;
out:
	if (irq)
		DROP0(iommufd_device_disable_irq(dev, IOMMUFD_PCI_MSIX_IRQ));
	if (fds[0] >= 0)
		fake_sys.close(fds[0]);
	if (buf)
		DROP(iommufd_dma_mem_free(buf));
	if (sq)
		DROP(iommufd_dma_pool_free(pool, sq));
	if (pool)
		DROP(iommufd_dma_pool_destroy(pool));
	iova_space_empty(dma, "nvme");
	if (dma)
		DROP(iommufd_dma_destroy(dma));
	if (bar)
		DROP0(iommufd_device_munmap_region(dev, bar, 4096));
	iommufd_device_close(dev);
	if (ioas)
		DROP0(iommufd_ioas_destroy(ioas));
	drop_ctx(ctx);
}

/* examples/fault-loop.c: a fault queue, a nest parent and a nested HWPT
 * that reports to it; read a batch of faults, answer each; tear down. */
static void flow_fault(void)
{
	IOMMUFD_OPTS(iommufd_hwpt_opts, parent_opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_hwpt_data s1 = { .type = IOMMUFD_HWPT_DATA_SELFTEST };
	struct uapi_iommu_hwpt_pgfault raw[2] = {
		{ .dev_id = 1, .addr = 0x1000, .length = 4096, .cookie = 7 },
		{ .dev_id = 1, .addr = 0x2000, .length = 4096, .cookie = 8 },
	};
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_fault *fault = NULL;
	struct iommufd_hwpt *parent = NULL, *hwpt = NULL;
	struct iommufd_pgfault batch[8];
	size_t n = 0;

	if (!TRY(new_ctx(&ctx)))
		return;
	if (!iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_FAULT_QUEUE))
		goto out; /* as the example: a kernel without fault queues */
	if (!TRY(iommufd_ioas_new(ctx, NULL, &ioas)))
		goto out;
	if (!TRY(iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev)))
		goto out;
	if (!TRY(iommufd_fault_new(ctx, NULL, &fault)))
		goto out;
	if (!TRY(iommufd_hwpt_alloc(ctx, iommufd_device_get_id(dev), iommufd_ioas_get_id(ioas), &parent_opts,
				    &parent)))
		goto out;
	{
		IOMMUFD_OPTS(iommufd_hwpt_opts, o, .fault_id = iommufd_fault_get_id(fault));

		if (!TRY(iommufd_hwpt_alloc_nested(ctx, iommufd_device_get_id(dev), iommufd_hwpt_get_id(parent),
						   &s1, &o, &hwpt)))
			goto out;
	}
	if (!TRY(iommufd_device_attach(dev, iommufd_hwpt_get_id(hwpt), NULL, NULL)))
		goto out;
	fake_set_read_data(raw, sizeof(raw));
	if (!TRY((fake_set_read_data(raw, sizeof(raw)), iommufd_fault_read(fault, batch, 8, &n))))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!TRY(iommufd_fault_respond(fault, batch[i].cookie, IOMMUFD_FAULT_RESP_SUCCESS)))
			goto out;
	if (!TRY(iommufd_device_replace(dev, iommufd_ioas_get_id(ioas), NULL, NULL)))
		goto out;
out:
	fake_set_read_data(NULL, 0);
	if (hwpt) {
		iommufd_device_close(dev); /* the example's mock device goes before its HWPTs */
		dev = NULL;
		DROP0(iommufd_hwpt_destroy(hwpt));
	}
	if (parent)
		DROP0(iommufd_hwpt_destroy(parent));
	if (fault)
		DROP0(iommufd_fault_destroy(fault));
	iommufd_device_close(dev);
	if (ioas)
		DROP0(iommufd_ioas_destroy(ioas));
	drop_ctx(ctx);
}

static int count_runs(uint64_t iova, uint64_t length, void *data)
{
	(void)iova;
	(void)length;
	++*(int *)data;
	return 0;
}

/* examples/migrate-dirty.c: a dirty-tracking HWPT over guest RAM, rounds
 * of reading the dirty bitmap, tracking off, unmap all, tear down. */
static void flow_dirty(void)
{
	IOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *hwpt = NULL;
	uint64_t iova = 0x100000;
	bool mapped = false;
	int runs = 0;

	if (!TRY(new_ctx(&ctx)))
		return;
	if (!iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_DIRTY_TRACKING))
		goto out;
	if (!TRY(iommufd_ioas_new(ctx, NULL, &ioas)))
		goto out;
	if (!TRY(iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev)))
		goto out;
	if (!TRY(iommufd_hwpt_alloc(ctx, iommufd_device_get_id(dev), iommufd_ioas_get_id(ioas), &opts, &hwpt)))
		goto out;
	if (!TRY(iommufd_device_attach(dev, iommufd_hwpt_get_id(hwpt), NULL, NULL)))
		goto out;
	if (!TRY(iommufd_ioas_map(ioas, page, sizeof(page), &iova,
				  IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)))
		goto out;
	mapped = true;
	if (!TRY(iommufd_hwpt_set_dirty_tracking(hwpt, true)))
		goto out;
	for (int round = 0; round < 2; round++)
		if (!TRY(iommufd_hwpt_for_each_dirty(hwpt, 0x100000, sizeof(page), 4096, 0, count_runs, &runs)))
			goto out;
	if (!TRY(iommufd_hwpt_set_dirty_tracking(hwpt, false)))
		goto out;
	if (!TRY(iommufd_ioas_unmap_all(ioas, NULL)))
		goto out;
	mapped = false;
out:
	if (mapped)
		DROP0(iommufd_ioas_unmap_all(ioas, NULL));
	iova_space_empty(NULL, "dirty");
	iommufd_device_close(dev);
	if (hwpt)
		DROP0(iommufd_hwpt_destroy(hwpt));
	if (ioas)
		DROP0(iommufd_ioas_destroy(ioas));
	drop_ctx(ctx);
}

/* The kernel tier's main path: ctx -> IOAS -> device open and attach ->
 * IOAS maps, a copy, DMA helpers (IOVA allocation, maps, buffers, a pool)
 * -> a dirty-tracking HWPT and replace -> a fault queue -> vIOMMU with a
 * vDEVICE, a vEVENTQ and a HW queue -> teardown. */
static void flow_kernel_tier(void)
{
	IOMMUFD_OPTS(iommufd_hwpt_opts, parent_opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
	IOMMUFD_OPTS(iommufd_hwpt_opts, dirty_opts, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas = NULL, *ioas2 = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_dma *dma = NULL;
	struct iommufd_dma_pool *pool = NULL;
	struct iommufd_dma_mem *buf = NULL;
	struct iommufd_hwpt *dirty = NULL, *parent = NULL;
	struct iommufd_fault *fault = NULL;
	struct iommufd_viommu *viommu = NULL;
	struct iommufd_vdevice *vdev = NULL;
	struct iommufd_veventq *veventq = NULL;
	struct iommufd_hw_queue *hwq = NULL;
	struct iommufd_iova_range *ranges = NULL;
	size_t nranges = 0;
	uint64_t iova = 0, copy_iova = 0, alloc_iova = 0, dma_iova = 0, pool_iova = 0, bitmap[1] = { 0 };
	void *pb = NULL;
	bool mapped = false, copied = false, alloced = false, dmamapped = false;

	if (!TRY(new_ctx(&ctx)))
		return;
	if (!TRY(iommufd_ioas_new(ctx, NULL, &ioas)))
		goto out;
	if (!TRY(iommufd_ioas_new(ctx, NULL, &ioas2)))
		goto out;
	if (!TRY(iommufd_ioas_get_iova_ranges(ioas, &ranges, &nranges, NULL)))
		goto out;
	free(ranges);
	if (!TRY(iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev)))
		goto out;
	if (!TRY(iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL)))
		goto out;
	if (!TRY(iommufd_ioas_map(ioas, page[0], 2 * 4096, &iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)))
		goto out;
	mapped = true;
	if (!TRY(iommufd_ioas_copy(ioas2, &copy_iova, ioas, iova, 4096, IOMMUFD_MAP_READ)))
		goto out;
	copied = true;
	if (!TRY(iommufd_dma_new(ioas2, NULL, &dma)))
		goto out;
	if (!TRY(iommufd_dma_iova_alloc(dma, 0x10000, 0x10000, &alloc_iova)))
		goto out;
	alloced = true;
	if (!TRY(iommufd_dma_map(dma, page[4], 4096, &dma_iova, IOMMUFD_MAP_READ)))
		goto out;
	dmamapped = true;
	if (!TRY(iommufd_dma_mem_alloc(dma, 4096, NULL, &buf)))
		goto out;
	if (!TRY(iommufd_dma_pool_new(dma, NULL, &pool)))
		goto out;
	if (!TRY(iommufd_dma_pool_alloc(pool, &pb, &pool_iova)))
		goto out;
	if (!TRY(iommufd_hwpt_alloc(ctx, iommufd_device_get_id(dev), iommufd_ioas_get_id(ioas), &dirty_opts,
				    &dirty)))
		goto out;
	if (!TRY(iommufd_device_replace(dev, iommufd_hwpt_get_id(dirty), NULL, NULL)))
		goto out;
	if (!TRY(iommufd_hwpt_set_dirty_tracking(dirty, true)))
		goto out;
	if (!TRY(iommufd_hwpt_get_dirty_bitmap(dirty, iova, 2 * 4096, 4096, bitmap, 0)))
		goto out;
	if (!TRY(iommufd_device_replace(dev, iommufd_ioas_get_id(ioas), NULL, NULL)))
		goto out;
	if (!TRY(iommufd_fault_new(ctx, NULL, &fault)))
		goto out;
	if (!TRY(iommufd_hwpt_alloc(ctx, iommufd_device_get_id(dev), iommufd_ioas_get_id(ioas), &parent_opts,
				    &parent)))
		goto out;
	if (!TRY(iommufd_viommu_new(ctx, iommufd_device_get_id(dev), iommufd_hwpt_get_id(parent),
				    IOMMUFD_VIOMMU_SELFTEST, NULL, 0, NULL, &viommu)))
		goto out;
	if (!TRY(iommufd_vdevice_new(viommu, iommufd_device_get_id(dev), 0x99, &vdev)))
		goto out;
	if (!TRY(iommufd_veventq_new(viommu, IOMMUFD_VEVENTQ_SELFTEST, 4, NULL, &veventq)))
		goto out;
	if (!TRY(iommufd_hw_queue_new(viommu, IOMMUFD_HW_QUEUE_SELFTEST, 0, iova, 4096, NULL, &hwq)))
		goto out;
	if (!TRY(iommufd_device_detach(dev)))
		goto out;
out:
	if (hwq)
		DROP0(iommufd_hw_queue_destroy(hwq));
	if (veventq)
		DROP0(iommufd_veventq_destroy(veventq));
	if (vdev)
		DROP0(iommufd_vdevice_destroy(vdev));
	if (viommu)
		DROP0(iommufd_viommu_destroy(viommu));
	if (parent)
		DROP0(iommufd_hwpt_destroy(parent));
	if (fault)
		DROP0(iommufd_fault_destroy(fault));
	iommufd_device_close(dev);
	if (dirty)
		DROP0(iommufd_hwpt_destroy(dirty));
	if (pb)
		DROP(iommufd_dma_pool_free(pool, pb));
	if (pool)
		DROP(iommufd_dma_pool_destroy(pool));
	if (buf)
		DROP(iommufd_dma_mem_free(buf));
	if (dmamapped)
		DROP(iommufd_dma_unmap(dma, page[4]));
	if (alloced)
		DROP0(iommufd_dma_iova_free(dma, alloc_iova, 0x10000));
	if (copied)
		DROP0(iommufd_ioas_unmap(ioas2, copy_iova, 4096, NULL));
	if (mapped)
		DROP0(iommufd_ioas_unmap(ioas, iova, 2 * 4096, NULL));
	iova_space_empty(dma, "kernel tier");
	if (dma)
		DROP(iommufd_dma_destroy(dma));
	if (ioas2)
		DROP0(iommufd_ioas_destroy(ioas2));
	if (ioas)
		DROP0(iommufd_ioas_destroy(ioas));
	drop_ctx(ctx);
}

/* The device calls around the DMA path: device info, a sparse region (its
 * areas, a mapping of it), interrupts, hot reset and reset; and the IOAS's
 * other calls (ranges, allowed IOVAs, huge pages, a file mapping). */
static void flow_device_extras(void)
{
	/* region 1: 16 KiB, a sparse-mmap capability right after the info
	 * struct with areas [0, 4K) and [8K, 16K) */
	struct {
		struct uapi_vfio_info_cap_header h;
		uint32_t nr_areas, reserved;
		struct uapi_vfio_region_sparse_mmap_area a[2];
	} sparse = { { .id = UAPI_VFIO_REGION_INFO_CAP_SPARSE_MMAP, .version = 1 }, 2, 0,
		     { { 0, 0x1000 }, { 0x2000, 0x2000 } } };
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_device_info di = { .sz = sizeof(di) };
	struct iommufd_region_info ri = { .sz = sizeof(ri) };
	struct iommufd_irq_info ii = { .sz = sizeof(ii) };
	struct iommufd_hw_info hw = { .sz = sizeof(hw) };
	struct iommufd_region_area areas[4];
	struct iommufd_reset_dep deps[4];
	struct iommufd_iova_range allow = { 0x100000, 0xffffffff };
	uint64_t iova = 0;
	uint32_t count = 0;
	void *bar = NULL;
	int fds[2] = { -1, -1 };
	bool irq = false, filemapped = false, all = false, huge = true;

	if (!TRY(new_ctx(&ctx)))
		return;
	fake_region_set(1, UAPI_VFIO_REGION_INFO_FLAG_READ | UAPI_VFIO_REGION_INFO_FLAG_WRITE |
			   UAPI_VFIO_REGION_INFO_FLAG_MMAP | UAPI_VFIO_REGION_INFO_FLAG_CAPS,
			0x4000, &sparse, sizeof(sparse), 0);
	if (!TRY(iommufd_ioas_new(ctx, NULL, &ioas)))
		goto out;
	if (!TRY(iommufd_ioas_allow_iovas(ioas, &allow, 1)))
		goto out;
	if (!TRY(iommufd_ioas_set_huge_pages(ioas, false)))
		goto out;
	if (!TRY(iommufd_ioas_get_huge_pages(ioas, &huge)))
		goto out;
	if (!TRY(iommufd_ioas_map_file(ioas, 0, 0, 4096, &iova, IOMMUFD_MAP_READ)))
		goto out;
	filemapped = true;
	if (!TRY(iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev)))
		goto out;
	if (!TRY(iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL)))
		goto out;
	if (!TRY(iommufd_device_get_hw_info(dev, &hw)))
		goto out;
	if (!TRY(iommufd_device_get_info(dev, &di)))
		goto out;
	if (!TRY(iommufd_device_get_region_info(dev, 1, &ri)))
		goto out;
	if (!TRY(iommufd_device_get_region_areas(dev, 1, areas, 4, &count)))
		goto out;
	if (count != 2)
		finding("device extras: %u areas of the sparse region, want 2", count);
	if (!TRY(iommufd_device_mmap_region(dev, 1, 0, 0x4000, PROT_READ | PROT_WRITE, &bar)))
		goto out;
	if (!TRY(iommufd_device_get_irq_info(dev, IOMMUFD_PCI_MSIX_IRQ, &ii)))
		goto out;
	if (!TRY(iommufd_device_irq_eventfds_new(dev, IOMMUFD_PCI_MSIX_IRQ, 2, fds)))
		goto out;
	irq = true;
	if (!TRY(iommufd_device_disable_irq(dev, IOMMUFD_PCI_MSIX_IRQ)))
		goto out;
	irq = false;
	if (!TRY(iommufd_device_get_hot_reset_info(dev, deps, 4, &count, &all)))
		goto out;
	if (!TRY(iommufd_device_hot_reset(dev)))
		goto out;
	if (!TRY(iommufd_device_reset(dev)))
		goto out;
out:
	if (irq)
		DROP0(iommufd_device_disable_irq(dev, IOMMUFD_PCI_MSIX_IRQ));
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			fake_sys.close(fds[i]);
	if (bar)
		DROP0(iommufd_device_munmap_region(dev, bar, 0x4000));
	iommufd_device_close(dev);
	if (filemapped)
		DROP0(iommufd_ioas_unmap(ioas, iova, 4096, NULL));
	iova_space_empty(NULL, "device extras");
	if (ioas)
		DROP0(iommufd_ioas_destroy(ioas));
	drop_ctx(ctx);
}

/* A vhost-vdpa device: its address spaces attached, replaced, detached. */
static void flow_vdpa(void)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *a = NULL, *b = NULL;
	struct iommufd_device *dev = NULL;
	bool on0 = false, on1 = false;

	if (!TRY(new_ctx(&ctx)))
		return;
	if (!TRY(iommufd_ioas_new(ctx, NULL, &a)))
		goto out;
	if (!TRY(iommufd_ioas_new(ctx, NULL, &b)))
		goto out;
	if (!TRY(iommufd_device_open_vdpa(ctx, "vdpa0", NULL, &dev)))
		goto out;
	if (iommufd_device_get_num_asids(dev) != 2)
		finding("vdpa: %u address spaces, want 2", iommufd_device_get_num_asids(dev));
	if (!TRY(iommufd_device_attach_asid(dev, 0, iommufd_ioas_get_id(a))))
		goto out;
	on0 = true;
	if (!TRY(iommufd_device_attach_asid(dev, 1, iommufd_ioas_get_id(b))))
		goto out;
	on1 = true;
	if (!TRY(iommufd_device_replace_asid(dev, 0, iommufd_ioas_get_id(b))))
		goto out;
	if (!TRY(iommufd_device_detach_asid(dev, 1)))
		goto out;
	on1 = false;
out:
	if (on1)
		DROP0(iommufd_device_detach_asid(dev, 1));
	if (on0)
		DROP0(iommufd_device_detach_asid(dev, 0));
	iommufd_device_close(dev);
	if (b)
		DROP0(iommufd_ioas_destroy(b));
	if (a)
		DROP0(iommufd_ioas_destroy(a));
	drop_ctx(ctx);
}

/* ---- the runs ---- */

static int proc_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The errnos a call of @req may fail with: what the kernel returns for it
 * (ioctls: the generic ones of every iommufd and VFIO ioctl, plus each
 * request's own). */
static int errnos_of(unsigned long req, int *e)
{
	int n = 0;

#define ADD(...)                                                    \
	do {                                                        \
		const int l_[] = { __VA_ARGS__ };                   \
		for (size_t i_ = 0; i_ < sizeof(l_) / sizeof(l_[0]); i_++) \
			e[n++] = l_[i_];                            \
	} while (0)
	switch (req) {
	case FAKE_OP_OPEN: ADD(ENOENT, EACCES, EMFILE, ENXIO, EBUSY, EINTR); break;
	case FAKE_OP_DUP: ADD(EMFILE, EBADF); break;
	case FAKE_OP_MMAP: ADD(ENOMEM, EAGAIN, EINVAL, ENODEV); break;
	case FAKE_OP_MUNMAP: ADD(EINVAL); break;
	case FAKE_OP_MEMFD: ADD(EMFILE, ENOMEM, EINVAL); break;
	case FAKE_OP_FTRUNCATE: ADD(EINVAL, EFBIG, EINTR); break;
	case FAKE_OP_MADVISE: ADD(EINVAL, ENOMEM, EAGAIN); break;
	case FAKE_OP_READ: ADD(EAGAIN, EINTR, EFAULT, EINVAL); break;
	case FAKE_OP_WRITE: ADD(EINTR, EFAULT, EINVAL, ENOENT); break;
	case FAKE_OP_PREAD: case FAKE_OP_PWRITE: ADD(EIO, EINTR, EFAULT, EINVAL); break;
	case FAKE_OP_EVENTFD: ADD(EMFILE, ENOMEM); break;
	case FAKE_OP_READLINK: ADD(ENOENT, EACCES, EINVAL, ENAMETOOLONG); break;
	case FAKE_OP_LIST_DIR: ADD(ENOENT, EACCES, ENOTDIR, ENOMEM); break;
	case UAPI_IOMMU_IOAS_MAP: case UAPI_IOMMU_IOAS_COPY:
		ADD(ENOMEM, EINVAL, EFAULT, EEXIST, ENOSPC, EPERM, EINTR, EOVERFLOW); break;
	case UAPI_IOMMU_IOAS_UNMAP: ADD(ENOENT, EINVAL, EBUSY, EDEADLK); break;
	case UAPI_IOMMU_DESTROY: ADD(EBUSY, ENOENT, EINVAL); break;
	case UAPI_IOMMU_HWPT_ALLOC: ADD(ENOMEM, EINVAL, EOPNOTSUPP, ENOENT, EBUSY, EFAULT); break;
	case UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP: ADD(EINVAL, EFAULT, ENOMEM, EOPNOTSUPP, EINTR); break;
	case UAPI_VFIO_DEVICE_BIND_IOMMUFD: ADD(EINVAL, EBUSY, EFAULT, ENOMEM, EPERM, ENODEV); break;
	case UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT: ADD(EINVAL, EBUSY, ENOENT, ENOMEM, EFAULT, ENODEV); break;
	default: ADD(ENOMEM, EINVAL, EFAULT, EBUSY, ENOENT, EOPNOTSUPP); break;
	}
#undef ADD
	return n;
}

struct flow {
	const char *name;
	void (*fn)(void);
};

static const struct flow flows[] = {
	{ "edu-dma", flow_edu },
	{ "nvme-identify", flow_nvme },
	{ "fault-loop", flow_fault },
	{ "migrate-dirty", flow_dirty },
	{ "kernel-tier", flow_kernel_tier },
	{ "device-extras", flow_device_extras },
	{ "vdpa", flow_vdpa },
};

static unsigned long injected_runs, failed_runs;

/* One run of @f in @mode; the number of system calls (CLEAN) or
 * allocations it made. Fails the test on a finding. */
static unsigned long run_once(const struct flow *f, enum mode mode, unsigned long nth, int err)
{
	struct run r = { .mode = mode };
	int fds = proc_fds();
	unsigned long made;

	fake_reset();
	error_fail(EINVAL, HOST_MARK);
	R = &r;
	fake_trace_start();
	if (mode == SYSCALL)
		fake_inject_call(nth, err);
	A = (struct alloc_state){ .armed = true, .sticky = mode == ALLOC_STICKY,
			 .fail_at = mode == ALLOC_ONE || mode == ALLOC_STICKY ? nth : 0 };
	f->fn();
	A.armed = false;
	made = mode == CLEAN ? fake_trace_count() : A.n;
	if (mode == SYSCALL && fake_trace_req(nth) == FAKE_OP_MUNMAP)
		r.munmap_failed = true; /* the memory stays mapped: the caller's to undo */
	if (r.munmap_failed)
		fake_release_mem();
	{
		struct fake_census c = fake_census();

		if (c.fds || c.ioas || c.objects || c.mappings || c.mem)
			finding("the fake kernel holds fds %d ioas %d objects %d mappings %d mem %d", c.fds, c.ioas,
				c.objects, c.mappings, c.mem);
	}
	if (proc_fds() != fds)
		finding("%d descriptors of the process before, %d after", fds, proc_fds());
	if ((mode == ALLOC_ONE || mode == SYSCALL) && fake_inject_call_fired() == false && mode == SYSCALL)
		finding("the injected call %lu was never made", nth);
	fake_inject_call(0, 0);
	R = NULL;
	if (mode != CLEAN) {
		injected_runs++;
		failed_runs += r.failures > 0;
	}
	if (r.bad) {
		static const char *const names[] = { "clean", "system call", "allocation", "allocations from" };

		fail_msg("%s, %s %lu failing (errno %d): %d finding(s), the first: %s", f->name, names[mode], nth,
			 err, r.bad, r.first);
	}
	return made;
}

static void each_flow(void **state)
{
	unsigned long total = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		const struct flow *f = &flows[i];
		unsigned long calls = run_once(f, CLEAN, 0, 0), allocs, before = injected_runs;
		unsigned long reqs[4096];

		if (calls > 4096)
			fail_msg("%s: %lu calls, more than the trace holds", f->name, calls);
		for (unsigned long n = 1; n <= calls; n++)
			reqs[n - 1] = fake_trace_req(n);
		for (unsigned long n = 1; n <= calls; n++) {
			int errs[16], k = errnos_of(reqs[n - 1], errs);

			for (int j = 0; j < k; j++)
				run_once(f, SYSCALL, n, errs[j]);
		}
		/* the clean run's allocations */
		A = (struct alloc_state){ .armed = true };
		fake_reset();
		{
			struct run r = { .mode = CLEAN };

			R = &r;
			f->fn();
			R = NULL;
			A.armed = false;
			allocs = A.n;
			assert_int_equal(r.bad, 0);
		}
		for (unsigned long n = 1; n <= allocs; n++) {
			run_once(f, ALLOC_ONE, n, ENOMEM);
			run_once(f, ALLOC_STICKY, n, ENOMEM);
		}
		print_message("# %s: %lu system calls, %lu allocations, %lu injected runs\n", f->name, calls, allocs,
			      injected_runs - before);
		total += injected_runs - before;
	}
	/* most injections surface as a failed call (the others are absorbed:
	 * a probe, a fallback, a cache); a flow that never failed would mean
	 * the injection does not reach it */
	print_message("# injected runs: %lu (%lu of them with a failing call)\n", total, failed_runs);
	assert_true(failed_runs > total / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_flow),
	};

	return cmocka_run_group_tests_name("fault-inject", tests, NULL, NULL);
}
