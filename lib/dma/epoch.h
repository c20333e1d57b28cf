/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Epoch-based memory reclamation for structures that readers walk without a
 * lock (the DMA translation registry).
 *
 * Readers bracket a walk with epoch_enter()/epoch_exit(): they publish the
 * global epoch they saw in a per-thread slot and clear it afterwards. A writer
 * unpublishes a node (one pointer store), tags it with the current epoch
 * (epoch_retire) and frees it once no reader can still hold it
 * (epoch_reclaim).
 *
 * Why a freed node was unreachable for every reader (the reclamation
 * argument):
 *  - The writer unpublishes node N, then reads the global epoch E and tags N
 *    with it. epoch_reclaim() first advances the global epoch past E, then
 *    issues a process-wide memory barrier (membarrier(2); without it the
 *    readers and the writer each issue a seq_cst fence between their store
 *    and their load, which is what C11 needs), then reads every reader slot. It
 *    frees N only if every slot is 0 (idle) or greater than E.
 *  - A slot greater than E was loaded (acquire) after the advance, which the
 *    writer made after unpublishing N: that reader's walk starts from the new
 *    pointers and cannot reach N.
 *  - A slot that reads 0 after the barrier belongs to a reader that either
 *    had finished its walk (its release store of 0 orders the walk before
 *    the free), or had not yet made its slot store visible; the barrier ran
 *    on that reader's CPU between the store and its first load of the
 *    structure, so its walk sees the unpublished state and cannot reach N.
 *  - A reader stalled inside a walk with an old epoch keeps everything
 *    retired at or after that epoch alive; nothing waits for it: the writer
 *    simply frees those nodes at a later reclaim. Readers never wait either,
 *    so lookups are wait-free.
 * Slots are per thread, cache-line sized (no sharing between readers),
 * allocated on a thread's first walk and recycled when the thread exits;
 * they are never freed, so a writer scanning the list never touches freed
 * memory either. At exit the thread forgets its slot before giving it
 * back; a walk from a destructor that runs later takes the emergency path
 * (no slot; frees wait until it ends), never the recycled slot.
 */
#ifndef IOMMUFD_LIB_EPOCH_H
#define IOMMUFD_LIB_EPOCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct epoch_slot {
	_Atomic uint64_t epoch; /* 0: not in a walk */
	struct epoch_slot *next;
	atomic_bool used;
	bool fence; /* no membarrier(2): the reader fences itself */
	char pad[64 - sizeof(uint64_t) - sizeof(void *) - sizeof(atomic_bool) - sizeof(bool)];
};

/* A seq_cst fence for the fence fallback. ThreadSanitizer does not model
 * fences (gcc refuses them under -fsanitize=thread with -Werror=tsan);
 * there the seq_cst read-modify-writes beside each fence (the slot
 * exchange below, epoch_reclaim()'s epoch increment) stand for them. */
#if defined(__SANITIZE_THREAD__)
#define EPOCH_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define EPOCH_TSAN 1
#endif
#endif
#ifdef EPOCH_TSAN
#define epoch_fence() ((void)0)
#else
#define epoch_fence() atomic_thread_fence(memory_order_seq_cst)
#endif

extern _Atomic uint64_t epoch_global_;
extern __thread struct epoch_slot *epoch_self_ __attribute__((tls_model("initial-exec")));

/* Start a walk in slot @s (the thread's own, not in a walk). */
static inline void epoch_read_begin(struct epoch_slot *s)
{
	uint64_t e = atomic_load_explicit(&epoch_global_, memory_order_acquire);

	/* Without membarrier(2), a full barrier of our own. In the C11 model
	 * this is the store-buffering pattern (we store the slot and then
	 * load the tree; the writer stores the tree and then loads the slot),
	 * which only seq_cst fences on both sides order: this one, and
	 * epoch_reclaim()'s. The exchange keeps the slot store an RMW, which
	 * ThreadSanitizer understands (it does not model fences). */
	if (__builtin_expect(s->fence, 0)) {
		atomic_exchange_explicit(&s->epoch, e, memory_order_seq_cst);
		epoch_fence();
	} else {
		atomic_store_explicit(&s->epoch, e, memory_order_relaxed);
		atomic_signal_fence(memory_order_seq_cst);
	}
}

static inline void epoch_read_end(struct epoch_slot *s)
{
	atomic_store_explicit(&s->epoch, 0, memory_order_release);
}

/* The calling thread's slot when a walk can start in it right away (it
 * has one and is not inside a walk, e.g. interrupted by a signal handler
 * that translates); NULL otherwise: then use epoch_enter(). */
static inline struct epoch_slot *epoch_slot_fast(void)
{
	struct epoch_slot *s = epoch_self_;

	if (__builtin_expect(!s || atomic_load_explicit(&s->epoch, memory_order_relaxed), 0))
		return NULL;
	return s;
}

/* The general entry: registers the thread on its first walk; returns what
 * epoch_exit() needs. Nested in a walk (a signal handler) it does nothing;
 * when no slot can be allocated the thread is counted in a global that
 * holds back every free until it leaves. */
struct epoch_slot *epoch_enter(void);
void epoch_exit(struct epoch_slot *s);

/* Give the calling thread its slot now (iommufd_dma_thread_register()):
 * 0, -ENOMEM, or -ESRCH when called while the thread exits (after its
 * slot was given back). */
int epoch_thread_register(void);

/* Tests: behave as without membarrier(2), readers fencing themselves.
 * Only while no thread is inside a walk. */
void epoch_use_fences_(void);

/* Retired memory, owned by one writer (who serialises its calls). */
struct epoch_retired {
	void *ptr;
	uint64_t epoch;
};

struct epoch_list {
	struct epoch_retired *items;
	size_t count, cap;
};

/* Queue @ptr for free(). Needs a free entry: call epoch_list_reserve()
 * before unpublishing anything, so retiring itself cannot fail. */
void epoch_retire(struct epoch_list *l, void *ptr);
/* Make room for @n more retirements; -ENOMEM. */
int epoch_list_reserve(struct epoch_list *l, size_t n);
/* Free what no reader can hold any more; returns how many remain. */
size_t epoch_reclaim(struct epoch_list *l);
/* Free everything now: no reader may be walking (destroy). */
void epoch_list_drain(struct epoch_list *l);

#endif
