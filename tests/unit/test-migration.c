// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * VFIO device migration: iommufd_mig_next_state() against the kernel's own
 * table and algorithm (copied below as data from drivers/vfio/vfio_main.c
 * of Linux 7.3, vfio_mig_get_next_state()) for every combination of
 * migration flags, every start and every target; the combination paths the
 * kernel's comment lists; the walker over the fake kernel (whose driver
 * takes direct arcs only), the data descriptor, the refusals and the
 * failures of every call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <iommufd/feature.h>
#include <iommufd/migration.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

/* The kernel's enum vfio_device_mig_state. */
enum { K_ERROR, K_STOP, K_RUNNING, K_STOP_COPY, K_RESUMING, K_RUNNING_P2P, K_PRE_COPY, K_PRE_COPY_P2P, K_N };

/* vfio_from_fsm_table, as the kernel writes it (rows: from; columns: to). */
static const unsigned char kernel_table[K_N][K_N] = {
	[K_STOP] = {
		[K_STOP] = K_STOP, [K_RUNNING] = K_RUNNING_P2P, [K_PRE_COPY] = K_RUNNING_P2P,
		[K_PRE_COPY_P2P] = K_RUNNING_P2P, [K_STOP_COPY] = K_STOP_COPY, [K_RESUMING] = K_RESUMING,
		[K_RUNNING_P2P] = K_RUNNING_P2P, [K_ERROR] = K_ERROR,
	},
	[K_RUNNING] = {
		[K_STOP] = K_RUNNING_P2P, [K_RUNNING] = K_RUNNING, [K_PRE_COPY] = K_PRE_COPY,
		[K_PRE_COPY_P2P] = K_RUNNING_P2P, [K_STOP_COPY] = K_RUNNING_P2P, [K_RESUMING] = K_RUNNING_P2P,
		[K_RUNNING_P2P] = K_RUNNING_P2P, [K_ERROR] = K_ERROR,
	},
	[K_PRE_COPY] = {
		[K_STOP] = K_RUNNING, [K_RUNNING] = K_RUNNING, [K_PRE_COPY] = K_PRE_COPY,
		[K_PRE_COPY_P2P] = K_PRE_COPY_P2P, [K_STOP_COPY] = K_PRE_COPY_P2P, [K_RESUMING] = K_RUNNING,
		[K_RUNNING_P2P] = K_RUNNING, [K_ERROR] = K_ERROR,
	},
	[K_PRE_COPY_P2P] = {
		[K_STOP] = K_RUNNING_P2P, [K_RUNNING] = K_RUNNING_P2P, [K_PRE_COPY] = K_PRE_COPY,
		[K_PRE_COPY_P2P] = K_PRE_COPY_P2P, [K_STOP_COPY] = K_STOP_COPY, [K_RESUMING] = K_RUNNING_P2P,
		[K_RUNNING_P2P] = K_RUNNING_P2P, [K_ERROR] = K_ERROR,
	},
	[K_STOP_COPY] = {
		[K_STOP] = K_STOP, [K_RUNNING] = K_STOP, [K_PRE_COPY] = K_ERROR, [K_PRE_COPY_P2P] = K_ERROR,
		[K_STOP_COPY] = K_STOP_COPY, [K_RESUMING] = K_STOP, [K_RUNNING_P2P] = K_STOP, [K_ERROR] = K_ERROR,
	},
	[K_RESUMING] = {
		[K_STOP] = K_STOP, [K_RUNNING] = K_STOP, [K_PRE_COPY] = K_STOP, [K_PRE_COPY_P2P] = K_STOP,
		[K_STOP_COPY] = K_STOP, [K_RESUMING] = K_RESUMING, [K_RUNNING_P2P] = K_STOP, [K_ERROR] = K_ERROR,
	},
	[K_RUNNING_P2P] = {
		[K_STOP] = K_STOP, [K_RUNNING] = K_RUNNING, [K_PRE_COPY] = K_RUNNING,
		[K_PRE_COPY_P2P] = K_PRE_COPY_P2P, [K_STOP_COPY] = K_STOP, [K_RESUMING] = K_STOP,
		[K_RUNNING_P2P] = K_RUNNING_P2P, [K_ERROR] = K_ERROR,
	},
	[K_ERROR] = {
		[K_STOP] = K_ERROR, [K_RUNNING] = K_ERROR, [K_PRE_COPY] = K_ERROR, [K_PRE_COPY_P2P] = K_ERROR,
		[K_STOP_COPY] = K_ERROR, [K_RESUMING] = K_ERROR, [K_RUNNING_P2P] = K_ERROR, [K_ERROR] = K_ERROR,
	},
};

