// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The DMA registry and pools on the host, over a null system-call layer
 * (every ioctl succeeds at once), so only the library is measured.
 *
 * Workload: n mappings of 64 KiB spaced 128 KiB apart, inserted in shuffled
 * order (fixed seed); lookups of random hits at a random 8-byte-aligned
 * offset inside a random mapping; reverse lookups the same way; unmaps in
 * shuffled order; heap growth per mapping (mallinfo2, including blocks malloc
 * took with mmap: everything the library
 * allocated for the mappings, allocator and registry together). Lookups are
 * timed in batches of 1,000,000; with t threads each does the same number
 * of lookups at once, and ns_per_op is the median batch time over all
 * batches of all threads divided by t (so 2 threads at ns_per_op x/2 scale
 * 2x; with 1 thread it is simply the median batch).
 *   bench=<insert|lookup|rlookup|unmap> n=<mappings> threads=<t> ns_per_op=<x>
 *   bench=memory n=<mappings> bytes_per_mapping=<y>
 *   bench=pool_alloc_free n=<live buffers> threads=1 ns_per_op=<x>
 * Usage: dma-translate [LOOKUPS (default 10000000)] [--only-lookups N]
 * (--only-lookups sets up N mappings and does LOOKUPS lookups, nothing
 * else: for valgrind --tool=callgrind instruction counts.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <iommufd/iommufd.h>

#include "base/sys.h"
#include "base/uapi.h"
#include "core/ctx.h"
#include "xorshift.h"

#define MAP_LEN (64u << 10)
#define STRIDE (128u << 10)
#define VA_BASE 0x7f0000000000ull
#define BATCH 1000000u
#define NULL_FD 1000
#define RUNS 3 /* of inserts and unmaps */

/* ---- null kernel: ioctls succeed, memory calls are real ---- */

static int n_open(const char *path, int flags)
{
	(void)flags;
	return strcmp(path, "/dev/iommu") ? -ENOENT : NULL_FD;
}

static int n_close(int fd)
{
	return fd == NULL_FD ? 0 : (close(fd) < 0 ? -errno : 0);
}

static int n_dup(int fd)
{
	(void)fd;
	return -ENOSYS;
}

static int n_ioctl(int fd, unsigned long req, void *arg)
{
	(void)fd;
	switch (req) {
	case UAPI_IOMMU_IOAS_ALLOC:
		((struct uapi_iommu_ioas_alloc *)arg)->out_ioas_id = 1;
		return 0;
	case UAPI_IOMMU_IOAS_IOVA_RANGES: {
		struct uapi_iommu_ioas_iova_ranges *c = arg;
		struct uapi_iommu_iova_range *r = (void *)(uintptr_t)c->allowed_iovas;

		if (c->num_iovas < 1) {
			c->num_iovas = 1;
			return -EMSGSIZE;
		}
		r[0].start = 0;
		r[0].last = (1ull << 48) - 1;
		c->num_iovas = 1;
		c->out_iova_alignment = 4096;
		return 0;
	}
	default:
		return 0;
	}
}

static ssize_t n_pread(int fd, void *buf, size_t len, off_t off)
{
	(void)fd, (void)buf, (void)len, (void)off;
	return -ENOSYS;
}

static ssize_t n_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	(void)fd, (void)buf, (void)len, (void)off;
	return -ENOSYS;
}

static int n_mmap(size_t len, int prot, int flags, int fd, off_t off, void **addr)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	return 0;
}

static int n_munmap(void *addr, size_t len)
{
	return munmap(addr, len) < 0 ? -errno : 0;
}

static ssize_t n_readlink(const char *path, char *buf, size_t size)
{
	(void)path, (void)buf, (void)size;
	return -ENOENT;
}

static int n_list_dir(const char *path, int (*fn)(const char *, void *), void *data)
{
	(void)path, (void)fn, (void)data;
	return -ENOENT;
}

