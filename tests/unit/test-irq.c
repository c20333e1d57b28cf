// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Device interrupts (core/irq.c) against the fake kernel's model of
 * vfio_pci_intrs.c: routing on caller-owned eventfds, tear-down, the
 * exclusivity of INTx, MSI and MSI-X, NORESIZE, a failed multi-vector set
 * that must leave the previous routing in place, and the library's
 * duplicates of routed eventfds, which must all be closed again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <iommufd/irq.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

#define INTX IOMMUFD_PCI_INTX_IRQ
#define MSI IOMMUFD_PCI_MSI_IRQ
#define MSIX IOMMUFD_PCI_MSIX_IRQ
#define ERR IOMMUFD_PCI_ERR_IRQ
#define REQ IOMMUFD_PCI_REQ_IRQ

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev;
	int devfd;
	int ev[8]; /* caller-owned eventfds */
	int base;  /* open descriptors with the device and the eventfds open */
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx), 0);
	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &e->dev), 0);
	e->devfd = iommufd_device_get_fd(e->dev);
	for (int i = 0; i < 8; i++) {
		e->ev[i] = fake_eventfd_new();
		assert_true(e->ev[i] >= 0);
	}
	e->base = fake_open_fds();
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	iommufd_device_close(e->dev);
	for (int i = 0; i < 8; i++)
		assert_int_equal(fake_sys.close(e->ev[i]), 0);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	free(e);
	return 0;
}

/* The fake's vector @v of @index carries the eventfd @fd (by identity). */
static void assert_route(struct env *e, uint32_t index, uint32_t v, int fd)
{
	int want = fd < 0 ? 0 : fake_eventfd_id(fd);

	if (fake_irq_route(e->devfd, index, v) != want)
		fail_msg("index %u vector %u routes eventfd #%d, want #%d", index, v,
			 fake_irq_route(e->devfd, index, v), want);
}

static void info_of_each_index(void **state)
{
	struct env *e = *state;
	struct iommufd_irq_info info = { .sz = sizeof(info) };

	assert_ok(e->ctx, iommufd_device_get_irq_info(e->dev, INTX, &info));
	assert_int_equal(info.count, 1);
	assert_int_equal(info.flags, IOMMUFD_IRQ_EVENTFD | IOMMUFD_IRQ_MASKABLE | IOMMUFD_IRQ_AUTOMASKED);
	assert_int_equal(info.enabled, 0);
	assert_ok(e->ctx, iommufd_device_get_irq_info(e->dev, MSI, &info));
	assert_int_equal(info.count, 8);
	assert_int_equal(info.flags, IOMMUFD_IRQ_EVENTFD | IOMMUFD_IRQ_NORESIZE);
	assert_ok(e->ctx, iommufd_device_get_irq_info(e->dev, MSIX, &info));
	assert_int_equal(info.count, 16);
	assert_int_equal(info.index, MSIX);
	/* the kernel's EINVAL for an index it lacks, and the library's own */
	info.count = 77;
	assert_fails(e->ctx, EINVAL, iommufd_device_get_irq_info(e->dev, 5, &info), "no such interrupt index");
	assert_fails(e->ctx, EINVAL, iommufd_device_get_irq_info(e->dev, 99, &info), "no such index");
	assert_int_equal(info.count, 77);
	/* the info is read once per index */
	{
		unsigned long calls = fake_call_count();

		assert_ok(e->ctx, iommufd_device_get_irq_info(e->dev, MSIX, &info));
		assert_int_equal(fake_call_count(), calls);
	}
	/* enabled follows the routing */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 3, e->ev));
	assert_ok(e->ctx, iommufd_device_get_irq_info(e->dev, MSIX, &info));
	assert_int_equal(info.enabled, 3);
}