#define SC UAPI_VFIO_MIGRATION_STOP_COPY
#define P2P UAPI_VFIO_MIGRATION_P2P
#define PRE UAPI_VFIO_MIGRATION_PRE_COPY

/* state_flags_table */
static const unsigned int kernel_needs[K_N] = {
	[K_STOP] = SC, [K_RUNNING] = SC, [K_PRE_COPY] = SC | PRE, [K_PRE_COPY_P2P] = SC | P2P | PRE,
	[K_STOP_COPY] = SC, [K_RESUMING] = SC, [K_RUNNING_P2P] = SC | P2P, [K_ERROR] = ~0u,
};

/* The kernel's algorithm on its table: 0 and *next, or -EINVAL. */
static int kernel_next(unsigned int flags, unsigned int cur, unsigned int to, unsigned int *next)
{
	if ((kernel_needs[cur] & flags) != kernel_needs[cur] || (kernel_needs[to] & flags) != kernel_needs[to])
		return -EINVAL;
	*next = kernel_table[cur][to];
	while (*next != K_ERROR && (kernel_needs[*next] & flags) != kernel_needs[*next])
		*next = kernel_table[*next][to];
	return *next != K_ERROR ? 0 : -EINVAL;
}

/* Every flags combination (valid or not), every start, every target. */
static void table_matches_kernel(void **state)
{
	int checked = 0, refused = 0;

	(void)state;
	for (unsigned int flags = 0; flags < 8; flags++)
		for (unsigned int cur = 0; cur < K_N; cur++)
			for (unsigned int to = 0; to < K_N; to++) {
				enum iommufd_mig_state next = (enum iommufd_mig_state)99;
				unsigned int want = 99;
				int krc = kernel_next(flags, cur, to, &want);
				int rc = iommufd_mig_next_state(flags, (enum iommufd_mig_state)cur,
								(enum iommufd_mig_state)to, &next);

				if (rc != krc || (rc == 0 && (unsigned int)next != want))
					fail_msg("flags 0x%x %u -> %u: library %d next %d, kernel %d next %u", flags, cur,
						 to, rc, (int)next, krc, want);
				if (rc < 0) {
					assert_int_equal(errno, EINVAL);
					assert_int_equal((int)next, 99); /* untouched */
					assert_true(iommufd_last_error()[0] != '\0');
					refused++;
				}
				checked++;
			}
	assert_int_equal(checked, 8 * 8 * 8);
	print_message("# %d transitions checked against the kernel's table, %d refused\n", checked, refused);
	/* out of range */
	{
		enum iommufd_mig_state next;

		assert_errno(EINVAL, iommufd_mig_next_state(7, (enum iommufd_mig_state)8, IOMMUFD_MIG_STATE_STOP, &next));
		assert_errno(EINVAL, iommufd_mig_next_state(7, IOMMUFD_MIG_STATE_STOP, (enum iommufd_mig_state)-1, &next));
		assert_errno(EINVAL, iommufd_mig_next_state(7, IOMMUFD_MIG_STATE_STOP, IOMMUFD_MIG_STATE_RUNNING, NULL));
	}
}

