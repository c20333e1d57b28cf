// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The spin lock of base/spinlock.h under real-time scheduling (issue 16
 * #10): a SCHED_FIFO thread waiting for a lock held by a lower-priority
 * thread on the same CPU must let the holder run. sched_yield() alone
 * never does (it only yields to equal priorities), so a waiter that only
 * yields spins forever. Needs permission for SCHED_FIFO; skipped without.
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
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/spinlock.h"

static atomic_flag lock = ATOMIC_FLAG_INIT;
static atomic_int done;

static int fifo_attr(pthread_attr_t *a, int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	pthread_attr_init(a);
	pthread_attr_setinheritsched(a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(a, SCHED_FIFO);
	pthread_attr_setschedparam(a, &sp);
	return pthread_attr_setaffinity_np(a, sizeof(cpus), &cpus);
}

static void *waiter(void *arg)
{
	(void)arg;
	spin_lock(&lock);
	spin_unlock(&lock);
	atomic_store(&done, 1);
	return NULL;
}

/* Low priority: take the lock, start the high-priority waiter on the same
 * CPU (it runs at once), release the lock when it lets us run again. */
static void *holder(void *arg)
{
	pthread_attr_t a;
	pthread_t tid;

	(void)arg;
	spin_lock(&lock);
	fifo_attr(&a, 2);
	if (pthread_create(&tid, &a, waiter, NULL) != 0) {
		pthread_attr_destroy(&a);
		spin_unlock(&lock);
		atomic_store(&done, -1);
		return NULL;
	}
	pthread_attr_destroy(&a);
	spin_unlock(&lock);
	pthread_join(tid, NULL);
	return NULL;
}

static void fifo_waiter_lets_lower_holder_run(void **state)
{
	struct timespec t0, t;
	pthread_attr_t a;
	pthread_t tid;
	int rc;

	(void)state;
	fifo_attr(&a, 1);
	rc = pthread_create(&tid, &a, holder, NULL);
	pthread_attr_destroy(&a);
	if (rc == EPERM || rc == EINVAL) {
		print_message("# SCHED_FIFO not permitted here: %d\n", rc);
		skip();
	}
	assert_int_equal(rc, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (atomic_load(&done))
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 5) {
			/* the waiter spins on CPU 0 for ever; exiting ends it */
			fprintf(stderr, "livelock: the SCHED_FIFO waiter never let the holder run\n");
			printf("not ok 1 - fifo_waiter_lets_lower_holder_run\n");
			fflush(stdout);
			_exit(1);
		}
		usleep(1000);
	}
	if (atomic_load(&done) < 0)
		skip();
	pthread_join(tid, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fifo_waiter_lets_lower_holder_run),
	};

	return cmocka_run_group_tests_name("spinlock", tests, NULL, NULL);
}
