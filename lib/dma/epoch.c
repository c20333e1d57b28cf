// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Epoch-based reclamation: reader slots and deferred frees (see epoch.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "base/sys.h"
#include "dma/epoch.h"

_Atomic uint64_t epoch_global_ = 1;
__thread struct epoch_slot *epoch_self_ __attribute__((tls_model("initial-exec")));
static atomic_bool asym;              /* membarrier(2) works */
static _Atomic uint64_t emergency;    /* threads walking without a slot */
static __thread unsigned int emergency_depth;
static __thread bool exited; /* the exit hook ran: no slot any more */
static struct epoch_slot nested; /* what epoch_enter() returns when nested */

/* Every slot ever made; append-only, so a lock-free scan is safe. */
static _Atomic(struct epoch_slot *) slots;
static pthread_key_t exit_key;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool have_key;

/*
 * The thread is exiting: give its slot back for another thread to claim.
 * The thread forgets it first, and remembers that it has none any more: a
 * destructor that runs after this one (another key's, a C++ thread_local's)
 * and translates must not walk in a slot that is free to claim, nor
 * register again (a slot set up now would never be given back, the key's
 * destructors having run). Its walks take the emergency path instead,
 * which holds back every free while they last.
 */
static void thread_exit(void *p)
{
	struct epoch_slot *s = p;

	epoch_self_ = NULL;
	exited = true;
	atomic_store_explicit(&s->epoch, 0, memory_order_release);
	atomic_store_explicit(&s->used, false, memory_order_release);
}

static void init_once(void)
{
	have_key = pthread_key_create(&exit_key, thread_exit) == 0;
	/* Asymmetric fences: the writer's membarrier() stands in for the
	 * readers' full fence. Kernels without it (or a seccomp filter) make
	 * the readers fence themselves. */
	if (sys_membarrier_register() == 0)
		atomic_store(&asym, true);
}

static struct epoch_slot *epoch_register(void)
{
	struct epoch_slot *s, *head;

	pthread_once(&once, init_once);
	for (s = atomic_load_explicit(&slots, memory_order_acquire); s; s = s->next) {
		bool f = false;

		if (!atomic_load_explicit(&s->used, memory_order_relaxed) &&
		    atomic_compare_exchange_strong(&s->used, &f, true))
			goto claimed;
	}
	s = aligned_alloc(64, sizeof(*s));
	if (!s)
		return NULL;
	atomic_init(&s->epoch, 0);
	atomic_init(&s->used, true);
	head = atomic_load_explicit(&slots, memory_order_relaxed);
	do
		s->next = head;
	while (!atomic_compare_exchange_weak_explicit(&slots, &head, s, memory_order_release,
						      memory_order_relaxed));
claimed:
	s->fence = !atomic_load(&asym);
	/* Without the key the slot is never recycled: a small leak, still safe. */
	if (have_key)
		pthread_setspecific(exit_key, s);
	epoch_self_ = s;
	return s;
}

int epoch_thread_register(void)
{
	if (epoch_self_)
		return 0;
	if (exited)
		return -ESRCH;
	return epoch_register() ? 0 : -ENOMEM;
}

void epoch_use_fences_(void)
{
	struct epoch_slot *s;

	pthread_once(&once, init_once);
	atomic_store(&asym, false);
	for (s = atomic_load_explicit(&slots, memory_order_acquire); s; s = s->next)
		s->fence = true;
}

struct epoch_slot *epoch_enter(void)
{
	struct epoch_slot *s = epoch_self_;

	if (!s && (exited || !(s = epoch_register()))) {
		emergency_depth++;
		atomic_fetch_add_explicit(&emergency, 1, memory_order_seq_cst);
		return NULL;
	}
	if (atomic_load_explicit(&s->epoch, memory_order_relaxed))
		return &nested; /* the outer walk protects this one */
	epoch_read_begin(s);
	return s;
}

void epoch_exit(struct epoch_slot *s)
{
	if (s == &nested)
		return;
	if (s) {
		epoch_read_end(s);
	} else if (emergency_depth) {
		emergency_depth--;
		atomic_fetch_sub_explicit(&emergency, 1, memory_order_release);
	}
}

int epoch_list_reserve(struct epoch_list *l, size_t n)
{
	struct epoch_retired *items;
	size_t cap;

	if (l->count + n <= l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 64;
	while (cap < l->count + n)
		cap *= 2;
	items = realloc(l->items, cap * sizeof(*items));
	if (!items)
		return -ENOMEM;
	l->items = items;
	l->cap = cap;
	return 0;
}

void epoch_retire(struct epoch_list *l, void *ptr)
{
	/* The caller reserved room. Reading the tag with a read-modify-write
	 * (a full barrier) orders the unpublication before it even against
	 * another writer's epoch advance. */
	l->items[l->count].ptr = ptr;
	l->items[l->count].epoch = atomic_fetch_add_explicit(&epoch_global_, 0, memory_order_seq_cst);
	l->count++;
}

size_t epoch_reclaim(struct epoch_list *l)
{
	uint64_t oldest = UINT64_MAX;
	struct epoch_slot *s;
	size_t i, kept = 0;

	if (!l->count)
		return 0;
	pthread_once(&once, init_once);
	/* Readers that start from now on see every unpublication so far. */
	atomic_fetch_add_explicit(&epoch_global_, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&asym, memory_order_relaxed)) {
		if (sys_membarrier() < 0)
			return l->count; /* no barrier, no free: try again later */
	} else {
		/* the readers fence themselves: the other half of the pair
		 * (epoch.h), between our unpublications and the slot loads */
		epoch_fence();
	}
	if (atomic_load_explicit(&emergency, memory_order_acquire))
		return l->count;
	for (s = atomic_load_explicit(&slots, memory_order_acquire); s; s = s->next) {
		uint64_t e = atomic_load_explicit(&s->epoch, memory_order_seq_cst);

		if (e && e < oldest)
			oldest = e;
	}
	for (i = 0; i < l->count; i++) {
		if (l->items[i].epoch < oldest)
			free(l->items[i].ptr);
		else
			l->items[kept++] = l->items[i];
	}
	l->count = kept;
	return kept;
}

void epoch_list_drain(struct epoch_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i].ptr);
	free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}