/* Walk a path with the library's next_state; "A B C" of state names. */
static void path(unsigned int flags, enum iommufd_mig_state from, enum iommufd_mig_state to, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%s", iommufd_mig_state_name(from));

	for (int i = 0; from != to && i < 10; i++) {
		assert_int_equal(iommufd_mig_next_state(flags, from, to, &from), 0);
		n += (size_t)snprintf(buf + n, size - n, " -> %s", iommufd_mig_state_name(from));
	}
}

/* The combination transitions the kernel's comment lists for a device with
 * every optional state (P2P and PRE_COPY). */
static void kernel_listed_paths(void **state)
{
	static const char *const listed[] = {
		"PRE_COPY -> PRE_COPY_P2P -> STOP_COPY",
		"PRE_COPY -> RUNNING -> RUNNING_P2P",
		"PRE_COPY -> RUNNING -> RUNNING_P2P -> STOP",
		"PRE_COPY -> RUNNING -> RUNNING_P2P -> STOP -> RESUMING",
		"PRE_COPY_P2P -> RUNNING_P2P -> RUNNING",
		"PRE_COPY_P2P -> RUNNING_P2P -> STOP",
		"PRE_COPY_P2P -> RUNNING_P2P -> STOP -> RESUMING",
		"RESUMING -> STOP -> RUNNING_P2P",
		"RESUMING -> STOP -> RUNNING_P2P -> PRE_COPY_P2P",
		"RESUMING -> STOP -> RUNNING_P2P -> RUNNING",
		"RESUMING -> STOP -> RUNNING_P2P -> RUNNING -> PRE_COPY",
		"RESUMING -> STOP -> STOP_COPY",
		"RUNNING -> RUNNING_P2P -> PRE_COPY_P2P",
		"RUNNING -> RUNNING_P2P -> STOP",
		"RUNNING -> RUNNING_P2P -> STOP -> RESUMING",
		"RUNNING -> RUNNING_P2P -> STOP -> STOP_COPY",
		"RUNNING_P2P -> RUNNING -> PRE_COPY",
		"RUNNING_P2P -> STOP -> RESUMING",
		"RUNNING_P2P -> STOP -> STOP_COPY",
		"STOP -> RUNNING_P2P -> PRE_COPY_P2P",
		"STOP -> RUNNING_P2P -> RUNNING",
		"STOP -> RUNNING_P2P -> RUNNING -> PRE_COPY",
		"STOP_COPY -> STOP -> RESUMING",
		"STOP_COPY -> STOP -> RUNNING_P2P",
		"STOP_COPY -> STOP -> RUNNING_P2P -> RUNNING",
	};
	char buf[160];

	(void)state;
	for (size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); i++) {
		char first[20], last[20];
		enum iommufd_mig_state a = IOMMUFD_MIG_STATE_ERROR, b = IOMMUFD_MIG_STATE_ERROR;
		const char *end = strrchr(listed[i], ' ') + 1;

		sscanf(listed[i], "%19s", first);
		snprintf(last, sizeof(last), "%s", end);
		for (int s = 0; s < 8; s++) {
			if (!strcmp(iommufd_mig_state_name((enum iommufd_mig_state)s), first))
				a = (enum iommufd_mig_state)s;
			if (!strcmp(iommufd_mig_state_name((enum iommufd_mig_state)s), last))
				b = (enum iommufd_mig_state)s;
		}
		path(SC | P2P | PRE, a, b, buf, sizeof(buf));
		assert_string_equal(buf, listed[i]);
	}
	/* without P2P and PRE_COPY, RUNNING -> STOP is direct */
	path(SC, IOMMUFD_MIG_STATE_RUNNING, IOMMUFD_MIG_STATE_STOP_COPY, buf, sizeof(buf));
	assert_string_equal(buf, "RUNNING -> STOP -> STOP_COPY");
	/* the blocked arcs, with the reason */
	{
		enum iommufd_mig_state next = IOMMUFD_MIG_STATE_ERROR;

		assert_fails(NULL, EINVAL, iommufd_mig_next_state(SC | PRE, IOMMUFD_MIG_STATE_STOP_COPY, IOMMUFD_MIG_STATE_PRE_COPY, &next),
			     "forbids STOP_COPY to PRE_COPY");
		assert_fails(NULL, EINVAL, iommufd_mig_next_state(SC, IOMMUFD_MIG_STATE_RUNNING, IOMMUFD_MIG_STATE_RUNNING_P2P, &next),
			     "RUNNING_P2P needs P2P");
		assert_fails(NULL, EINVAL, iommufd_mig_next_state(SC, IOMMUFD_MIG_STATE_RUNNING, IOMMUFD_MIG_STATE_ERROR, &next),
			     "never a state to ask for");
		assert_fails(NULL, EINVAL, iommufd_mig_next_state(P2P, IOMMUFD_MIG_STATE_RUNNING, IOMMUFD_MIG_STATE_STOP, &next),
			     "needs STOP_COPY");
		assert_int_equal(next, IOMMUFD_MIG_STATE_ERROR);
	}
	assert_string_equal(iommufd_mig_state_name((enum iommufd_mig_state)42), "?");
}

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev;
};

