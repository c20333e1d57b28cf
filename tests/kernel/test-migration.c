// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * VFIO migration on the real kernel, with the mtty sample (an mdev whose
 * driver implements STOP_COPY, P2P and PRE_COPY): two instances, A and B.
 * A pattern goes into A's serial FIFO; A is taken RUNNING -> STOP ->
 * STOP_COPY and its state read from the data descriptor; B is walked to
 * RESUMING, fed the stream, walked to RUNNING; B's FIFO then holds the
 * pattern. The stop-copy size, pre-copy estimates, refused arcs (with
 * their reasons), DMA logging and the features mtty lacks are shown too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define UART_RX_TX 0
#define UART_FCR 2
#define UART_FCR_ENABLE_CLEAR 0x07
#define UART_LSR 5
#define UART_LSR_DR 0x01

static const char pattern[] = "MIGRATE";

struct inst {
	char uuid[37];
	struct iommufd_device *dev;
};

static void inst_open(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas, struct inst *i)
{
	assert_int_equal(iommufd_mdev_create("mtty", "mtty-1", NULL, i->uuid), 0);
	assert_ok(ctx, iommufd_device_open_mdev(ctx, i->uuid, NULL, &i->dev));
	assert_ok(ctx, iommufd_device_attach(i->dev, iommufd_ioas_get_id(ioas), NULL, NULL));
}

static void inst_close(struct inst *i)
{
	iommufd_device_close(i->dev);
	assert_int_equal(iommufd_mdev_remove(i->uuid), 0);
}

static enum iommufd_mig_state state_of(struct iommufd_ctx *ctx, struct inst *i)
{
	enum iommufd_mig_state s;

	assert_ok(ctx, iommufd_device_get_mig_state(i->dev, &s));
	return s;
}

