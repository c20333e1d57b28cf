// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Lock-free translations racing maps and unmaps. Reader threads translate
 * both ways while a writer maps and unmaps the same addresses (each always
 * at the same fixed IOVA): every answer must be that translation or "not
 * mapped", and replaced tree nodes are freed meanwhile. Threads taking and
 * returning pool buffers across chunk boundaries, so that chunks are
 * mapped and given back while the others allocate and free. Built also with
 * ThreadSanitizer (tests/run-all: build-tsan); under ASan a reader touching
 * a freed node would be reported.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "dma/epoch.h"
#include "fake-kernel.h"
#include "xorshift.h"

#define PG 4096ull
#define NMAP 256
#define READERS 3
#define IOVA0 0x1000000ull

static struct iommufd_dma *dma;
static uint8_t *mem;
static atomic_bool stop;

struct stats {
	uint64_t hits, misses, bad;
};

static void *reader(void *arg)
{
	struct stats *st = arg;
	uint64_t seed = 0x9e3779b97f4a7c15ull ^ (uintptr_t)arg;

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		uint64_t r = xorshift64(&seed), i = r % NMAP, off = (r >> 32) % (2 * PG), out;
		void *va;

		/* mapping i: 2 pages at mem + i * 4 pages, IOVA IOVA0 + i * 4 pages */
		if (iommufd_dma_translate(dma, mem + i * 4 * PG + off, &out, NULL) == 0) {
			st->hits++;
			st->bad += out != IOVA0 + i * 4 * PG + off;
		} else {
			st->misses++;
		}
		if (iommufd_dma_translate_iova(dma, IOVA0 + i * 4 * PG + off, &va, NULL) == 0) {
			st->hits++;
			st->bad += va != mem + i * 4 * PG + off;
		} else {
			st->misses++;
		}
		/* the gaps between mappings are never mapped */
		st->bad += iommufd_dma_translate(dma, mem + i * 4 * PG + 2 * PG + off % (2 * PG), &out, NULL) == 0;
	}
	return NULL;
}

static void race(void)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct stats st[READERS] = { { 0, 0, 0 } };
	pthread_t tid[READERS];
	bool mapped[NMAP] = { false };
	uint64_t seed = 42, ops = 0, total_hits = 0, total_misses = 0;
	struct timespec t0, t;

	fake_reset();
	mem = aligned_alloc(PG, NMAP * 4 * PG);
	assert_non_null(mem);
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &ioas), 0);
	assert_int_equal(iommufd_dma_new(ioas, NULL, &dma), 0);
	for (int i = 0; i < NMAP; i += 2) {
		uint64_t iova = IOVA0 + (uint64_t)i * 4 * PG;

		assert_int_equal(iommufd_dma_map(dma, mem + (uint64_t)i * 4 * PG, 2 * PG, &iova,
						 IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA), 0);
		mapped[i] = true;
	}
	atomic_store(&stop, false);
	for (int r = 0; r < READERS; r++)
		assert_int_equal(pthread_create(&tid[r], NULL, reader, &st[r]), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int k = 0; k < 256; k++, ops++) {
			int i = (int)(xorshift64(&seed) % NMAP);
			uint64_t iova = IOVA0 + (uint64_t)i * 4 * PG;

			if (mapped[i])
				assert_int_equal(iommufd_dma_unmap(dma, mem + (uint64_t)i * 4 * PG), 0);
			else
				assert_int_equal(iommufd_dma_map(dma, mem + (uint64_t)i * 4 * PG, 2 * PG, &iova,
								 IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA), 0);
			mapped[i] = !mapped[i];
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000l + (t.tv_nsec - t0.tv_nsec) < 300000000l);
	atomic_store(&stop, true);
	for (int r = 0; r < READERS; r++) {
		pthread_join(tid[r], NULL);
		assert_int_equal(st[r].bad, 0);
		total_hits += st[r].hits;
		total_misses += st[r].misses;
	}
	print_message("# %llu maps/unmaps, %llu hits, %llu misses\n", (unsigned long long)ops,
		      (unsigned long long)total_hits, (unsigned long long)total_misses);
	assert_true(ops > 1000);
	assert_true(total_hits > 1000 && total_misses > 1000);
	assert_int_equal(iommufd_dma_destroy(dma), 0);
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	assert_null(iommufd_ctx_unref(ctx));
	free(mem);
}

static void translations_race_unmaps(void **state)
{
	(void)state;
	race();
}

/* Kernels without membarrier(2): the readers' own barrier. */
static void translations_race_unmaps_fences(void **state)
{
	(void)state;
	epoch_use_fences_();
	race();
}

/* A reader inside a walk holds back the free of what was retired after it
 * started; nothing else waits for it. */
static atomic_int phase;

static void *slow_reader(void *arg)
{
	struct epoch_slot *s = epoch_enter();

	(void)arg;
	atomic_store(&phase, 1);
	while (atomic_load(&phase) != 2)
		sched_yield();
	epoch_exit(s);
	atomic_store(&phase, 3);
	return NULL;
}

