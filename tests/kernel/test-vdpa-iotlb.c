// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The baseline: vhost-vdpa's own IOTLB uAPI (VHOST_IOTLB_MSG_V2) on
 * vdpa_sim_net. A frame sent from a TX buffer must arrive byte-exact in the
 * RX buffer, through IOVAs that differ from the buffers' addresses; after the
 * RX page is unmapped nothing arrives. The kernel series must keep this
 * passing. The rig runs it with vdpa_sim use_va=1 and use_va=0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "vnet.h"

#define PAGE VNET_PAGE
#define IOVA_BASE 0x10000000ull
enum { RXRING = VNET_RXRING, TXRING = VNET_TXRING, TXBUF = VNET_TXBUF, RXBUF = VNET_RXBUF, NPAGES = VNET_NPAGES };

struct fix {
	struct vnet v;
	uint8_t *mem;
	struct iommufd_ctx *ctx; /* for MD_CHECK_REFS only */
	long pin0;		 /* VmPin (KiB) before the device mapped anything */
};

static uint64_t iova(unsigned int page)
{
	return IOVA_BASE + (uint64_t)page * PAGE;
}

static void *pg(struct fix *f, unsigned int page)
{
	return f->mem + (size_t)page * PAGE;
}

static int setup(void **state)
{
	char path[64];
	struct fix *f;

	if (vnet_find_chardev("vdpa0", path, sizeof(path))) {
		print_message("no vdpa0 with vhost-vdpa: vdpa_sim_net not set up by the rig\n");
		skip();
	}
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(vnet_open(path, 0, &f->v), 0);
	f->mem = vnet_alloc_shared(NPAGES * PAGE);
	assert_non_null(f->mem);
	assert_int_equal(iommufd_ctx_new(NULL, &f->ctx), 0);
	f->pin0 = vm_pin_kib();
	assert_true(f->pin0 >= 0);
	*state = f;
	return 0;
}

/* Does vhost-vdpa pin the simulator's mappings? Unless vdpa_sim says
 * use_va=1; a vdpa_sim without the parameter (an older one, 6.1's) hands
 * vhost-vdpa physical addresses, so it pins. */
static bool sim_pins(void)
{
	return vnet_sim_use_va() != 1;
}

/* Is every page of the layout pinned @refs times? In VmPin (vhost-vdpa
 * charges what it pins to the process), and page by page through the
 * selftest mock where the library says the kernel has it. */
static void check_pins(struct fix *f, uint32_t refs)
{
	assert_int_equal(vm_pin_kib() - f->pin0, (long)refs * NPAGES * PAGE / 1024);
	if (iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_TEST_CMD))
		assert_int_equal(mock_check_refs(f->ctx, f->mem, NPAGES * PAGE, refs), 0);
}

static int teardown(void **state)
{
	struct fix *f = *state;

	if (!f)
		return 0;
	vnet_reset(&f->v);
	vnet_close(&f->v);
	/* closing the device released every pin (use_va=0 pins what it maps) */
	check_pins(f, 0);
	assert_null(iommufd_ctx_unref(f->ctx));
	vnet_free_shared(f->mem, NPAGES * PAGE);
	free(f);
	return 0;
}

static void map_all(struct fix *f)
{
	for (unsigned int p = 0; p < NPAGES; p++)
		assert_int_equal(vnet_iotlb_map(&f->v, 0, iova(p), pg(f, p), PAGE, p != TXBUF), 0);
}

static void start(struct fix *f)
{
	assert_int_equal(vnet_start_layout(&f->v, f->mem, IOVA_BASE), 0);
}

/* Send one frame; return the RX used length (0 if nothing arrived). */
static uint32_t send_one(struct fix *f, uint32_t frame_len, uint8_t seed, uint32_t *sent)
{
	int got = vnet_send_layout(&f->v, f->mem, IOVA_BASE, frame_len, seed, sent);

	assert_true(got >= 0);
	return (uint32_t)got;
}

static void test_info(void **state)
{
	struct fix *f = *state;

	print_message("vdpa_sim use_va=%d, %u address spaces, %u groups\n", vnet_sim_use_va(),
		      f->v.nas, f->v.ngroups);
	assert_int_equal(f->v.nas, 2);
	assert_int_equal(f->v.ngroups, 2);
}

static void test_traffic(void **state)
{
	struct fix *f = *state;
	uint32_t sent, got, txlen;

	map_all(f);
	/* use_va=0 (or no use_va) pins each mapped page once, use_va=1 nothing */
	check_pins(f, sim_pins() ? 1 : 0);
	start(f);
	for (int i = 0; i < 3; i++) {
		got = send_one(f, 60 + 100 * i, (uint8_t)i, &sent);
		assert_int_equal(got, sent);
		assert_memory_equal(pg(f, RXBUF), pg(f, TXBUF), sent);
		/* the byte after the frame is untouched */
		assert_int_equal(((uint8_t *)pg(f, RXBUF))[sent], 0xa5);
		assert_int_equal(vnet_wait_used(&f->v, VNET_TXQ, 1000, &txlen), 1);
	}
}

static void test_unmapped_rx(void **state)
{
	struct fix *f = *state;
	uint32_t sent, got;

	map_all(f);
	start(f);
	got = send_one(f, 64, 1, &sent);
	assert_int_equal(got, sent);
	assert_int_equal(vnet_iotlb_unmap(&f->v, 0, iova(RXBUF), PAGE), 0);
	got = send_one(f, 64, 2, &sent);
	assert_int_equal(got, 0);
	for (unsigned int i = 0; i < PAGE; i++)
		if (((uint8_t *)pg(f, RXBUF))[i] != 0xa5)
			fail_msg("RX page changed at %u after it was unmapped", i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_traffic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmapped_rx, setup, teardown),
	};

	return cmocka_run_group_tests_name("vdpa-iotlb", tests, NULL, NULL);
}
