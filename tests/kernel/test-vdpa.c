// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * vDPA devices through the library on the kernel series in kernel-patches/:
 * vdpa_sim_net's vdpa0 bound to the context, its address spaces attached to
 * an IOAS. The simulator loops TX to RX, so a frame sent from a TX buffer
 * mapped in the IOAS must arrive byte-exact in an RX buffer mapped there;
 * nothing may arrive once the RX page is unmapped or the ASID detached. The
 * rig runs this with vdpa_sim use_va=1 and use_va=0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "harness.h"
#include "vnet.h"

#define PAGE VNET_PAGE
#define IOVA_BASE 0x20000000ull
enum { RXRING = VNET_RXRING, TXRING = VNET_TXRING, TXBUF = VNET_TXBUF, RXBUF = VNET_RXBUF, NPAGES = VNET_NPAGES };

/* The series' bind ioctl, for the raw second-bind check. */
struct raw_bind {
	uint32_t argsz, flags;
	int32_t iommufd;
	uint32_t out_devid;
};
#define RAW_VHOST_VDPA_BIND_IOMMUFD _IOWR(0xAF, 0x86, struct raw_bind)

struct fix {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct vnet v;
	uint8_t *mem;
	char path[64];
};

static uint64_t iova(unsigned int page)
{
	return IOVA_BASE + (uint64_t)page * PAGE;
}