static int n_memfd(const char *name, unsigned int flags)
{
	int fd = memfd_create(name, flags | MFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int n_ftruncate(int fd, off_t len)
{
	return ftruncate(fd, len) < 0 ? -errno : 0;
}

static int n_madvise(void *addr, size_t len, int advice)
{
	return madvise(addr, len, advice) < 0 ? -errno : 0;
}

static const struct iommufd_sys_ops null_sys = {
	.open = n_open, .close = n_close, .dup = n_dup, .ioctl = n_ioctl,
	.pread = n_pread, .pwrite = n_pwrite, .mmap = n_mmap, .munmap = n_munmap,
	.readlink = n_readlink, .list_dir = n_list_dir, .memfd_create = n_memfd,
	.ftruncate = n_ftruncate, .madvise = n_madvise,
};

/* ---- helpers ---- */

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

_Noreturn static void die(struct iommufd_ctx *ctx, const char *what)
{
	fprintf(stderr, "dma-translate: %s: %s\n", what, ctx ? iommufd_ctx_last_error(ctx) : strerror(errno));
	exit(1);
}

struct job {
	struct iommufd_dma *dma;
	uint64_t base; /* VA_BASE, or the first IOVA (IOVAs are dense here) */
	uint64_t stride;
	size_t n;
	uint64_t lookups, seed;
	int reverse;
	pthread_barrier_t *bar;
	double *batch_ns; /* per batch, ns per lookup */
	uint64_t sink, misses;
};

/* Addresses come from a xorshift generator in registers: no array of
 * queries competes with the registry for the caches. */
static void *lookup_thread(void *arg)
{
	struct job *j = arg;
	uint64_t sink = 0, done = 0, b = 0, seed = j->seed, misses = 0;

	if (j->bar)
		pthread_barrier_wait(j->bar);
	while (done < j->lookups) {
		uint64_t t0 = now_ns(), cnt = j->lookups - done < BATCH ? j->lookups - done : BATCH;

		for (uint64_t i = 0; i < cnt; i++) {
			uint64_t r = xorshift64(&seed);
			uint64_t m = ((r >> 32) * j->n) >> 32; /* n < 2^32 */
			uint64_t a = j->base + m * j->stride + ((r & (MAP_LEN - 1)) & ~7ull);

			if (j->reverse) {
				void *va;

				if (iommufd_dma_translate_iova(j->dma, a, &va, NULL) == 0)
					sink += (uintptr_t)va;
				else
					misses++;
			} else {
				uint64_t iova;

				if (iommufd_dma_translate(j->dma, (const void *)(uintptr_t)a, &iova, NULL) == 0)
					sink += iova;
				else
					misses++;
			}
		}
		if (j->batch_ns)
			j->batch_ns[b++] = (double)(now_ns() - t0) / (double)cnt;
		done += cnt;
	}
	j->sink = sink;
	j->misses = misses;
	return NULL;
}

/* ns per lookup of t threads together: the median batch time over every
 * batch of every thread, divided by t (with t == 1, the median batch).
 * The same robust statistic for 1 and 2 threads: a batch slowed by another
 * process taking a core moves the median less than it would move the wall
 * time of the whole run. */
static double run_lookups(struct iommufd_dma *dma, uint64_t base, uint64_t stride, size_t n, uint64_t lookups,
			  int reverse, int threads)
{
	uint64_t batches = (lookups + BATCH - 1) / BATCH;
	double *ns = calloc(batches * (uint64_t)threads, sizeof(*ns));
	struct job jobs[8];
	pthread_t tid[8];
	pthread_barrier_t bar;
	uint64_t misses = 0;
	double med;

	if (!ns)
		die(NULL, "calloc");
	pthread_barrier_init(&bar, NULL, (unsigned)threads);
	for (int t = 0; t < threads; t++) {
		jobs[t] = (struct job){ dma, base, stride, n, lookups, 0x9e3779b97f4a7c15ull * (uint64_t)(t + 1), reverse,
					&bar, ns + (uint64_t)t * batches, 0, 0 };
		if (t > 0)
			pthread_create(&tid[t], NULL, lookup_thread, &jobs[t]);
	}
	lookup_thread(&jobs[0]);
	for (int t = 0; t < threads; t++) {
		if (t > 0)
			pthread_join(tid[t], NULL);
		misses += jobs[t].misses;
	}
	pthread_barrier_destroy(&bar);
	if (misses)
		die(NULL, "a lookup missed");
	qsort(ns, batches * (uint64_t)threads, sizeof(*ns), cmp_double);
	med = ns[batches * (uint64_t)threads / 2] / threads;
	free(ns);
	return med;
}

/* One run: maps n, (lookups), unmaps; ns per insert and per unmap in
 * @ins and @unm (averages over the whole run, rebuilds included). @quiet:
 * time inserts and unmaps only. */
static void bench_registry(size_t n, uint64_t lookups, int only_lookups, int quiet, double *ins, double *unm)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_dma *dma;
	uint64_t *order = malloc(n * sizeof(*order)), *iovas = malloc(n * sizeof(*iovas));
	uint64_t seed = 0x2545f4914f6cdd1dull, t0;
	struct mallinfo2 m0, m1;

	if (!order || !iovas)
		die(NULL, "malloc");
	if (iommufd_ctx_new_with_ops_(NULL, &null_sys, &ctx) < 0)
		die(NULL, "context");
	if (iommufd_ioas_new(ctx, NULL, &ioas) < 0 || iommufd_dma_new(ioas, NULL, &dma) < 0)
		die(ctx, "IOAS/DMA context");
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(xorshift64(&seed) % (i + 1));
		uint64_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}

	m0 = mallinfo2();
	t0 = now_ns();
	for (size_t i = 0; i < n; i++) {
		uint64_t va = VA_BASE + order[i] * STRIDE, iova;

		if (iommufd_dma_map(dma, (void *)(uintptr_t)va, MAP_LEN, &iova,
				    IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE) < 0)
			die(ctx, "map");
		iovas[order[i]] = iova;
	}
	*ins = (double)(now_ns() - t0) / (double)n;
	m1 = mallinfo2();
	if (!only_lookups && !quiet)
		printf("bench=memory n=%zu bytes_per_mapping=%.1f\n", n,
		       (double)((m1.uordblks + m1.hblkhd) - (m0.uordblks + m0.hblkhd)) / (double)n);

	/* the allocator hands out IOVAs lowest first, 64 KiB apart (checked),
	 * so random reverse hits are easy to make */
	for (size_t i = 0; i < n; i++)
		if (iovas[order[i]] != iovas[order[0]] + i * MAP_LEN)
			die(NULL, "IOVAs are not dense");
	if (only_lookups) {
		run_lookups(dma, VA_BASE, STRIDE, n, lookups, 0, 1);
	} else if (!quiet) {
		for (int t = 1; t <= 2; t++)
			printf("bench=lookup n=%zu threads=%d ns_per_op=%.1f\n", n, t,
			       run_lookups(dma, VA_BASE, STRIDE, n, lookups, 0, t));
		printf("bench=rlookup n=%zu threads=1 ns_per_op=%.1f\n", n,
		       run_lookups(dma, iovas[order[0]], MAP_LEN, n, lookups, 1, 1));
	}
	if (!only_lookups) {
		t0 = now_ns();
		for (size_t i = 0; i < n; i++)
			if (iommufd_dma_unmap(dma, (void *)(uintptr_t)(VA_BASE + order[i] * STRIDE)) < 0)
				die(ctx, "unmap");
		*unm = (double)(now_ns() - t0) / (double)n;
	}
	fflush(stdout);
	if (iommufd_dma_destroy(dma) < 0 || iommufd_ioas_destroy(ioas) < 0)
		die(ctx, "teardown");
	iommufd_ctx_unref(ctx);
	free(order);
	free(iovas);
}