static void stalled_reader_delays_free(void **state)
{
	struct epoch_list l = { 0 };
	struct epoch_slot *outer, *inner;
	pthread_t tid;

	(void)state;
	/* nothing in a walk: freed at once */
	assert_int_equal(epoch_list_reserve(&l, 4), 0);
	epoch_retire(&l, malloc(16));
	assert_int_equal(epoch_reclaim(&l), 0);

	atomic_store(&phase, 0);
	assert_int_equal(pthread_create(&tid, NULL, slow_reader, NULL), 0);
	while (atomic_load(&phase) != 1)
		sched_yield();
	epoch_retire(&l, malloc(16));
	assert_int_equal(epoch_reclaim(&l), 1);
	assert_int_equal(epoch_reclaim(&l), 1);
	atomic_store(&phase, 2);
	while (atomic_load(&phase) != 3)
		sched_yield();
	assert_int_equal(epoch_reclaim(&l), 0);
	pthread_join(tid, NULL);

	/* nested walks (a signal handler's) keep the outer one's protection */
	outer = epoch_enter();
	epoch_retire(&l, malloc(16));
	inner = epoch_enter();
	epoch_exit(inner);
	assert_int_equal(epoch_reclaim(&l), 1);
	epoch_exit(outer);
	assert_int_equal(epoch_reclaim(&l), 0);
	epoch_list_drain(&l);
}

/* ---- pools: grow and give back under concurrent alloc and free ---- */

#define POOL_THREADS 2
#define BATCH 700 /* more than a 2 MiB chunk of 4 KiB buffers */

static struct iommufd_dma_pool *pool;

struct pool_stats {
	uint64_t rounds, bad;
};

static void *pool_user(void *arg)
{
	struct pool_stats *st = arg;
	uint64_t seed = 0x2545f4914f6cdd1dull ^ (uintptr_t)arg, tag = (uintptr_t)arg;
	static _Thread_local void *v[BATCH];
	static _Thread_local uint64_t iova[BATCH];

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		int n = 1 + (int)(xorshift64(&seed) % BATCH);

		for (int i = 0; i < n; i++) {
			uint64_t out = 0;

			if (iommufd_dma_pool_alloc(pool, &v[i], &iova[i]) < 0) {
				st->bad++;
				n = i;
				break;
			}
			*(volatile uint64_t *)v[i] = tag + (uint64_t)i;
			if (iommufd_dma_translate(dma, v[i], &out, NULL) < 0 || out != iova[i])
				st->bad++;
		}
		for (int i = 0; i < n; i++) {
			/* nobody else was handed this buffer meanwhile */
			if (*(volatile uint64_t *)v[i] != tag + (uint64_t)i)
				st->bad++;
			if (iommufd_dma_pool_free(pool, v[i]) < 0)
				st->bad++;
		}
		st->rounds++;
	}
	return NULL;
}

static void pool_threads_grow_and_give_back(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct pool_stats st[POOL_THREADS] = { { 0, 0 } };
	pthread_t tid[POOL_THREADS];
	unsigned long calls;

	(void)state;
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &ioas), 0);
	assert_int_equal(iommufd_dma_new(ioas, NULL, &dma), 0);
	assert_int_equal(iommufd_dma_pool_new(dma, NULL, &pool), 0);
	calls = fake_call_count();
	atomic_store(&stop, false);
	for (int t = 0; t < POOL_THREADS; t++)
		assert_int_equal(pthread_create(&tid[t], NULL, pool_user, &st[t]), 0);
	usleep(200000);
	atomic_store(&stop, true);
	for (int t = 0; t < POOL_THREADS; t++) {
		pthread_join(tid[t], NULL);
		assert_int_equal(st[t].bad, 0);
		assert_true(st[t].rounds > 2);
	}
	print_message("# %llu + %llu rounds, %lu system calls\n", (unsigned long long)st[0].rounds,
		      (unsigned long long)st[1].rounds, fake_call_count() - calls);
	/* everything is free: one chunk is left */
	assert_int_equal(fake_mapping_count(), 1);
	assert_int_equal(iommufd_dma_pool_destroy(pool), 0);
	assert_int_equal(fake_mapping_count(), 0);
	assert_int_equal(fake_mem_count(), 0);
	assert_int_equal(iommufd_dma_destroy(dma), 0);
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	assert_null(iommufd_ctx_unref(ctx));
}

/* The IOAS consults its DMA context (the owner hook, core/ioas.h) while
 * another thread makes and destroys contexts on it: the hook is read and
 * called under the IOAS lock, so an unmap through the handle never reaches
 * a context being freed (ASan, TSan). The fake kernel is not thread-safe:
 * its calls are serialised here. */
static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static struct iommufd_sys_ops locked_sys;

static int locked_ioctl(int fd, unsigned long req, void *arg)
{
	int rc;

	pthread_mutex_lock(&fake_lock);
	rc = fake_sys.ioctl(fd, req, arg);
	pthread_mutex_unlock(&fake_lock);
	return rc;
}

#define OWNER_ROUNDS 1000

struct owner_race {
	struct iommufd_ioas *ioas;
	uint64_t refused, passed;
	atomic_int started;
};