static void migrate_mtty(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct inst a, b;
	struct iommufd_precopy_info pi = { .sz = sizeof(pi) };
	uint8_t stream[4096], byte;
	char got[sizeof(pattern)] = "";
	uint64_t size = 0;
	uint32_t flags = 0;
	size_t len = 0;
	ssize_t n;
	int fd = -1, pfd = -1;

	(void)state;
	assert_int_equal(system("/sbin/modprobe mtty"), 0);
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), 0);
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	inst_open(ctx, ioas, &a);
	inst_open(ctx, ioas, &b);
	print_message("# A %s, B %s\n", a.uuid, b.uuid);

	/* an mtty without migration (6.1's) answers "no such feature" */
	if (iommufd_device_probe_feature(a.dev, IOMMUFD_DEVICE_FEATURE_MIGRATION, IOMMUFD_DEVICE_FEATURE_GET) == -ENOTTY) {
		print_message("skipped: kernel %s lacks migration on mtty (the library says so: %s)\n",
			      getenv("RIG_KERNEL") ? getenv("RIG_KERNEL") : "?", iommufd_ctx_last_error(ctx));
		inst_close(&a);
		inst_close(&b);
		assert_ok(ctx, iommufd_ioas_destroy(ioas));
		iommufd_ctx_unref(ctx);
		assert_int_equal(system("/sbin/modprobe -r mtty"), 0);
		skip();
	}
	assert_ok(ctx, iommufd_device_probe_feature(a.dev, IOMMUFD_DEVICE_FEATURE_MIGRATION, IOMMUFD_DEVICE_FEATURE_GET));
	assert_ok(ctx, iommufd_device_get_migration_flags(a.dev, &flags));
	print_message("# migration flags 0x%x:%s%s%s\n", flags, flags & IOMMUFD_MIG_STOP_COPY ? " STOP_COPY" : "",
		      flags & IOMMUFD_MIG_P2P ? " P2P" : "", flags & IOMMUFD_MIG_PRE_COPY ? " PRE_COPY" : "");
	assert_true(flags & IOMMUFD_MIG_STOP_COPY);
	assert_int_equal(state_of(ctx, &a), IOMMUFD_MIG_STATE_RUNNING);

	/* the pattern into A's FIFO (looped back, left unread) */
	byte = UART_FCR_ENABLE_CLEAR;
	assert_int_equal(iommufd_device_region_write(a.dev, IOMMUFD_PCI_BAR0_REGION, UART_FCR, &byte, 1), 1);
	assert_int_equal(iommufd_device_region_write(b.dev, IOMMUFD_PCI_BAR0_REGION, UART_FCR, &byte, 1), 1);
	for (size_t k = 0; k < strlen(pattern); k++)
		assert_int_equal(iommufd_device_region_write(a.dev, IOMMUFD_PCI_BAR0_REGION, UART_RX_TX, &pattern[k], 1), 1);

	/* pre-copy first, where the device has it: estimates, then back */
	if (flags & IOMMUFD_MIG_PRE_COPY) {
		int v2 = iommufd_device_enable_precopy_info_v2(a.dev);

		print_message("# pre-copy info v2: %s\n", v2 == 0 ? "enabled" : iommufd_ctx_last_error(ctx));
		assert_ok(ctx, iommufd_device_set_mig_state(a.dev, IOMMUFD_MIG_STATE_PRE_COPY, &pfd));
		assert_true(pfd >= 0);
		assert_ok(ctx, iommufd_device_get_precopy_info(a.dev, pfd, &pi));
		print_message("# PRE_COPY: initial_bytes %llu dirty_bytes %llu flags 0x%x\n",
			      (unsigned long long)pi.initial_bytes, (unsigned long long)pi.dirty_bytes, pi.flags);
		assert_true(pi.initial_bytes > 0);
		assert_ok(ctx, iommufd_device_set_mig_state(a.dev, IOMMUFD_MIG_STATE_RUNNING, NULL));
		/* the session is over: its descriptor says so */
		assert_true(iommufd_device_get_precopy_info(a.dev, pfd, &pi) < 0);
		print_message("# after PRE_COPY -> RUNNING: %s\n", iommufd_ctx_last_error(ctx));
		close(pfd);
	}

	assert_ok(ctx, iommufd_device_get_stop_copy_size(a.dev, &size));
	print_message("# stop-copy size of A: %llu bytes\n", (unsigned long long)size);
	assert_true(size > 0 && size <= sizeof(stream));

	/* A: RUNNING -> STOP -> STOP_COPY, the stream out of the data descriptor */
	assert_ok(ctx, iommufd_device_set_mig_state(a.dev, IOMMUFD_MIG_STATE_STOP, &fd));
	assert_int_equal(fd, -1);
	assert_int_equal(state_of(ctx, &a), IOMMUFD_MIG_STATE_STOP);
	assert_ok(ctx, iommufd_device_set_mig_state(a.dev, IOMMUFD_MIG_STATE_STOP_COPY, &fd));
	assert_true(fd >= 0);
	while ((n = read(fd, stream + len, sizeof(stream) - len)) > 0)
		len += (size_t)n;
	assert_int_equal(n, 0);
	close(fd);
	print_message("# read %zu bytes of A's state (stop-copy size said %llu)\n", len, (unsigned long long)size);
	assert_int_equal(len, size);

	/* refused arcs, with the reason, before any SET */
	assert_fails(ctx, EINVAL, iommufd_device_walk_mig_state(a.dev, IOMMUFD_MIG_STATE_PRE_COPY, &fd), "forbids");
	print_message("# refused: %s\n", iommufd_ctx_last_error(ctx));
	assert_fails(ctx, EINVAL, iommufd_device_set_mig_state(a.dev, IOMMUFD_MIG_STATE_ERROR, &fd), "ERROR");
	print_message("# refused: %s\n", iommufd_ctx_last_error(ctx));
	/* and one the kernel refuses */
	assert_true(iommufd_device_set_mig_state(a.dev, IOMMUFD_MIG_STATE_PRE_COPY_P2P, &fd) < 0);
	print_message("# the kernel refused STOP_COPY -> PRE_COPY_P2P: %s\n", iommufd_ctx_last_error(ctx));
	assert_int_equal(state_of(ctx, &a), IOMMUFD_MIG_STATE_STOP_COPY);

	/* B: walked to RESUMING (RUNNING -> RUNNING_P2P -> STOP -> RESUMING), fed, walked to RUNNING */
	assert_ok(ctx, iommufd_device_walk_mig_state(b.dev, IOMMUFD_MIG_STATE_RESUMING, &fd));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, stream, len), (ssize_t)len);
	assert_ok(ctx, iommufd_device_walk_mig_state(b.dev, IOMMUFD_MIG_STATE_RUNNING, NULL));
	close(fd);
	assert_int_equal(state_of(ctx, &b), IOMMUFD_MIG_STATE_RUNNING);

	/* B's FIFO holds what was written into A's */
	for (size_t k = 0; k < strlen(pattern); k++) {
		assert_int_equal(iommufd_device_region_read(b.dev, IOMMUFD_PCI_BAR0_REGION, UART_LSR, &byte, 1), 1);
		if (!(byte & UART_LSR_DR))
			break;
		assert_int_equal(iommufd_device_region_read(b.dev, IOMMUFD_PCI_BAR0_REGION, UART_RX_TX, &got[k], 1), 1);
	}
	print_message("# B's FIFO after the migration: \"%s\"\n", got);
	assert_string_equal(got, pattern);

	/* A back to RUNNING (STOP_COPY -> STOP -> RUNNING_P2P -> RUNNING) */
	assert_ok(ctx, iommufd_device_walk_mig_state(a.dev, IOMMUFD_MIG_STATE_RUNNING, &fd));
	assert_int_equal(fd, -1);

	/* DMA logging: mtty's driver accepts it (and logs nothing) */
	{
		struct iommufd_dma_log_range r[3] = { { 0x100000, 0x1000 }, { 0, 0x2000 }, { 0x400000, 0x1000 } };
		IOMMUFD_OPTS(iommufd_dma_log_opts, o, .max_ranges = 2);
		uint64_t ps = 0, bm[4] = { 0 };

		assert_ok(ctx, iommufd_device_dma_log_start(a.dev, r, 3, 4096, &o, &ps));
		/* a second start: the kernel leaves refusing it to the driver, and
		 * mtty's accepts everything; shown, not asserted */
		if (iommufd_device_dma_log_start(a.dev, r, 3, 4096, NULL, NULL) == 0)
			print_message("# a second start: accepted by mtty's driver\n");
		else
			print_message("# a second start: %s\n", iommufd_ctx_last_error(ctx));
		assert_ok(ctx, iommufd_device_dma_log_report(a.dev, 0, 0x10000, 4096, bm));
		assert_ok(ctx, iommufd_device_dma_log_stop(a.dev));
		print_message("# DMA logging on mtty: started (page size %llu, 3 ranges merged to 2), reported, stopped\n",
			      (unsigned long long)ps);
	}
	/* what mtty lacks: vfio-pci's features */
	assert_fails(ctx, ENOTTY, iommufd_device_low_power_enter(a.dev, -1), "no low_power_entry feature");
	print_message("# %s\n", iommufd_ctx_last_error(ctx));
	{
		int dfd = -2;

		assert_fails(ctx, ENOTTY, iommufd_device_export_dmabuf(a.dev, 0, 0, 4096, 0, &dfd), "dma_buf");
		print_message("# %s\n", iommufd_ctx_last_error(ctx));
	}

	inst_close(&a);
	inst_close(&b);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	iommufd_ctx_unref(ctx);
	assert_int_equal(system("/sbin/modprobe -r mtty"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrate_mtty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