static int setup(void **state)
{
	static struct env e;

	fake_reset();
	fake_feature_config(FAKE_FEATURES_VFIO_PCI | FAKE_FEATURES_MIGRATION, SC | P2P | PRE);
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e.ctx), 0);
	assert_int_equal(iommufd_device_open_cdev(e.ctx, "/dev/vfio/devices/vfio0", NULL, &e.dev), 0);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	iommufd_device_close(e->dev);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	return 0;
}

/* The walker takes one direct arc per SET (the fake's driver refuses any
 * other), hands back the one session descriptor, and every flag set. */
static void walk_all_flags(void **state)
{
	(void)state;
	for (unsigned int flags = SC; flags < 8; flags += 2) {
		for (unsigned int to = 1; to < K_N; to++) {
			struct iommufd_ctx *ctx;
			struct iommufd_device *dev;
			struct fake_mig_arc arcs[FAKE_MIG_HISTORY];
			enum iommufd_mig_state st = IOMMUFD_MIG_STATE_ERROR, s;
			unsigned int want;
			int fd = -2, n, rc, k = 0;

			fake_reset();
			fake_feature_config(FAKE_FEATURES_MIGRATION, flags);
			assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
			assert_int_equal(iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev), 0);
			rc = iommufd_device_walk_mig_state(dev, (enum iommufd_mig_state)to, &fd);
			if (kernel_next(flags, K_RUNNING, to, &want) < 0 && to != K_RUNNING) {
				assert_int_equal(rc, -EINVAL);
				assert_int_equal(fd, -2);
				assert_explained(ctx, "nothing was done");
				assert_int_equal(fake_mig_history(arcs, FAKE_MIG_HISTORY), 0);
			} else {
				assert_ok(ctx, rc);
				assert_ok(ctx, iommufd_device_get_mig_state(dev, &st));
				assert_int_equal(st, to);
				n = fake_mig_history(arcs, FAKE_MIG_HISTORY);
				/* the kernel's path, arc by arc */
				for (s = IOMMUFD_MIG_STATE_RUNNING; s != (enum iommufd_mig_state)to; k++) {
					assert_int_equal(kernel_next(flags, s, to, &want), 0);
					assert_true(k < n);
					assert_int_equal(arcs[k].from, s);
					assert_int_equal(arcs[k].to, want);
					s = (enum iommufd_mig_state)want;
				}
				assert_int_equal(k, n);
				/* a session exactly when the target saves or resumes */
				if (to == K_STOP_COPY || to == K_RESUMING || to == K_PRE_COPY || to == K_PRE_COPY_P2P)
					assert_true(fd >= 0);
				else
					assert_int_equal(fd, -1);
				if (fd >= 0)
					assert_int_equal(fake_sys.close(fd), 0); /* the caller's */
			}
			iommufd_device_close(dev);
			assert_null(iommufd_ctx_unref(ctx));
			assert_fake_idle();
		}
	}
}