static void route_tear_down_disable(void **state)
{
	struct env *e = *state;

	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 4, e->ev));
	assert_int_equal(fake_irq_type(e->devfd), MSIX);
	for (uint32_t v = 0; v < 4; v++)
		assert_route(e, MSIX, v, e->ev[v]);
	assert_route(e, MSIX, 4, -1);
	/* the library holds a duplicate of each routed eventfd */
	assert_int_equal(fake_open_fds(), e->base + 4);
	/* -1 tears one vector down and closes its duplicate */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfd(e->dev, MSIX, 2, -1));
	assert_route(e, MSIX, 2, -1);
	assert_route(e, MSIX, 3, e->ev[3]);
	assert_int_equal(fake_open_fds(), e->base + 3);
	/* re-route one vector to another eventfd: the old duplicate goes */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfd(e->dev, MSIX, 1, e->ev[5]));
	assert_route(e, MSIX, 1, e->ev[5]);
	assert_int_equal(fake_open_fds(), e->base + 3);
	/* the caller may close its own descriptor: the routing stays */
	{
		int mine = fake_eventfd_new(), id = fake_eventfd_id(mine);

		assert_ok(e->ctx, iommufd_device_set_irq_eventfd(e->dev, MSIX, 2, mine));
		assert_int_equal(fake_sys.close(mine), 0);
		assert_int_equal(fake_irq_route(e->devfd, MSIX, 2), id);
	}
	/* disable: nothing routed, every duplicate closed */
	assert_ok(e->ctx, iommufd_device_disable_irq(e->dev, MSIX));
	assert_int_equal(fake_irq_type(e->devfd), -1);
	for (uint32_t v = 0; v < 8; v++)
		assert_route(e, MSIX, v, -1);
	assert_int_equal(fake_open_fds(), e->base);
	/* disabling what is off is a no-op */
	assert_ok(e->ctx, iommufd_device_disable_irq(e->dev, MSIX));
}

/* Vectors 0-3 on A-D; moving them to E-H fails at vector 2 (the kernel
 * tears down 0-2, vfio_msi_set_block()): the routing must be A-D again. */
static void failed_block_keeps_routing(void **state)
{
	struct env *e = *state;
	struct iommufd_irq_info info = { .sz = sizeof(info) };

	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 4, e->ev));
	fake_irq_fail_vector(MSIX, 2, ENOSPC);
	assert_fails(e->ctx, ENOSPC, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 4, e->ev + 4),
		     "vectors 0-3");
	for (uint32_t v = 0; v < 4; v++)
		assert_route(e, MSIX, v, e->ev[v]);
	assert_int_equal(fake_irq_type(e->devfd), MSIX);
	/* the new duplicates were closed, the old ones kept */
	assert_int_equal(fake_open_fds(), e->base + 4);
	assert_ok(e->ctx, iommufd_device_get_irq_info(e->dev, MSIX, &info));
	assert_int_equal(info.enabled, 4);
	/* a failure in part of the range: 1-2 move, 2 fails; 0 and 3 untouched */
	fake_irq_fail_vector(MSIX, 2, EINVAL);
	assert_fails(e->ctx, EINVAL, iommufd_device_set_irq_eventfds(e->dev, MSIX, 1, 2, e->ev + 4), "");
	for (uint32_t v = 0; v < 4; v++)
		assert_route(e, MSIX, v, e->ev[v]);
	/* and the handle works: the move succeeds now */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 4, e->ev + 4));
	for (uint32_t v = 0; v < 4; v++)
		assert_route(e, MSIX, v, e->ev[4 + v]);
	assert_int_equal(fake_open_fds(), e->base + 4);
}

/* The move fails at vector 2 and putting A-D back fails at vector 1: the
 * library says the range is torn down and closes its duplicates, so the
 * kernel must route none of it either (vector 3, untouched by both
 * failed calls, still carried D). */
static void failed_restore_tears_the_range_down(void **state)
{
	struct env *e = *state;

	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 5, e->ev));
	fake_irq_fail_vector(MSIX, 2, ENOSPC);
	fake_irq_fail_vector(MSIX, 1, ENOSPC);
	assert_fails(e->ctx, ENOSPC, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 4, e->ev + 4),
		     "restoring the previous routing failed too");
	for (uint32_t v = 0; v < 4; v++)
		assert_route(e, MSIX, v, -1);
	assert_route(e, MSIX, 4, e->ev[4]); /* outside the range: kept */
	assert_int_equal(fake_open_fds(), e->base + 1);
	/* the range can be routed again */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 4, e->ev));
	for (uint32_t v = 0; v < 4; v++)
		assert_route(e, MSIX, v, e->ev[v]);
}

/* A failure while enabling an index that was off: it stays off and
 * nothing of the call is kept. */
