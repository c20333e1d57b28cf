// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The explanation of a failure belongs to the thread and the context it
 * happened in: two threads failing differently on one context, in lock
 * step so the failures interleave, each read their own message; a thread
 * that never failed reads ""; a failure on a second context loses nothing;
 * a context at the address of a freed one starts with "". Expected failures
 * (an unmap of nothing) are logged at LOG_DEBUG, not LOG_ERR. The log
 * callback can be swapped while other threads log (run under TSan too:
 * meson setup -Db_sanitize=thread -Db_lundef=false).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>
#include <cmocka.h>

#include "check.h"
#include "fake-kernel.h"

static struct iommufd_ctx *new_ctx(void)
{
	struct iommufd_ctx *ctx = NULL;

	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	return ctx;
}

/* A failure the library finds itself (no kernel call), with a number of
 * the caller's choosing in its message: "set RLIMIT_MODE: unknown mode N". */
static void fail_with(struct iommufd_ctx *ctx, int n)
{
	assert_errno(EINVAL, iommufd_ctx_set_rlimit_mode(ctx, (enum iommufd_rlimit_mode)n));
}

static void assert_says(struct iommufd_ctx *ctx, int n)
{
	char want[64];

	snprintf(want, sizeof(want), "unknown mode %d", n);
	assert_explained(ctx, want);
}

/* ---- two threads, one context, interleaved ---- */

static struct iommufd_ctx *shared;
static pthread_barrier_t step;
static char never_failed[64] = "unset";

struct actor {
	int first, second; /* the modes this thread fails with */
	int order;         /* 0: fails first in each round, 1: second */
	int ok;
};

static void *actor_main(void *arg)
{
	struct actor *a = arg;

	/* round 1: A fails, then B fails, then both read */
	if (a->order == 1)
		pthread_barrier_wait(&step);
	fail_with(shared, a->first);
	if (a->order == 0)
		pthread_barrier_wait(&step);
	pthread_barrier_wait(&step);
	{
		char want[64];

		snprintf(want, sizeof(want), "unknown mode %d", a->first);
		a->ok = strstr(iommufd_ctx_last_error(shared), want) != NULL;
	}
	pthread_barrier_wait(&step);
	/* round 2: the other order; each reads after the other's failure */
	if (a->order == 0)
		pthread_barrier_wait(&step);
	fail_with(shared, a->second);
	if (a->order == 1)
		pthread_barrier_wait(&step);
	pthread_barrier_wait(&step);
	{
		char want[64];

		snprintf(want, sizeof(want), "unknown mode %d", a->second);
		a->ok = a->ok && strstr(iommufd_ctx_last_error(shared), want) != NULL;
	}
	return NULL;
}

static void *bystander_main(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&step); /* after both failures of round 1 */
	pthread_barrier_wait(&step);
	/* copied: the string lives in this thread's storage */
	snprintf(never_failed, sizeof(never_failed), "%s", iommufd_ctx_last_error(shared));
	pthread_barrier_wait(&step);
	pthread_barrier_wait(&step);
	pthread_barrier_wait(&step);
	return NULL;
}