static void set_and_get(void **state)
{
	struct env *e = *state;
	enum iommufd_mig_state st = IOMMUFD_MIG_STATE_ERROR;
	struct iommufd_precopy_info pi = { .sz = sizeof(pi) };
	uint32_t flags = 0;
	uint64_t size = 0;
	int fd = -2, pfd = -2;

	assert_ok(e->ctx, iommufd_device_get_migration_flags(e->dev, &flags));
	assert_int_equal(flags, IOMMUFD_MIG_STOP_COPY | IOMMUFD_MIG_P2P | IOMMUFD_MIG_PRE_COPY);
	/* kept by the handle: no second ioctl */
	fake_inject(UAPI_VFIO_DEVICE_FEATURE, EIO);
	assert_ok(e->ctx, iommufd_device_get_migration_flags(e->dev, &flags));
	assert_fails(e->ctx, EIO, iommufd_device_get_mig_state(e->dev, &st), "mig_device_state"); /* the injection fires here */
	fake_inject(0, 0);
	assert_int_equal(st, IOMMUFD_MIG_STATE_ERROR); /* untouched: that failed */
	assert_ok(e->ctx, iommufd_device_get_mig_state(e->dev, &st));
	assert_int_equal(st, IOMMUFD_MIG_STATE_RUNNING);
	/* one direct arc, no descriptor; NULL is fine then */
	assert_ok(e->ctx, iommufd_device_set_mig_state(e->dev, IOMMUFD_MIG_STATE_RUNNING_P2P, NULL));
	/* an arc the driver does not take in one SET: the kernel's EINVAL, explained */
	assert_fails(e->ctx, EINVAL, iommufd_device_set_mig_state(e->dev, IOMMUFD_MIG_STATE_RESUMING, &fd),
		     "the device refused RESUMING");
	assert_int_equal(fd, -2);
	assert_fails(e->ctx, EINVAL, iommufd_device_set_mig_state(e->dev, IOMMUFD_MIG_STATE_ERROR, &fd), "ERROR cannot be asked for");
	assert_fails(e->ctx, EINVAL, iommufd_device_set_mig_state(e->dev, (enum iommufd_mig_state)9, &fd), "not a migration state");
	/* pre-copy: a session, its estimates, v2 */
	assert_ok(e->ctx, iommufd_device_set_mig_state(e->dev, IOMMUFD_MIG_STATE_PRE_COPY_P2P, &pfd));
	assert_true(pfd >= 0);
	assert_ok(e->ctx, iommufd_device_get_precopy_info(e->dev, pfd, &pi));
	assert_int_equal(pi.initial_bytes, 4096);
	assert_int_equal(pi.dirty_bytes, 512);
	assert_int_equal(pi.flags, 0);
	assert_ok(e->ctx, iommufd_device_enable_precopy_info_v2(e->dev));
	assert_ok(e->ctx, iommufd_device_get_precopy_info(e->dev, pfd, &pi));
	assert_int_equal(pi.flags, IOMMUFD_PRECOPY_INFO_REINIT);
	/* a descriptor given with nowhere to put it: closed, refused */
	assert_ok(e->ctx, iommufd_device_set_mig_state(e->dev, IOMMUFD_MIG_STATE_STOP_COPY, &fd));
	assert_int_equal(fd, -1); /* PRE_COPY_P2P -> STOP_COPY continues the session */
	assert_ok(e->ctx, iommufd_device_get_stop_copy_size(e->dev, &size));
	assert_int_equal(size, 1234);
	/* not in pre-copy any more */
	pi.initial_bytes = 77;
	assert_fails(e->ctx, EINVAL, iommufd_device_get_precopy_info(e->dev, pfd, &pi), "not in PRE_COPY");
	assert_int_equal(pi.initial_bytes, 77);
	assert_fails(e->ctx, ENOTTY, iommufd_device_get_precopy_info(e->dev, iommufd_device_get_fd(e->dev), &pi),
		     "not the descriptor of a saving session");
	assert_fails(e->ctx, EBADF, iommufd_device_get_precopy_info(e->dev, -1, &pi), "not a descriptor");
	pi.sz = 4;
	assert_errno(EINVAL, iommufd_device_get_precopy_info(e->dev, pfd, &pi));
	assert_int_equal(fake_sys.close(pfd), 0);
	assert_ok(e->ctx, iommufd_device_set_mig_state(e->dev, IOMMUFD_MIG_STATE_STOP, NULL));
	assert_fails(e->ctx, EINVAL, iommufd_device_set_mig_state(e->dev, IOMMUFD_MIG_STATE_RESUMING, NULL),
		     "data_fd is NULL");
	assert_ok(e->ctx, iommufd_device_get_mig_state(e->dev, &st));
	assert_int_equal(st, IOMMUFD_MIG_STATE_RESUMING);
	/* the walk back to RUNNING from RESUMING: STOP, RUNNING_P2P, RUNNING */
	assert_ok(e->ctx, iommufd_device_walk_mig_state(e->dev, IOMMUFD_MIG_STATE_RUNNING, &fd));
	assert_int_equal(fd, -1);
	/* and to where it already is: nothing */
	assert_ok(e->ctx, iommufd_device_walk_mig_state(e->dev, IOMMUFD_MIG_STATE_RUNNING, &fd));
	assert_int_equal(fd, -1);
}