static void bench_pool(size_t live, uint64_t rounds)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_dma *dma;
	struct iommufd_dma_pool *pool;
	void **held = malloc(live * sizeof(*held));
	uint64_t t0, iova, sink = 0;

	if (!held || iommufd_ctx_new_with_ops_(NULL, &null_sys, &ctx) < 0)
		die(NULL, "context");
	if (iommufd_ioas_new(ctx, NULL, &ioas) < 0 || iommufd_dma_new(ioas, NULL, &dma) < 0 ||
	    iommufd_dma_pool_new(dma, NULL, &pool) < 0)
		die(ctx, "pool");
	for (size_t i = 0; i < live; i++)
		if (iommufd_dma_pool_alloc(pool, &held[i], &iova) < 0)
			die(ctx, "pool alloc");
	/* warm: one more chunk's worth of room exists after this */
	for (size_t i = 0; i < live; i += 2)
		if (iommufd_dma_pool_free(pool, held[i]) < 0)
			die(ctx, "pool free");
	for (size_t i = 0; i < live; i += 2)
		if (iommufd_dma_pool_alloc(pool, &held[i], &iova) < 0)
			die(ctx, "pool alloc");
	t0 = now_ns();
	for (uint64_t r = 0; r < rounds; r++) {
		void *p;

		if (iommufd_dma_pool_alloc(pool, &p, &iova) < 0 || iommufd_dma_pool_free(pool, p) < 0)
			die(ctx, "pool");
		sink += iova;
	}
	printf("bench=pool_alloc_free n=%zu threads=1 ns_per_op=%.1f\n", live,
	       (double)(now_ns() - t0) / (double)rounds);
	if (sink == 1)
		printf("\n");
	for (size_t i = 0; i < live; i++)
		iommufd_dma_pool_free(pool, held[i]);
	if (iommufd_dma_pool_destroy(pool) < 0 || iommufd_dma_destroy(dma) < 0 || iommufd_ioas_destroy(ioas) < 0)
		die(ctx, "teardown");
	iommufd_ctx_unref(ctx);
	free(held);
}

int main(int argc, char **argv)
{
	uint64_t lookups = 10000000;
	int i = 1;

	if (argc > i && argv[i][0] != '-')
		lookups = strtoull(argv[i++], NULL, 0);
	if (argc > i + 1 && !strcmp(argv[i], "--only-lookups")) {
		double ins, unm;

		bench_registry(strtoull(argv[i + 1], NULL, 0), lookups, 1, 0, &ins, &unm);
		return 0;
	}
	for (size_t n = 1000; n <= 100000; n *= 100) {
		double ins[RUNS], unm[RUNS];

		/* inserts and unmaps: the median of RUNS whole runs, so that a
		 * moment of another process on the CPU does not decide it */
		for (int r = 0; r < RUNS; r++)
			bench_registry(n, lookups, 0, r > 0, &ins[r], &unm[r]);
		qsort(ins, RUNS, sizeof(ins[0]), cmp_double);
		qsort(unm, RUNS, sizeof(unm[0]), cmp_double);
		printf("bench=insert n=%zu threads=1 ns_per_op=%.1f\n", n, ins[RUNS / 2]);
		printf("bench=unmap n=%zu threads=1 ns_per_op=%.1f\n", n, unm[RUNS / 2]);
	}
	bench_pool(1000, lookups);
	return 0;
}
