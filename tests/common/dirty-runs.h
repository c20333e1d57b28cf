/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * What a dirty walk (iommufd_hwpt_for_each_dirty()) reported, for tests to
 * check: the first DIRTY_RUNS_MAX runs and how many there were.
 */
#ifndef TESTS_COMMON_DIRTY_RUNS_H
#define TESTS_COMMON_DIRTY_RUNS_H

#include <stdint.h>

#define DIRTY_RUNS_MAX 8

struct dirty_runs {
	uint64_t iova[DIRTY_RUNS_MAX], len[DIRTY_RUNS_MAX];
	int n;
};

/* The walk's callback; @data is a zeroed struct dirty_runs. */
static inline int dirty_runs_note(uint64_t iova, uint64_t length, void *data)
{
	struct dirty_runs *r = data;

	if (r->n < DIRTY_RUNS_MAX) {
		r->iova[r->n] = iova;
		r->len[r->n] = length;
	}
	r->n++;
	return 0;
}

#endif