/* STOP_COPY -> PRE_COPY is refused before any SET, with the reason. */
static void walk_refused(void **state)
{
	struct env *e = *state;
	struct fake_mig_arc arcs[4];
	int fd = -2, before;

	fake_mig_set_state(iommufd_device_get_fd(e->dev), K_STOP_COPY);
	before = fake_mig_history(arcs, 4);
	assert_fails(e->ctx, EINVAL, iommufd_device_walk_mig_state(e->dev, IOMMUFD_MIG_STATE_PRE_COPY, &fd),
		     "the uAPI forbids STOP_COPY to PRE_COPY");
	assert_explained(e->ctx, "nothing was done");
	assert_int_equal(fake_mig_history(arcs, 4), before);
	assert_int_equal(fd, -2);
	/* a device in ERROR cannot walk */
	fake_mig_set_state(iommufd_device_get_fd(e->dev), K_ERROR);
	assert_fails(e->ctx, EINVAL, iommufd_device_walk_mig_state(e->dev, IOMMUFD_MIG_STATE_RUNNING, &fd),
		     "VFIO_DEVICE_RESET");
}

/* An arc that fails midway: the explanation names the arc and the state
 * read back; a session the walk opened before is closed. */
static void walk_fails_midway(void **state)
{
	struct env *e = *state;
	int fd = -2;

	/* RUNNING -> RUNNING_P2P -> STOP -> RESUMING: the second SET fails */
	fake_inject_nth(UAPI_VFIO_DEVICE_FEATURE, EIO, 3); /* GET flags, GET state, SET 1 pass */
	assert_fails(e->ctx, EIO, iommufd_device_walk_mig_state(e->dev, IOMMUFD_MIG_STATE_RESUMING, &fd),
		     "failed at RUNNING_P2P -> STOP, leaving it in RUNNING_P2P");
	assert_int_equal(fd, -2);
	assert_explained(e->ctx, "RUNNING -> RUNNING_P2P -> STOP -> RESUMING");
}

