/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * A lock for short critical sections that never sleep (a few tree steps).
 * An uncontended pthread mutex costs about eight times as much, which shows
 * on a 4 KiB map+unmap under emulation; a holder that is preempted makes
 * the others yield rather than burn their time slice.
 */
#ifndef IOMMUFD_BASE_SPINLOCK_H
#define IOMMUFD_BASE_SPINLOCK_H

#include <sched.h>
#include <stdatomic.h>

static inline void spin_lock(atomic_flag *lock)
{
	for (unsigned int spins = 0; atomic_flag_test_and_set_explicit(lock, memory_order_acquire); spins++)
		if (spins >= 64)
			sched_yield();
}

static inline void spin_unlock(atomic_flag *lock)
{
	atomic_flag_clear_explicit(lock, memory_order_release);
}

#endif
