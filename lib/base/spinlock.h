/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * A lock for short critical sections that never sleep (a few tree steps).
 * An uncontended pthread mutex costs about eight times as much, which shows
 * on a 4 KiB map+unmap under emulation.
 *
 * A waiter spins a little (the holder is on another CPU and about done),
 * then yields (the holder was preempted by a thread of its priority), then
 * sleeps, 1 us at first and twice as long each time up to 1 ms. Only the
 * sleep lets a holder of lower priority run: a SCHED_FIFO waiter that only
 * yielded would spin for ever on the CPU the holder needs.
 */
#ifndef IOMMUFD_BASE_SPINLOCK_H
#define IOMMUFD_BASE_SPINLOCK_H

#include <stdatomic.h>

#include "base/sys.h"

enum { SPIN_TRIES = 64, SPIN_YIELDS = 16 };

static inline void spin_lock(atomic_flag *lock)
{
	unsigned int n = 0;
	long nap = 1000;

	while (atomic_flag_test_and_set_explicit(lock, memory_order_acquire)) {
		if (n < SPIN_TRIES) {
			n++;
		} else if (n < SPIN_TRIES + SPIN_YIELDS) {
			n++;
			sys_yield();
		} else {
			sys_nap(nap);
			if (nap < 1000000)
				nap *= 2;
		}
	}
}

static inline void spin_unlock(atomic_flag *lock)
{
	atomic_flag_clear_explicit(lock, memory_order_release);
}

#endif