/* Each call fails with the kernel's errno, explained, outputs untouched. */
static void failures(void **state)
{
	struct env *e = *state;
	static const int errs[] = { ENOTTY, EINVAL, EOPNOTSUPP, EFAULT, ENOMEM, EIO };
	enum iommufd_mig_state st;
	uint32_t flags;
	uint64_t size;
	int fd;

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		struct fake_census before = fake_census();

		st = (enum iommufd_mig_state)77;
		fd = -2;
		flags = 77;
		size = 77;
		fake_inject(UAPI_VFIO_DEVICE_FEATURE, errs[i]);
		assert_fails(e->ctx, errs[i], iommufd_device_get_mig_state(e->dev, &st), "mig_device_state");
		fake_inject(UAPI_VFIO_DEVICE_FEATURE, errs[i]);
		assert_fails(e->ctx, errs[i], iommufd_device_set_mig_state(e->dev, IOMMUFD_MIG_STATE_RUNNING_P2P, &fd),
			     "mig_device_state");
		fake_inject(UAPI_VFIO_DEVICE_FEATURE, errs[i]);
		assert_fails(e->ctx, errs[i], iommufd_device_get_stop_copy_size(e->dev, &size), "mig_data_size");
		fake_inject(UAPI_VFIO_DEVICE_FEATURE, errs[i]);
		assert_fails(e->ctx, errs[i], iommufd_device_enable_precopy_info_v2(e->dev), "mig_precopy_info_v2");
		assert_int_equal((int)st, 77);
		assert_int_equal(fd, -2);
		assert_int_equal(size, 77);
		assert_no_leak(before);
	}
	/* flags: not cached yet on a fresh handle */
	{
		struct iommufd_device *d2;

		iommufd_device_close(e->dev);
		assert_ok(e->ctx, iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &d2));
		e->dev = d2;
		fake_inject(UAPI_VFIO_DEVICE_FEATURE, ENOTTY);
		assert_fails(e->ctx, ENOTTY, iommufd_device_get_migration_flags(e->dev, &flags),
			     "the device has no migration feature");
		assert_int_equal(flags, 77);
	}
	assert_errno(EINVAL, iommufd_device_get_mig_state(NULL, &st));
	assert_errno(EINVAL, iommufd_device_get_mig_state(e->dev, NULL));
	assert_errno(EINVAL, iommufd_device_get_migration_flags(e->dev, NULL));
	assert_errno(EINVAL, iommufd_device_get_stop_copy_size(e->dev, NULL));
	assert_errno(EINVAL, iommufd_device_set_mig_state(NULL, IOMMUFD_MIG_STATE_STOP, NULL));
	assert_errno(EINVAL, iommufd_device_walk_mig_state(NULL, IOMMUFD_MIG_STATE_STOP, NULL));
	assert_errno(EINVAL, iommufd_device_get_precopy_info(e->dev, 3, NULL));
	assert_errno(EINVAL, iommufd_device_enable_precopy_info_v2(NULL));
}

/* A device whose driver cannot migrate (plain vfio-pci): ENOTTY, named. */
static void no_migration(void **state)
{
	struct env *e = *state;
	uint32_t flags = 77;
	int fd = -2;

	fake_feature_config(FAKE_FEATURES_VFIO_PCI, 0);
	assert_fails(e->ctx, ENOTTY, iommufd_device_get_migration_flags(e->dev, &flags),
		     "the device has no migration feature");
	assert_fails(e->ctx, ENOTTY, iommufd_device_walk_mig_state(e->dev, IOMMUFD_MIG_STATE_STOP, &fd), "migration");
	assert_int_equal(flags, 77);
	assert_int_equal(fd, -2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_matches_kernel),
		cmocka_unit_test(kernel_listed_paths),
		cmocka_unit_test(walk_all_flags),
		cmocka_unit_test_setup_teardown(set_and_get, setup, teardown),
		cmocka_unit_test_setup_teardown(walk_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(walk_fails_midway, setup, teardown),
		cmocka_unit_test_setup_teardown(failures, setup, teardown),
		cmocka_unit_test_setup_teardown(no_migration, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