static void test_two_threads_one_ctx(void **state)
{
	struct actor a = { .first = 1001, .second = 1002, .order = 0 };
	struct actor b = { .first = 2001, .second = 2002, .order = 1 };
	pthread_t ta, tb, tc;

	(void)state;
	fake_reset();
	shared = new_ctx();
	/* A, B and a bystander meet at each barrier: 3 parties. The bystander
	 * waits where A or B fail so every barrier has all three. */
	assert_int_equal(pthread_barrier_init(&step, NULL, 3), 0);
	assert_int_equal(pthread_create(&ta, NULL, actor_main, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, actor_main, &b), 0);
	assert_int_equal(pthread_create(&tc, NULL, bystander_main, NULL), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_join(tc, NULL);
	pthread_barrier_destroy(&step);
	assert_true(a.ok);
	assert_true(b.ok);
	assert_string_equal(never_failed, "");
	/* the main thread never failed on it either */
	assert_string_equal(iommufd_ctx_last_error(shared), "");
	shared = iommufd_ctx_unref(shared);
}

/* ---- one thread, several contexts ---- */

static void test_second_ctx_in_between(void **state)
{
	struct iommufd_ctx *c1 = new_ctx(), *c2 = new_ctx();

	(void)state;
	fail_with(c1, 11);
	assert_string_equal(iommufd_ctx_last_error(c2), "");
	fail_with(c2, 22);
	assert_says(c1, 11);
	assert_says(c2, 22);
	/* a success does not clear it */
	assert_int_equal(iommufd_ctx_get_fd(c1) >= 0, 1);
	assert_says(c1, 11);
	fail_with(c1, 12);
	assert_says(c1, 12);
	assert_says(c2, 22);
	iommufd_ctx_unref(c1);
	iommufd_ctx_unref(c2);
}

/* A thread keeps the explanations of the 4 contexts it failed on most
 * recently; the fifth evicts the one written least recently. */
static void test_eviction(void **state)
{
	struct iommufd_ctx *c[5];

	(void)state;
	for (int i = 0; i < 5; i++)
		c[i] = new_ctx();
	for (int i = 0; i < 4; i++)
		fail_with(c[i], 100 + i);
	fail_with(c[0], 200); /* c[0] is now the most recent, c[1] the oldest */
	fail_with(c[4], 104);
	assert_string_equal(iommufd_ctx_last_error(c[1]), "");
	assert_says(c[0], 200);
	assert_says(c[2], 102);
	assert_says(c[3], 103);
	assert_says(c[4], 104);
	for (int i = 0; i < 5; i++)
		iommufd_ctx_unref(c[i]);
}

/* A context allocated where a freed one was does not inherit its message. */
static void test_reused_address(void **state)
{
	struct iommufd_ctx *old = new_ctx(), *fresh;
	uintptr_t old_addr = (uintptr_t)old;
	int same = 0;

	(void)state;
	fail_with(old, 77);
	iommufd_ctx_unref(old);
	for (int i = 0; i < 8 && !same; i++) {
		fresh = new_ctx();
		same = (uintptr_t)fresh == old_addr;
		assert_string_equal(iommufd_ctx_last_error(fresh), "");
		iommufd_ctx_unref(fresh);
	}
	if (!same)
		print_message("# malloc did not reuse the address; checked fresh contexts only\n");
	assert_string_equal(iommufd_ctx_last_error(NULL), "");
}

/* ---- expected failures are quiet ---- */

static int log_err, log_debug;

static void count_log(struct iommufd_ctx *ctx, int priority, const char *fmt, va_list args, void *data)
{
	(void)ctx;
	(void)fmt;
	(void)args;
	(void)data;
	if (priority <= LOG_ERR)
		log_err++;
	else if (priority == LOG_DEBUG)
		log_debug++;
}

static void test_redundant_unmap_is_quiet(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_dma *dma;
	void *mem = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t iova;

	(void)state;
	assert_true(mem != MAP_FAILED);
	fake_reset();
	ctx = new_ctx();
	iommufd_ctx_set_log_fn(ctx, count_log, NULL);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &ioas), 0);
	log_err = log_debug = 0;

	/* the kernel's ENOENT: nothing mapped there */
	assert_fails(ctx, ENOENT, iommufd_ioas_unmap(ioas, 0x100000, 0x1000, NULL), "nothing is mapped there");
	assert_int_equal(log_err, 0);
	assert_int_equal(log_debug, 0); /* the context logs up to LOG_ERR */

	/* the DMA layer's: no mapping starts at this address */
	assert_int_equal(iommufd_dma_new(ioas, NULL, &dma), 0);
	assert_int_equal(iommufd_dma_map(dma, mem, 4096, &iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
	assert_int_equal(iommufd_dma_unmap(dma, mem), 0);
	assert_fails(ctx, ENOENT, iommufd_dma_unmap(dma, mem), "no mapping of this DMA context starts there");
	assert_int_equal(log_err, 0);

	/* at LOG_DEBUG both are logged, at that priority */
	iommufd_ctx_set_log_priority(ctx, LOG_DEBUG);
	log_debug = 0;
	assert_errno(ENOENT, iommufd_ioas_unmap(ioas, 0x100000, 0x1000, NULL));
	assert_errno(ENOENT, iommufd_dma_unmap(dma, mem));
	assert_int_equal(log_err, 0);
	assert_int_equal(log_debug, 2);

	/* an unexpected failure still logs at LOG_ERR */
	fail_with(ctx, 5);
	assert_int_equal(log_err, 1);

	assert_int_equal(iommufd_dma_destroy(dma), 0);
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	iommufd_ctx_unref(ctx);
	munmap(mem, 8192);
}

/* ---- the log callback swapped while other threads log ---- */

#define LOGGERS 3
#define LOG_ROUNDS 2000

static atomic_int calls_a, calls_b;
static atomic_bool logging_done;

static void log_a(struct iommufd_ctx *ctx, int priority, const char *fmt, va_list args, void *data)
{
	(void)ctx;
	(void)priority;
	(void)fmt;
	(void)args;
	atomic_fetch_add((atomic_int *)data, 1);
}

static void *logger_main(void *arg)
{
	struct iommufd_ctx *ctx = arg;

	for (int i = 0; i < LOG_ROUNDS; i++)
		iommufd_ctx_set_rlimit_mode(ctx, (enum iommufd_rlimit_mode)(3000 + i));
	return NULL;
}

static void *swapper_main(void *arg)
{
	struct iommufd_ctx *ctx = arg;

	for (unsigned int i = 0; !atomic_load(&logging_done); i++) {
		iommufd_ctx_set_log_fn(ctx, log_a, i & 1 ? (void *)&calls_b : (void *)&calls_a);
		iommufd_ctx_set_log_priority(ctx, i & 2 ? LOG_DEBUG : LOG_ERR);
	}
	return NULL;
}

static void test_log_swap_while_logging(void **state)
{
	struct iommufd_ctx *ctx = new_ctx();
	pthread_t t[LOGGERS], s;

	(void)state;
	atomic_store(&calls_a, 0);
	atomic_store(&calls_b, 0);
	atomic_store(&logging_done, false);
	iommufd_ctx_set_log_fn(ctx, log_a, &calls_a);
	assert_int_equal(pthread_create(&s, NULL, swapper_main, ctx), 0);
	for (int i = 0; i < LOGGERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, logger_main, ctx), 0);
	for (int i = 0; i < LOGGERS; i++)
		pthread_join(t[i], NULL);
	atomic_store(&logging_done, true);
	pthread_join(s, NULL);
	/* every failure logged once, at LOG_ERR, to one callback or the other */
	assert_int_equal(atomic_load(&calls_a) + atomic_load(&calls_b), LOGGERS * LOG_ROUNDS);
	iommufd_ctx_unref(ctx);
}

