// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Concurrency the other thread tests leave out (issue 16), for
 * ThreadSanitizer (tests/run-all's unit-tsan tier) as much as for the
 * answers:
 *  - several writers mapping, unmapping and allocating buffers on one DMA
 *    context while readers translate (maps serialise on the context's lock);
 *  - translations in a signal handler, interrupting the same thread's own
 *    translations, after iommufd_dma_thread_register();
 *  - many short-lived translating threads, created and exiting while a
 *    writer maps and unmaps (reader slots given back and taken again);
 *  - objects of one context created and destroyed in several threads at
 *    once, and the context's last reference dropped by whichever thread
 *    comes last;
 *  - four threads mapping, unmapping, overlapping (explained from the
 *    IOAS's record), probing features and reading ranges on one IOAS.
 * The fake kernel keeps unlocked state, so the threads reach it through a
 * table that takes one mutex around each call (the kernel serialises its
 * own state too).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "check.h"
#include "fake-kernel.h"
#include "xorshift.h"

/* ---- the fake kernel behind one mutex ---- */

static pthread_mutex_t kernel = PTHREAD_MUTEX_INITIALIZER;

#define LOCKED(ret, name, params, args)            \
	static ret l_##name params                 \
	{                                          \
		ret r_;                            \
		pthread_mutex_lock(&kernel);       \
		r_ = fake_sys.name args;           \
		pthread_mutex_unlock(&kernel);     \
		return r_;                         \
	}
LOCKED(int, open, (const char *p, int f), (p, f))
LOCKED(int, close, (int fd), (fd))
LOCKED(int, dup, (int fd), (fd))
LOCKED(int, ioctl, (int fd, unsigned long req, void *arg), (fd, req, arg))
LOCKED(int, mmap, (size_t len, int prot, int flags, int fd, off_t off, void **addr), (len, prot, flags, fd, off, addr))
LOCKED(int, munmap, (void *addr, size_t len), (addr, len))
LOCKED(int, memfd_create, (const char *name, unsigned int flags), (name, flags))
LOCKED(int, ftruncate, (int fd, off_t len), (fd, len))
LOCKED(int, madvise, (void *addr, size_t len, int advice), (addr, len, advice))
LOCKED(ssize_t, readlink, (const char *path, char *buf, size_t size), (path, buf, size))

static const struct iommufd_sys_ops locked_sys = {
	.open = l_open,
	.close = l_close,
	.dup = l_dup,
	.ioctl = l_ioctl,
	.mmap = l_mmap,
	.munmap = l_munmap,
	.memfd_create = l_memfd_create,
	.ftruncate = l_ftruncate,
	.madvise = l_madvise,
	.readlink = l_readlink,
};

#define PG 4096ull
#define WRITERS 3
#define PER_WRITER 32
#define IOVA0 0x1000000ull

static struct iommufd_ctx *ctx;
static struct iommufd_ioas *ioas;
static struct iommufd_dma *dma;
static uint8_t *mem;
static atomic_bool stop;
static atomic_int bad;

static void env_up(void)
{
	fake_reset();
	mem = aligned_alloc(PG, (WRITERS + 1) * PER_WRITER * 2 * PG);
	assert_non_null(mem);
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &locked_sys, &ctx));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_dma_new(ioas, NULL, &dma));
	atomic_store(&stop, false);
	atomic_store(&bad, 0);
}

static void env_down(void)
{
	assert_ok(ctx, iommufd_dma_destroy(dma));
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
	free(mem);
}

/* Mapping i of writer w: one page at mem + (w * PER_WRITER + i) * 2 pages,
 * IOVA IOVA0 + the same offset. */
static uint8_t *va_of(int w, int i)
{
	return mem + ((uint64_t)w * PER_WRITER + (uint64_t)i) * 2 * PG;
}

static uint64_t iova_of(int w, int i)
{
	return IOVA0 + ((uint64_t)w * PER_WRITER + (uint64_t)i) * 2 * PG;
}

static void *writer(void *arg)
{
	int w = (int)(intptr_t)arg;
	uint64_t seed = 0x1234u + (uint64_t)w;
	bool mapped[PER_WRITER] = { false };

	for (int k = 0; k < 1500; k++) {
		int i = (int)(xorshift64(&seed) % PER_WRITER);
		uint64_t iova = iova_of(w, i), got;

		if (mapped[i]) {
			if (iommufd_dma_unmap(dma, va_of(w, i)) != 0)
				atomic_fetch_add(&bad, 1);
		} else if (iommufd_dma_map(dma, va_of(w, i), PG, &iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA) != 0) {
			atomic_fetch_add(&bad, 1);
		} else if (iommufd_dma_translate(dma, va_of(w, i) + 8, &got, NULL) != 0 || got != iova_of(w, i) + 8) {
			atomic_fetch_add(&bad, 1); /* what this writer mapped translates at once */
		}
		mapped[i] = !mapped[i];
		if (k % 100 == 0) { /* a buffer too: allocation, IOVA, mapping, free */
			struct iommufd_dma_mem *b;

			if (iommufd_dma_mem_alloc(dma, PG, NULL, &b) != 0 ||
			    iommufd_dma_translate(dma, iommufd_dma_mem_get_vaddr(b), &got, NULL) != 0 ||
			    got != iommufd_dma_mem_get_iova(b) || iommufd_dma_mem_free(b) != 0)
				atomic_fetch_add(&bad, 1);
		}
	}
	for (int i = 0; i < PER_WRITER; i++)
		if (mapped[i] && iommufd_dma_unmap(dma, va_of(w, i)) != 0)
			atomic_fetch_add(&bad, 1);
	return NULL;
}