static void *ioas_unmapper(void *arg)
{
	struct owner_race *r = arg;

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		uint64_t out;
		int rc = iommufd_ioas_unmap(r->ioas, IOVA0, 2 * PG, &out);

		if (rc == -EBUSY)
			r->refused++; /* the context's mapping */
		else if (rc == 0 || rc == -ENOENT)
			r->passed++; /* no context, or not mapped yet */
		else
			fail_msg("iommufd_ioas_unmap: %d", rc);
		atomic_store_explicit(&r->started, 1, memory_order_relaxed);
		sched_yield(); /* a busy machine: let the other thread run */
	}
	return NULL;
}

static void ioas_unmap_races_dma_destroy(void **state)
{
	struct iommufd_ctx *ctx;
	struct owner_race r = { NULL, 0, 0, 0 };
	pthread_t tid;

	(void)state;
	fake_reset();
	locked_sys = fake_sys;
	locked_sys.ioctl = locked_ioctl;
	mem = aligned_alloc(PG, 2 * PG);
	assert_non_null(mem);
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &locked_sys, &ctx), 0);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &r.ioas), 0);
	atomic_store(&stop, false);
	assert_int_equal(pthread_create(&tid, NULL, ioas_unmapper, &r), 0);
	while (!atomic_load(&r.started))
		sched_yield();
	for (int round = 0; round < OWNER_ROUNDS; round++) {
		uint64_t iova = IOVA0;

		assert_int_equal(iommufd_dma_new(r.ioas, NULL, &dma), 0);
		assert_int_equal(iommufd_dma_map(dma, mem, 2 * PG, &iova,
						 IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA), 0);
		for (int k = 0; k < 16; k++)
			sched_yield(); /* let the other thread find it mapped */
		assert_int_equal(iommufd_dma_destroy(dma), 0);
	}
	atomic_store(&stop, true);
	pthread_join(tid, NULL);
	print_message("# %d contexts, %llu unmaps refused, %llu passed\n", OWNER_ROUNDS,
		      (unsigned long long)r.refused, (unsigned long long)r.passed);
	assert_true(r.refused + r.passed > 0);
	assert_int_equal(iommufd_ioas_unmap_all(r.ioas, NULL), 0);
	assert_int_equal(iommufd_ioas_destroy(r.ioas), 0);
	assert_null(iommufd_ctx_unref(ctx));
	free(mem);
}

/* Issue 16 #1: a walk started from a thread-exit destructor that runs
 * after the epoch's own (a later pthread key, or a C++ thread_local's
 * destructor translating one last time) must not walk in the slot that the
 * epoch's hook has just given up: another thread may claim it and clear its
 * epoch while the walk goes on, and the writer then frees nodes under it.
 * Either a slot of its own (in use) or the emergency path (NULL). */
static pthread_key_t late_key;
static atomic_int late_bad, late_ran;

static void late_destructor(void *arg)
{
	struct epoch_slot *s;

	(void)arg;
	s = epoch_enter();
	if (s && !atomic_load(&s->used))
		atomic_store(&late_bad, 1); /* walking in a free slot */
	if (epoch_self_ && !atomic_load(&epoch_self_->used))
		atomic_store(&late_bad, 2); /* the thread still points at it */
	epoch_exit(s);
	atomic_store(&late_ran, 1);
}

static void *late_thread(void *arg)
{
	(void)arg;
	epoch_exit(epoch_enter()); /* registered: the epoch's hook will run */
	pthread_setspecific(late_key, (void *)1);
	return NULL;
}

static void translation_in_late_thread_destructor(void **state)
{
	struct epoch_list l = { 0 };
	pthread_t tid;
	void *p;

	(void)state;
	epoch_exit(epoch_enter()); /* the epoch's key exists before ours */
	assert_int_equal(pthread_key_create(&late_key, late_destructor), 0);
	for (int i = 0; i < 8; i++) {
		atomic_store(&late_ran, 0);
		assert_int_equal(pthread_create(&tid, NULL, late_thread, NULL), 0);
		assert_int_equal(pthread_join(tid, NULL), 0);
		assert_int_equal(atomic_load(&late_ran), 1);
		if (atomic_load(&late_bad))
			fail_msg("a late destructor's walk used a slot given up at thread exit (%d)",
				 atomic_load(&late_bad));
	}
	/* nothing is held back afterwards: frees go on */
	p = malloc(16);
	assert_non_null(p);
	assert_int_equal(epoch_list_reserve(&l, 1), 0);
	epoch_retire(&l, p);
	assert_int_equal(epoch_reclaim(&l), 0);
	epoch_list_drain(&l);
	pthread_key_delete(late_key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(translations_race_unmaps),
		cmocka_unit_test(stalled_reader_delays_free),
		cmocka_unit_test(translations_race_unmaps_fences),
		cmocka_unit_test(pool_threads_grow_and_give_back),
		cmocka_unit_test(ioas_unmap_races_dma_destroy),
		cmocka_unit_test(translation_in_late_thread_destructor),
	};

	return cmocka_run_group_tests_name("dma-threads", tests, NULL, NULL);
}