static void failed_enable_stays_off(void **state)
{
	struct env *e = *state;
	struct iommufd_irq_info info = { .sz = sizeof(info) };

	fake_irq_fail_vector(MSI, 1, ENOMEM);
	assert_fails(e->ctx, ENOMEM, iommufd_device_set_irq_eventfds(e->dev, MSI, 0, 2, e->ev), "MSI");
	assert_int_equal(fake_irq_type(e->devfd), -1);
	assert_route(e, MSI, 0, -1);
	assert_int_equal(fake_open_fds(), e->base);
	assert_ok(e->ctx, iommufd_device_get_irq_info(e->dev, MSI, &info));
	assert_int_equal(info.enabled, 0);
	/* MSI-X is not blocked by a failed MSI */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 1, e->ev));
}

/* The platform has fewer vectors than asked for: the kernel answers with
 * the positive count it could give (vfio_msi_enable()), which is a failure
 * (QEMU retries with it). */
static void fewer_vectors_than_asked(void **state)
{
	struct env *e = *state;
	struct iommufd_irq_info info = { .sz = sizeof(info) };

	fake_irq_vector_limit(2);
	assert_fails(e->ctx, ENOSPC, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 4, e->ev), "");
	assert_int_equal(fake_irq_type(e->devfd), -1);
	assert_int_equal(fake_open_fds(), e->base);
	assert_ok(e->ctx, iommufd_device_get_irq_info(e->dev, MSIX, &info));
	assert_int_equal(info.enabled, 0);
	/* two are possible */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 2, e->ev));
	assert_route(e, MSIX, 1, e->ev[1]);
	/* no vector at all */
	assert_ok(e->ctx, iommufd_device_disable_irq(e->dev, MSIX));
	fake_irq_vector_limit(-1);
	assert_fails(e->ctx, ENOSPC, iommufd_device_set_irq_eventfds(e->dev, MSI, 0, 1, e->ev), "");
	assert_int_equal(fake_open_fds(), e->base);
}

static void exclusive_indices(void **state)
{
	struct env *e = *state;

	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 2, e->ev));
	assert_fails(e->ctx, EBUSY, iommufd_device_set_irq_eventfd(e->dev, MSI, 0, e->ev[3]), "MSI-X is enabled");
	assert_fails(e->ctx, EBUSY, iommufd_device_set_irq_eventfd(e->dev, INTX, 0, e->ev[3]), "MSI-X is enabled");
	assert_int_equal(fake_open_fds(), e->base + 2);
	/* ERR and REQ are not exclusive */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfd(e->dev, REQ, 0, e->ev[4]));
	assert_ok(e->ctx, iommufd_device_set_irq_eventfd(e->dev, ERR, 0, e->ev[5]));
	assert_route(e, REQ, 0, e->ev[4]);
	assert_route(e, ERR, 0, e->ev[5]);
	/* after disabling MSI-X, MSI goes */
	assert_ok(e->ctx, iommufd_device_disable_irq(e->dev, MSIX));
	assert_ok(e->ctx, iommufd_device_set_irq_eventfd(e->dev, MSI, 0, e->ev[3]));
	assert_int_equal(fake_irq_type(e->devfd), MSI);
	assert_fails(e->ctx, EBUSY, iommufd_device_set_irq_eventfd(e->dev, MSIX, 0, e->ev[3]), "MSI is enabled");
	/* -1 on REQ turns it off, its duplicate closed */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfd(e->dev, REQ, 0, -1));
	assert_route(e, REQ, 0, -1);
	assert_int_equal(fake_open_fds(), e->base + 2); /* MSI 0 and ERR */
}

static void noresize(void **state)
{
	struct env *e = *state;

	/* MSI has NORESIZE: enabled with 2, it cannot grow to 3 */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSI, 0, 2, e->ev));
	assert_fails(e->ctx, EINVAL, iommufd_device_set_irq_eventfd(e->dev, MSI, 2, e->ev[2]), "NORESIZE");
	assert_route(e, MSI, 2, -1);
	/* within the enabled count it may change */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfd(e->dev, MSI, 1, e->ev[3]));
	assert_route(e, MSI, 1, e->ev[3]);
	assert_ok(e->ctx, iommufd_device_disable_irq(e->dev, MSI));
	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSI, 0, 3, e->ev));
	assert_route(e, MSI, 2, e->ev[2]);
	assert_ok(e->ctx, iommufd_device_disable_irq(e->dev, MSI));
	assert_int_equal(fake_open_fds(), e->base);
}