/* Any translation is of that writer's mapping or none. */
static void *reader(void *arg)
{
	uint64_t seed = 0x77u + (uintptr_t)arg, out;

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		int w = (int)(xorshift64(&seed) % WRITERS), i = (int)(xorshift64(&seed) % PER_WRITER);
		uint64_t off = xorshift64(&seed) % PG;

		if (iommufd_dma_translate(dma, va_of(w, i) + off, &out, NULL) == 0 && out != iova_of(w, i) + off)
			atomic_fetch_add(&bad, 1);
		/* the page after each mapping never is */
		if (iommufd_dma_translate(dma, va_of(w, i) + PG + off, &out, NULL) == 0)
			atomic_fetch_add(&bad, 1);
	}
	return NULL;
}

static void several_writers(void **state)
{
	pthread_t w[WRITERS], r[2];

	(void)state;
	env_up();
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&r[i], NULL, reader, (void *)(intptr_t)i), 0);
	for (int i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_create(&w[i], NULL, writer, (void *)(intptr_t)i), 0);
	for (int i = 0; i < WRITERS; i++)
		pthread_join(w[i], NULL);
	atomic_store(&stop, true);
	for (int i = 0; i < 2; i++)
		pthread_join(r[i], NULL);
	assert_int_equal(atomic_load(&bad), 0);
	assert_int_equal(fake_mapping_count(), 0);
	env_down();
}

/* ---- translations in a signal handler ---- */

/* A mapping that stays for the whole test, read by the handler. */
#define FIXED_W WRITERS
static atomic_int handled, handler_bad;

static void on_signal(int sig)
{
	uint64_t out;
	int saved = errno;

	(void)sig;
	if (iommufd_dma_translate(dma, va_of(FIXED_W, 0) + 100, &out, NULL) != 0 || out != iova_of(FIXED_W, 0) + 100)
		atomic_fetch_add(&handler_bad, 1);
	if (iommufd_dma_translate(dma, va_of(FIXED_W, 0) + PG, &out, NULL) == 0)
		atomic_fetch_add(&handler_bad, 1);
	atomic_fetch_add(&handled, 1);
	errno = saved;
}

static atomic_bool target_ready;

static void *target(void *arg)
{
	uint64_t out, seed = 5;

	(void)arg;
	if (iommufd_dma_thread_register() != 0)
		atomic_fetch_add(&bad, 1);
	atomic_store(&target_ready, true);
	/* translate all along: the signals land inside translations too */
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		int i = (int)(xorshift64(&seed) % PER_WRITER);

		if (iommufd_dma_translate(dma, va_of(0, i) + 8, &out, NULL) == 0 && out != iova_of(0, i) + 8)
			atomic_fetch_add(&bad, 1);
	}
	return NULL;
}