static uint8_t *pg(struct fix *f, unsigned int page)
{
	return f->mem + (size_t)page * PAGE;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	if (vnet_find_chardev("vdpa0", f->path, sizeof(f->path))) {
		free(f);
		print_message("no vdpa0 with vhost-vdpa: the rig did not set up vdpa_sim_net\n");
		skip();
	}
	assert_int_equal(iommufd_ctx_new(NULL, &f->ctx), 0);
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &f->ioas));
	f->mem = vnet_alloc_shared(NPAGES * PAGE);
	assert_non_null(f->mem);
	/* one mapping per page: iommufd unmaps whole areas only */
	for (unsigned int p = 0; p < NPAGES; p++) {
		uint64_t at = iova(p);

		assert_ok(f->ctx, iommufd_ioas_map(f->ioas, pg(f, p), PAGE, &at,
						   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	}
	f->v.fd = -1;
	f->v.q[0].kick = f->v.q[1].kick = -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	if (!f)
		return 0;
	vnet_close(&f->v);
	iommufd_device_close(f->dev);
	/* closing unbound the device: its IOAS can go, nothing stays pinned */
	assert_ok(f->ctx, iommufd_ioas_destroy(f->ioas));
	assert_int_equal(mock_check_refs(f->ctx, f->mem, NPAGES * PAGE, 0), 0);
	assert_null(iommufd_ctx_unref(f->ctx));
	vnet_free_shared(f->mem, NPAGES * PAGE);
	free(f);
	return 0;
}

static void open_dev(struct fix *f)
{
	assert_ok(f->ctx, iommufd_device_open_vdpa(f->ctx, "vdpa0", NULL, &f->dev));
	/* the test drives the virtqueues on the library's descriptor */
	assert_int_equal(vnet_init_fd(iommufd_device_get_fd(f->dev), 0, &f->v), 0);
}

static void start(struct fix *f)
{
	assert_int_equal(vnet_start_layout(&f->v, f->mem, IOVA_BASE), 0);
}

/* Post RX, send one frame; the RX length, or 0 when nothing arrived. */
static uint32_t send_one(struct fix *f, uint32_t frame_len, uint8_t seed, uint32_t *sent)
{
	int got = vnet_send_layout(&f->v, f->mem, IOVA_BASE, frame_len, seed, sent);

	assert_true(got >= 0);
	return (uint32_t)got;
}

static void assert_arrived(struct fix *f, uint32_t got, uint32_t sent)
{
	assert_int_equal(got, sent);
	assert_memory_equal(pg(f, RXBUF), pg(f, TXBUF), sent);
	assert_int_equal(pg(f, RXBUF)[sent], 0xa5);
}

static void assert_rx_untouched(struct fix *f)
{
	for (unsigned int i = 0; i < PAGE; i++)
		if (pg(f, RXBUF)[i] != 0xa5)
			fail_msg("the RX page changed at byte %u", i);
}

static void test_open(void **state)
{
	struct fix *f = *state;
	struct iommufd_device *again = (void *)0x1;

	open_dev(f);
	print_message("vdpa_sim use_va=%d: %s bound as object %u, %u ASIDs\n", vnet_sim_use_va(),
		      f->path, iommufd_device_get_id(f->dev), iommufd_device_get_num_asids(f->dev));
	assert_true(iommufd_device_is_vdpa(f->dev));
	assert_int_equal(iommufd_device_get_num_asids(f->dev), 2);
	assert_int_not_equal(iommufd_device_get_id(f->dev), 0);
	assert_int_equal(iommufd_device_get_asid_pt(f->dev, 0), 0);
	/* the device's object cannot be destroyed while bound */
	assert_int_equal(raw_destroy(f->ctx, iommufd_device_get_id(f->dev)), -EBUSY);
	/* vhost-vdpa has one user at a time: a second open is refused, out untouched */
	assert_errno(EBUSY, iommufd_device_open_vdpa(f->ctx, f->path, NULL, &again));
	assert_ptr_equal(again, (void *)0x1);
	/* VFIO-only calls explain themselves */
	assert_errno(EOPNOTSUPP, iommufd_device_reset(f->dev));
	assert_explained(f->ctx, "vDPA");
}

static void test_traffic(void **state)
{
	struct fix *f = *state;
	uint32_t sent, got, len;

	open_dev(f);
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_int_equal(iommufd_device_get_asid_pt(f->dev, 0), iommufd_ioas_get_id(f->ioas));
	start(f);
	for (int i = 0; i < 3; i++) {
		got = send_one(f, 60 + 200 * i, (uint8_t)(i + 1), &sent);
		assert_arrived(f, got, sent);
		assert_int_equal(vnet_wait_used(&f->v, VNET_TXQ, 1000, &len), 1);
	}
}

static void test_unmap_rx(void **state)
{
	struct fix *f = *state;
	uint64_t unmapped = 0;
	uint32_t sent, got;

	open_dev(f);
	assert_ok(f->ctx, iommufd_device_attach_asid(f->dev, 0, iommufd_ioas_get_id(f->ioas)));
	start(f);
	got = send_one(f, 64, 1, &sent);
	assert_arrived(f, got, sent);
	assert_ok(f->ctx, iommufd_ioas_unmap(f->ioas, iova(RXBUF), PAGE, &unmapped));
	assert_int_equal(unmapped, PAGE);
	assert_int_equal(send_one(f, 64, 2, &sent), 0);
	assert_rx_untouched(f);
}

static void test_detach_reattach(void **state)
{
	struct fix *f = *state;
	uint32_t ioas = iommufd_ioas_get_id(f->ioas);
	uint32_t sent, got, len = 0;

	open_dev(f);
	assert_ok(f->ctx, iommufd_device_attach(f->dev, ioas, NULL, NULL));
	start(f);
	got = send_one(f, 100, 1, &sent);
	assert_arrived(f, got, sent);

	/* suspended, the ASID may change: detached, nothing arrives */
	assert_int_equal(vnet_suspend(&f->v), 0);
	assert_ok(f->ctx, iommufd_device_detach(f->dev));
	assert_int_equal(iommufd_device_get_asid_pt(f->dev, 0), 0);
	assert_int_equal(vnet_resume(&f->v), 0);
	assert_int_equal(send_one(f, 100, 2, &sent), 0);
	assert_rx_untouched(f);

	/* re-attached: the frame still queued goes through */
	assert_int_equal(vnet_suspend(&f->v), 0);
	assert_ok(f->ctx, iommufd_device_attach(f->dev, ioas, NULL, NULL));
	assert_int_equal(vnet_resume(&f->v), 0);
	assert_int_equal(vnet_kick(&f->v, VNET_TXQ), 0);
	assert_int_equal(vnet_wait_used(&f->v, VNET_RXQ, 2000, &len), 1);
	assert_arrived(f, len, sent);
}

static void test_reset_keeps_ioas(void **state)
{
	struct fix *f = *state;
	uint32_t sent, got;

	open_dev(f);
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	start(f);
	got = send_one(f, 64, 1, &sent);
	assert_arrived(f, got, sent);
	assert_int_equal(vnet_reset(&f->v), 0);
	start(f);
	got = send_one(f, 64, 2, &sent);
	assert_arrived(f, got, sent);
}

static void test_replace(void **state)
{
	struct fix *f = *state;
	struct iommufd_ioas *other;
	uint32_t sent, got;

	open_dev(f);
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &other));
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(other), NULL, NULL));
	assert_errno(EBUSY, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_ok(f->ctx, iommufd_device_replace(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	/* the old IOAS is free again, the new one is held */
	assert_ok(f->ctx, iommufd_ioas_destroy(other));
	start(f);
	got = send_one(f, 64, 3, &sent);
	assert_arrived(f, got, sent);
	/* the second ASID on its own */
	assert_int_equal(vnet_reset(&f->v), 0);
	assert_ok(f->ctx, iommufd_device_attach_asid(f->dev, 1, iommufd_ioas_get_id(f->ioas)));
	assert_ok(f->ctx, iommufd_device_detach_asid(f->dev, 1));
}

/* ---- refused, with the documented errno ---- */

static void test_second_bind(void **state)
{
	struct fix *f = *state;
	struct raw_bind bind = { .argsz = sizeof(bind), .iommufd = iommufd_ctx_get_fd(f->ctx) };

	open_dev(f);
	assert_int_equal(ioctl(iommufd_device_get_fd(f->dev), RAW_VHOST_VDPA_BIND_IOMMUFD, &bind), -1);
	assert_int_equal(errno, EBUSY);
}

static void test_bind_after_iotlb(void **state)
{
	struct fix *f = *state;
	struct iommufd_device *dev = (void *)0x1;
	struct vnet raw;

	assert_int_equal(vnet_open(f->path, 0, &raw), 0);
	assert_int_equal(vnet_iotlb_map(&raw, 0, iova(TXBUF), pg(f, TXBUF), PAGE, false), 0);
	assert_errno(EBUSY, iommufd_device_open_vdpa_fd(f->ctx, raw.fd, NULL, &dev));
	assert_ptr_equal(dev, (void *)0x1);
	assert_explained(f->ctx, "IOTLB");
	vnet_close(&raw);
	/* a fresh open has no IOTLB address space: binding works */
	assert_int_equal(vnet_open(f->path, 0, &raw), 0);
	assert_ok(f->ctx, iommufd_device_open_vdpa_fd(f->ctx, raw.fd, NULL, &dev));
	iommufd_device_close(dev);
	vnet_close(&raw);
}

static void test_iotlb_while_bound(void **state)
{
	struct fix *f = *state;

	open_dev(f);
	/* vhost reports every refused IOTLB message as EFAULT */
	assert_int_equal(vnet_iotlb_map(&f->v, 0, iova(TXBUF) + 0x100000, pg(f, TXBUF), PAGE, false),
			 -EFAULT);
}

static void test_asid_out_of_range(void **state)
{
	struct fix *f = *state;
	uint32_t ioas = iommufd_ioas_get_id(f->ioas);

	open_dev(f);
	assert_errno(EINVAL, iommufd_device_attach_asid(f->dev, 2, ioas));
	assert_explained(f->ctx, "out of range");
	assert_errno(EINVAL, iommufd_device_detach_asid(f->dev, 0)); /* not attached */
	/* the kernel's own check, past the library's */
	{
		struct { uint32_t argsz, flags, asid, pt_id; } cmd = { 16, 0, 2, ioas };

		assert_int_equal(ioctl(iommufd_device_get_fd(f->dev), _IOWR(0xAF, 0x87, cmd), &cmd), -1);
		assert_int_equal(errno, EINVAL);
	}
	assert_errno(ENOENT, iommufd_device_attach_asid(f->dev, 0, 0xffffff));
	assert_int_equal(iommufd_device_get_asid_pt(f->dev, 0), 0);
}

static void test_attach_while_running(void **state)
{
	struct fix *f = *state;
	uint32_t ioas = iommufd_ioas_get_id(f->ioas);

	open_dev(f);
	assert_ok(f->ctx, iommufd_device_attach(f->dev, ioas, NULL, NULL));
	start(f);
	assert_errno(EBUSY, iommufd_device_attach_asid(f->dev, 1, ioas));
	assert_explained(f->ctx, "running");
	assert_errno(EBUSY, iommufd_device_replace(f->dev, ioas, NULL, NULL));
	assert_errno(EBUSY, iommufd_device_detach(f->dev));
	/* the library's view did not change */
	assert_int_equal(iommufd_device_get_asid_pt(f->dev, 0), ioas);
	assert_int_equal(iommufd_device_get_asid_pt(f->dev, 1), 0);
}

static void test_destroy_attached_ioas(void **state)
{
	struct fix *f = *state;

	open_dev(f);
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_errno(EBUSY, iommufd_ioas_destroy(f->ioas));
	/* the handle stays valid; after detach it goes (teardown destroys it) */
	assert_ok(f->ctx, iommufd_device_detach(f->dev));
}

static void test_close_releases(void **state)
{
	struct fix *f = *state;
	uint32_t devid;

	open_dev(f);
	devid = iommufd_device_get_id(f->dev);
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	start(f);
	vnet_close(&f->v);
	iommufd_device_close(f->dev);
	f->dev = NULL;
	/* the access object went with the file */
	assert_int_equal(raw_destroy(f->ctx, devid), -ENOENT);
}

/* ---- discovery and the command-line tool ---- */

static void test_enum(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_vdpa_filter, filter, .name = "vdpa0", .probe = true);
	const struct iommufd_vdpa_info *d;
	struct iommufd_vdpa_enum *e;

	assert_int_equal(iommufd_vdpa_enum_new(&filter, &e), 0);
	assert_int_equal(iommufd_vdpa_enum_count(e), 1);
	d = iommufd_vdpa_enum_first(e);
	assert_non_null(d);
	print_message("%s: mgmtdev %s, driver %s, %s, virtio id %u, %u ASIDs, %u groups, iommufd %d\n",
		      d->name, d->mgmtdev, d->driver, d->chardev, d->virtio_id, d->num_asids,
		      d->num_groups, d->iommufd);
	assert_string_equal(d->name, "vdpa0");
	assert_string_equal(d->mgmtdev, "vdpasim_net");
	assert_string_equal(d->driver, "vhost_vdpa");
	assert_string_equal(d->chardev, f->path);
	assert_int_equal(d->virtio_id, 1);
	assert_int_equal(d->num_asids, 2);
	assert_int_equal(d->num_groups, 2);
	assert_int_equal(d->iommufd, 1);
	assert_int_equal(d->probe_error, 0);
	assert_null(iommufd_vdpa_enum_next(e));
	assert_null(iommufd_vdpa_enum_free(e));

	/* an open device is left alone */
	open_dev(f);
	assert_int_equal(iommufd_vdpa_enum_new(&filter, &e), 0);
	d = iommufd_vdpa_enum_first(e);
	assert_non_null(d);
	assert_int_equal(d->probe_error, -EBUSY);
	assert_int_equal(d->num_asids, 0);
	assert_string_equal(d->mgmtdev, "vdpasim_net");
	iommufd_vdpa_enum_free(e);
}

/* The tool's words after its name; stdout in out. Exit status. */
static int run_tool(const char *args, char *out, size_t size)
{
	const char *tool = getenv("RIG_IOMMUFD_TOOL");
	char cmd[300];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s %s", tool, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	return pclose(p);
}

static void test_cli_list(void **state)
{
	char out[4096] = "";

	(void)state;
	if (!getenv("RIG_IOMMUFD_TOOL"))
		skip();
	/* without --probe nothing is opened: the counts are unknown */
	assert_int_equal(run_tool("list --vdpa", out, sizeof(out)), 0);
	print_message("%s", out);
	{
		char name[32], mgmt[64], drv[32], dev[64], asids[8], groups[8], iommufd[8];
		const char *line = strstr(out, "\nvdpa0 ");

		assert_non_null(line);
		assert_int_equal(sscanf(line + 1, "%31s %63s %31s %63s %7s %7s %7s", name, mgmt, drv, dev, asids,
					groups, iommufd), 7);
		assert_string_equal(mgmt, "vdpasim_net");
		assert_string_equal(asids, "-");
		assert_string_equal(groups, "-");
		assert_string_equal(iommufd, "-");
		assert_non_null(strstr(out, "need --probe"));
	}
	assert_int_equal(run_tool("-j list --vdpa", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\"name\": \"vdpa0\", \"mgmtdev\": \"vdpasim_net\""));
	assert_non_null(strstr(out, "\"probed\": false, \"asids\": null, \"groups\": null, \"iommufd\": null"));

	/* --probe opens the idle device: */
	/* vdpa0  vdpasim_net  vhost_vdpa  /dev/vhost-vdpa-0  2  2  yes */
	assert_int_equal(run_tool("list --vdpa --probe", out, sizeof(out)), 0);
	print_message("%s", out);
	assert_non_null(strstr(out, "MGMTDEV"));
	assert_non_null(strstr(out, "ASIDS"));
	{
		char name[32], mgmt[64], drv[32], dev[64], yes[8];
		unsigned int asids, groups;
		const char *line = strstr(out, "\nvdpa0 ");

		assert_non_null(line);
		assert_int_equal(sscanf(line + 1, "%31s %63s %31s %63s %u %u %7s", name, mgmt, drv, dev,
					&asids, &groups, yes), 7);
		assert_string_equal(mgmt, "vdpasim_net");
		assert_int_equal(asids, 2);
		assert_string_equal(yes, "yes");
	}
	assert_int_equal(run_tool("-j list --vdpa --probe", out, sizeof(out)), 0);
	print_message("%s", out);
	assert_non_null(strstr(out, "\"probed\": true, \"asids\": 2, "));
	assert_non_null(strstr(out, "\"iommufd\": true, \"in_use\": false, \"probe_error\": null}"));
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_traffic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_rx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detach_reattach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_keeps_ioas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_after_iotlb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iotlb_while_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_asid_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_while_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_attached_ioas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_releases, setup, teardown),
	};

	/* vhost-vdpa's iommufd series is in libiommufd's kernel-patches only:
	 * when the library finds vdpa0 without VHOST_BACKEND_F_IOMMUFD, skip */
	IOMMUFD_OPTS(iommufd_vdpa_filter, filter, .name = "vdpa0", .probe = true);
	struct iommufd_vdpa_enum *e;
	const struct iommufd_vdpa_info *d;
	static char why[256];

	if (iommufd_vdpa_enum_new(&filter, &e) == 0) {
		d = iommufd_vdpa_enum_first(e);
		if (d && d->probe_error == 0 && !d->iommufd) {
			snprintf(why, sizeof(why),
				 "skipped: kernel %s lacks VHOST_BACKEND_F_IOMMUFD (vhost-vdpa's iommufd "
				 "binding; the library probed %s and finds no iommufd support)",
				 getenv("RIG_KERNEL") ? getenv("RIG_KERNEL") : "?", d->chardev);
			skip_tests(tests, sizeof(tests) / sizeof(tests[0]), NULL, why);
		}
		iommufd_vdpa_enum_free(e);
	}
	return cmocka_run_group_tests_name("vdpa", tests, NULL, NULL);
}