static void msix_grows_without_noresize(void **state)
{
	struct env *e = *state;
	struct iommufd_irq_info info = { .sz = sizeof(info) };

	fake_irq_dyn_msix(1);
	assert_ok(e->ctx, iommufd_device_get_irq_info(e->dev, MSIX, &info));
	assert_false(info.flags & IOMMUFD_IRQ_NORESIZE);
	for (uint32_t v = 0; v < 5; v++) {
		assert_ok(e->ctx, iommufd_device_set_irq_eventfd(e->dev, MSIX, v, e->ev[v]));
		assert_ok(e->ctx, iommufd_device_get_irq_info(e->dev, MSIX, &info));
		assert_int_equal(info.enabled, v + 1);
	}
	for (uint32_t v = 0; v < 5; v++)
		assert_route(e, MSIX, v, e->ev[v]);
	assert_int_equal(fake_open_fds(), e->base + 5);
}

static void bad_arguments(void **state)
{
	struct env *e = *state;
	int fds[2], memfd = fake_sys.memfd_create("x", 0);
	unsigned long calls;

	assert_true(memfd >= 0);
	fds[0] = e->ev[0];
	fds[1] = memfd;
	/* not an eventfd: refused before the kernel sees it, no duplicate left */
	assert_fails(e->ctx, EBADF, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 2, fds), "not an eventfd");
	assert_int_equal(fake_open_fds(), e->base + 1);
	fds[1] = 60; /* not open */
	assert_fails(e->ctx, EBADF, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 2, fds), "not open");
	fds[1] = -2;
	assert_fails(e->ctx, EINVAL, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 2, fds), "use -1");
	assert_int_equal(fake_open_fds(), e->base + 1);
	/* ranges */
	assert_fails(e->ctx, EINVAL, iommufd_device_set_irq_eventfd(e->dev, MSIX, 16, e->ev[0]), "beyond");
	assert_fails(e->ctx, EINVAL, iommufd_device_set_irq_eventfds(e->dev, MSIX, 15, 2, e->ev), "beyond");
	assert_fails(e->ctx, EINVAL, iommufd_device_set_irq_eventfds(e->dev, MSIX, UINT32_MAX, 2, e->ev), "beyond");
	assert_fails(e->ctx, EINVAL, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 0, e->ev), "count 0");
	assert_errno(EINVAL, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 1, NULL));
	assert_errno(EINVAL, iommufd_device_set_irq_eventfds(NULL, MSIX, 0, 1, e->ev));
	/* a vector count of 0: an INTx-less device */
	fake_irq_set_count(INTX, 0);
	{
		struct iommufd_device *d;

		assert_ok(e->ctx, iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &d));
		calls = fake_call_count();
		assert_fails(e->ctx, EINVAL, iommufd_device_set_irq_eventfd(d, INTX, 0, e->ev[0]), "beyond the index's 0");
		assert_int_equal(fake_call_count(), calls + 2); /* GET_INFO, GET_IRQ_INFO, no SET_IRQS */
		iommufd_device_close(d);
	}
	assert_int_equal(fake_open_fds(), e->base + 1);
	assert_int_equal(fake_sys.close(memfd), 0);
	/* all this left the device as it was: MSI-X still goes */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(e->dev, MSIX, 0, 2, e->ev));
}

static void close_releases_duplicates(void **state)
{
	struct env *e = *state;
	struct iommufd_device *d;
	int before = fake_open_fds();

	assert_ok(e->ctx, iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &d));
	assert_ok(e->ctx, iommufd_device_set_irq_eventfds(d, MSIX, 0, 6, e->ev));
	assert_ok(e->ctx, iommufd_device_set_irq_eventfd(d, REQ, 0, e->ev[7]));
	assert_int_equal(fake_open_fds(), before + 1 + 7);
	iommufd_device_close(d);
	assert_int_equal(fake_open_fds(), before);
}