/* Issue 16 #10: the log callback may call the library (ctx.h), and a
 * failure there must not change the message being logged, nor leave the
 * nested failure's explanation in place of the outer call's. */
static int reenter_depth;
static char reenter_seen[512];

static __attribute__((format(printf, 3, 0))) void
reenter_log(struct iommufd_ctx *ctx, int priority, const char *fmt, va_list args, void *data)
{
	(void)priority;
	(void)data;
	if (reenter_depth++ == 0) {
		fail_with(ctx, 77); /* fails and logs again, nested */
		vsnprintf(reenter_seen, sizeof(reenter_seen), fmt, args);
	}
	reenter_depth--;
}

static void test_log_fn_fails_too(void **state)
{
	struct iommufd_ctx *ctx;

	(void)state;
	fake_reset();
	ctx = new_ctx();
	iommufd_ctx_set_log_fn(ctx, reenter_log, NULL);
	reenter_seen[0] = 0;
	fail_with(ctx, 5);
	if (!strstr(reenter_seen, "unknown mode 5"))
		fail_msg("the callback was handed \"%s\" for the failure of mode 5", reenter_seen);
	assert_says(ctx, 5);
	assert_null(iommufd_ctx_unref(ctx));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_threads_one_ctx),
		cmocka_unit_test(test_second_ctx_in_between),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_reused_address),
		cmocka_unit_test(test_redundant_unmap_is_quiet),
		cmocka_unit_test(test_log_swap_while_logging),
		cmocka_unit_test(test_log_fn_fails_too),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