static void signal_handler_translates(void **state)
{
	struct sigaction sa = { .sa_handler = on_signal }, old;
	uint64_t iova = iova_of(FIXED_W, 0);
	pthread_t t, w;
	int sent = 0;

	(void)state;
	env_up();
	atomic_store(&handled, 0);
	atomic_store(&handler_bad, 0);
	atomic_store(&target_ready, false);
	assert_ok(ctx, iommufd_dma_map(dma, va_of(FIXED_W, 0), PG, &iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	assert_int_equal(pthread_create(&t, NULL, target, NULL), 0);
	while (!atomic_load(&target_ready))
		sched_yield();
	/* a writer changes the tree meanwhile, so handlers see nodes replaced */
	assert_int_equal(pthread_create(&w, NULL, writer, (void *)(intptr_t)0), 0);
	for (; sent < 2000; sent++) {
		assert_int_equal(pthread_kill(t, SIGUSR1), 0);
		if (sent % 16 == 0)
			usleep(100);
	}
	pthread_join(w, NULL);
	while (atomic_load(&handled) == 0)
		usleep(1000);
	atomic_store(&stop, true);
	pthread_join(t, NULL);
	assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
	print_message("# %d signals sent, %d handled\n", sent, atomic_load(&handled));
	assert_int_equal(atomic_load(&handler_bad), 0);
	assert_int_equal(atomic_load(&bad), 0);
	assert_true(atomic_load(&handled) > 0);
	assert_ok(ctx, iommufd_dma_unmap(dma, va_of(FIXED_W, 0)));
	env_down();
}

/* ---- threads that come and go ---- */

static void *short_lived(void *arg)
{
	uint64_t out, seed = 99u + (uintptr_t)arg;

	for (int k = 0; k < 50; k++) {
		int i = (int)(xorshift64(&seed) % PER_WRITER);

		if (iommufd_dma_translate(dma, va_of(0, i) + 16, &out, NULL) == 0 && out != iova_of(0, i) + 16)
			atomic_fetch_add(&bad, 1);
	}
	return NULL;
}

static void *spawner(void *arg)
{
	(void)arg;
	for (int round = 0; round < 100; round++) {
		pthread_t t[4];

		for (int i = 0; i < 4; i++)
			if (pthread_create(&t[i], NULL, short_lived, (void *)(intptr_t)(round * 4 + i)))
				atomic_fetch_add(&bad, 1);
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
	}
	return NULL;
}

static void threads_come_and_go(void **state)
{
	pthread_t s, w;

	(void)state;
	env_up();
	assert_int_equal(pthread_create(&s, NULL, spawner, NULL), 0);
	assert_int_equal(pthread_create(&w, NULL, writer, (void *)(intptr_t)0), 0);
	pthread_join(w, NULL);
	pthread_join(s, NULL);
	assert_int_equal(atomic_load(&bad), 0);
	env_down();
}

/* ---- objects made and destroyed in several threads ---- */

static void *object_churn(void *arg)
{
	struct iommufd_ctx *c = arg; /* a reference of this thread's own */
	char page[PG] __attribute__((aligned(4096)));

	/* the fake kernel hands out 63 object IDs in all, never twice */
	for (int k = 0; k < 7; k++) {
		struct iommufd_ioas *io;
		struct iommufd_fault *f;
		uint64_t iova;

		if (iommufd_ioas_new(c, NULL, &io) != 0) {
			atomic_fetch_add(&bad, 1);
			continue;
		}
		if (iommufd_ioas_map(io, page, PG, &iova, IOMMUFD_MAP_READ) != 0 ||
		    iommufd_ioas_unmap(io, iova, PG, NULL) != 0)
			atomic_fetch_add(&bad, 1);
		if (iommufd_fault_new(c, NULL, &f) != 0 || iommufd_fault_destroy(f) != 0)
			atomic_fetch_add(&bad, 1);
		if (iommufd_ioas_destroy(io) != 0)
			atomic_fetch_add(&bad, 1);
	}
	iommufd_ctx_unref(c); /* the last thread to finish frees the context */
	return NULL;
}

static void objects_and_last_unref(void **state)
{
	struct iommufd_ctx *c;
	pthread_t t[4];

	(void)state;
	fake_reset();
	atomic_store(&bad, 0);
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &locked_sys, &c));
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, object_churn, iommufd_ctx_ref(c)), 0);
	iommufd_ctx_unref(c); /* the threads hold the context now */
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&bad), 0);
	assert_fake_idle();
}

/* ---- many threads on one IOAS and one context ---- */

static struct iommufd_ioas *shared;

/* Thread t maps and unmaps its own 8 pages of IOVA at fixed addresses;
 * each time it also tries a map over its own live mapping (an overlap the
 * library explains from its record of the mappings) and asks the
 * features and the ranges, which the others do at the same time. */
static void *ioas_user(void *arg)
{
	int t = (int)(intptr_t)arg;
	uint8_t *va = mem + (uint64_t)t * 8 * PG;

	for (int k = 0; k < 200; k++) {
		uint64_t iova = IOVA0 + (uint64_t)t * 8 * PG + (uint64_t)(k % 8) * PG, again = iova, unmapped = 0;
		struct iommufd_iova_range *r = NULL;
		size_t n = 0;

		if (iommufd_ioas_map(shared, va + (k % 8) * PG, PG, &iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA))
			atomic_fetch_add(&bad, 1);
		if (iommufd_ioas_map(shared, va + (k % 8) * PG, PG, &again, IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA) != -EEXIST ||
		    !strstr(iommufd_ctx_last_error(ctx), "0x"))
			atomic_fetch_add(&bad, 1);
		if (!iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_IOAS))
			atomic_fetch_add(&bad, 1);
		if (iommufd_ioas_get_iova_ranges(shared, &r, &n, NULL) || n == 0)
			atomic_fetch_add(&bad, 1);
		free(r);
		if (iommufd_ioas_unmap(shared, iova, PG, &unmapped) || unmapped != PG)
			atomic_fetch_add(&bad, 1);
	}
	return NULL;
}

static void one_ioas_many_threads(void **state)
{
	pthread_t t[4];

	(void)state;
	fake_reset();
	mem = aligned_alloc(PG, 4 * 8 * PG);
	assert_non_null(mem);
	atomic_store(&bad, 0);
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &locked_sys, &ctx));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &shared));
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, ioas_user, (void *)(intptr_t)i), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&bad), 0);
	assert_int_equal(fake_mapping_count(), 0);
	assert_ok(ctx, iommufd_ioas_destroy(shared));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(several_writers),
		cmocka_unit_test(signal_handler_translates),
		cmocka_unit_test(threads_come_and_go),
		cmocka_unit_test(objects_and_last_unref),
		cmocka_unit_test(one_ioas_many_threads),
	};

	return cmocka_run_group_tests_name("threads-more", tests, NULL, NULL);
}