static void intx_mask_unmask(void **state)
{
	struct env *e = *state;
	int before = fake_open_fds();

	/* before INTx is on: refused by the library */
	assert_fails(e->ctx, EINVAL, iommufd_device_mask_irq(e->dev, INTX, 0), "not enabled");
	assert_ok(e->ctx, iommufd_device_set_irq_eventfd(e->dev, INTX, 0, e->ev[0]));
	assert_ok(e->ctx, iommufd_device_mask_irq(e->dev, INTX, 0));
	assert_true(fake_irq_intx_masked(e->devfd));
	assert_ok(e->ctx, iommufd_device_unmask_irq(e->dev, INTX, 0));
	assert_false(fake_irq_intx_masked(e->devfd));
	assert_ok(e->ctx, iommufd_device_set_irq_unmask_eventfd(e->dev, INTX, 0, e->ev[1]));
	assert_int_equal(fake_irq_unmask_route(e->devfd), fake_eventfd_id(e->ev[1]));
	assert_int_equal(fake_open_fds(), before + 2);
	/* replacing the unmask eventfd closes the old duplicate */
	assert_ok(e->ctx, iommufd_device_set_irq_unmask_eventfd(e->dev, INTX, 0, e->ev[2]));
	assert_int_equal(fake_open_fds(), before + 2);
	assert_fails(e->ctx, EINVAL, iommufd_device_mask_irq(e->dev, INTX, 1), "has 1 vector");
	assert_ok(e->ctx, iommufd_device_trigger_irq(e->dev, INTX, 0));
	assert_int_equal(fake_irq_signals(e->devfd, INTX), 1);
	/* MSI cannot be masked by the kernel */
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_mask_irq(e->dev, MSI, 0), "mask the vector in the device");
	/* disable closes the trigger's and the unmask eventfd's duplicates */
	assert_ok(e->ctx, iommufd_device_disable_irq(e->dev, INTX));
	assert_int_equal(fake_irq_type(e->devfd), -1);
	assert_int_equal(fake_open_fds(), before);
}

static void eventfds_new(void **state)
{
	struct env *e = *state;
	int fds[4] = { -7, -7, -7, -7 };
	int before = fake_open_fds();

	assert_ok(e->ctx, iommufd_device_irq_eventfds_new(e->dev, MSIX, 4, fds));
	for (uint32_t v = 0; v < 4; v++) {
		assert_true(fake_eventfd_id(fds[v]) > 0);
		assert_route(e, MSIX, v, fds[v]);
	}
	/* the caller's four and the library's four duplicates */
	assert_int_equal(fake_open_fds(), before + 8);
	assert_ok(e->ctx, iommufd_device_disable_irq(e->dev, MSIX));
	for (int i = 0; i < 4; i++)
		assert_int_equal(fake_sys.close(fds[i]), 0);
	assert_int_equal(fake_open_fds(), before);

	/* the third eventfd cannot be made: the first two are closed */
	for (int i = 0; i < 4; i++)
		fds[i] = -7;
	fake_inject_nth(FAKE_OP_EVENTFD, EMFILE, 2);
	assert_fails(e->ctx, EMFILE, iommufd_device_irq_eventfds_new(e->dev, MSIX, 4, fds), "eventfd");
	assert_int_equal(fake_open_fds(), before);
	for (int i = 0; i < 4; i++)
		assert_int_equal(fds[i], -7);
	/* the kernel refuses the routing: all four are closed */
	fake_inject(UAPI_VFIO_DEVICE_SET_IRQS, EINVAL);
	assert_fails(e->ctx, EINVAL, iommufd_device_irq_eventfds_new(e->dev, MSIX, 4, fds), "VFIO_DEVICE_SET_IRQS");
	assert_int_equal(fake_open_fds(), before);
	for (int i = 0; i < 4; i++)
		assert_int_equal(fds[i], -7);
	assert_int_equal(fake_irq_type(e->devfd), -1);
	/* the library refuses it (MSI is on): all four are closed */
	assert_ok(e->ctx, iommufd_device_set_irq_eventfd(e->dev, MSI, 0, e->ev[0]));
	assert_fails(e->ctx, EBUSY, iommufd_device_irq_eventfds_new(e->dev, MSIX, 2, fds), "MSI is enabled");
	assert_int_equal(fake_open_fds(), before + 1);
	assert_fails(e->ctx, EINVAL, iommufd_device_irq_eventfds_new(e->dev, MSIX, 0, fds), "count 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(info_of_each_index, setup, teardown),
		cmocka_unit_test_setup_teardown(route_tear_down_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_block_keeps_routing, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_restore_tears_the_range_down, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_enable_stays_off, setup, teardown),
		cmocka_unit_test_setup_teardown(fewer_vectors_than_asked, setup, teardown),
		cmocka_unit_test_setup_teardown(exclusive_indices, setup, teardown),
		cmocka_unit_test_setup_teardown(noresize, setup, teardown),
		cmocka_unit_test_setup_teardown(msix_grows_without_noresize, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(close_releases_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(intx_mask_unmask, setup, teardown),
		cmocka_unit_test_setup_teardown(eventfds_new, setup, teardown),
	};

	return cmocka_run_group_tests_name("irq", tests, NULL, NULL);
}
