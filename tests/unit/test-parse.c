// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Input validation that needs no kernel: PCI addresses, opts structs, device
 * lookup through sysfs, NULL handling. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "check.h"
#include "base/pciaddr.h"
#include "base/uapi.h"
#include "fake-kernel.h"
#include "host/sysfs.h"

static void pci_addresses(void **state)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{ "0000:00:03.0", "0000:00:03.0" },
		{ "00:03.0", "0000:00:03.0" },
		{ "ABCD:ff:1f.7", "abcd:ff:1f.7" },
		{ "1:2:3.4", "0001:02:03.4" },
	};
	static const char *bad[] = {
		"", ":", "00:03", "00:03.", "00:03.8", "00:20.0", "0000:00:03.0x",
		"00000:00:03.0", "000:100:03.0", "zz:03.0", "0000:00:03.0.0", "00.03.0",
		"0000:00:03:0", "0000:000:03.0", "123:03.0", "0000:00:03.00",
		"0000:00:03.0 ", " 0000:00:03.0", "0123456789abcdef0123",
	};
	char out[16];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(pciaddr_normalize(good[i].in, out), 0);
		assert_string_equal(out, good[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pciaddr_normalize(bad[i], out) != -EINVAL)
			print_error("accepted \"%s\"\n", bad[i]);
		assert_int_equal(pciaddr_normalize(bad[i], out), -EINVAL);
	}
	assert_int_equal(pciaddr_normalize(NULL, out), -EINVAL);
}

/* A newer caller's opts struct: our fields plus one we do not know. */
struct ctx_opts_v2 {
	size_t sz;
	const char *path;
	uint32_t flags;
	uint32_t backend;
	uint64_t future[2]; /* [1] lies past struct iommufd_device_opts too */
};

static void sysfs_values(void **state)
{
	static const struct {
		const char *in;
		uint32_t max, out;
	} good[] = {
		{ "0x1234", 0xffff, 0x1234 }, { "0x1234\n", 0xffff, 0x1234 }, { "11e8", 0xffff, 0x11e8 },
		{ "0X00FF00", 0xffffff, 0xff00 }, { "0x0", 0xffff, 0 }, { "0xffffffff", 0xffffffff, 0xffffffff },
	};
	static const struct {
		const char *in;
		uint32_t max;
		int err;
	} bad[] = {
		{ "", 0xffff, -EINVAL }, { "0x", 0xffff, -EINVAL }, { "\n", 0xffff, -EINVAL },
		{ "0xzz", 0xffff, -EINVAL }, { "12 34", 0xffff, -EINVAL }, { "0x12\n\n", 0xffff, -EINVAL },
		{ "-1", 0xffff, -EINVAL }, { "0x10000", 0xffff, -ERANGE }, { "0x123456789", 0xffffffff, -ERANGE },
		{ "00000000000000000001", 0xffffffff, -ERANGE }, { NULL, 0xffff, -EINVAL },
		/* malformed after 8 digits: malformed, not out of range (found by fuzz-sysfs) */
		{ "123456789z", 0xffffffff, -EINVAL }, { "0x000000000\n\n", 0xffffffff, -EINVAL },
	};
	uint32_t v;
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 7;
		assert_int_equal(sysfs_parse_hex(good[i].in, good[i].max, &v), 0);
		assert_int_equal(v, good[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		assert_int_equal(sysfs_parse_hex(bad[i].in, bad[i].max, &v), bad[i].err);
		assert_int_equal(v, 7);
	}
	assert_int_equal(sysfs_parse_int("-1\n", &n), 0);
	assert_int_equal(n, -1);
	assert_int_equal(sysfs_parse_int("12", &n), 0);
	assert_int_equal(n, 12);
	n = 5;
	assert_int_equal(sysfs_parse_int("", &n), -EINVAL);
	assert_int_equal(sysfs_parse_int("1x", &n), -EINVAL);
	assert_int_equal(sysfs_parse_int("99999999999", &n), -ERANGE);
	assert_int_equal(sysfs_parse_int(NULL, &n), -EINVAL);
	assert_int_equal(n, 5);
}

/* sysfs_parse_int() is as strict as sysfs.h says: an optional '-', decimal
 * digits, one optional trailing newline; no spaces, no '+', no other base. */
static void sysfs_int_strict(void **state)
{
	static const char *const bad[] = {
		" 5", "+5", "\t-1", "5 ", "-", "--1", "1\n\n", "0x10", "\n", "- 1", "1\n2",
	};
	static const struct {
		const char *in;
		int out;
	} good[] = {
		{ "0", 0 }, { "-1", -1 }, { "2147483647", 2147483647 }, { "-2147483648", -2147483647 - 1 },
		{ "42\n", 42 }, { "007", 7 },
	};
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 5;
		print_message("# bad[%zu]\n", i); /* the inputs hold newlines: not TAP text */
		assert_int_equal(sysfs_parse_int(bad[i], &n), -EINVAL);
		assert_int_equal(n, 5);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(sysfs_parse_int(good[i].in, &n), 0);
		assert_int_equal(n, good[i].out);
	}
	n = 5;
	assert_int_equal(sysfs_parse_int("2147483648", &n), -ERANGE);
	assert_int_equal(sysfs_parse_int("-2147483649", &n), -ERANGE);
	assert_int_equal(sysfs_parse_int("123456789012345678901234567890", &n), -ERANGE);
	assert_int_equal(n, 5);
	/* a success leaves errno alone */
	errno = 1234;
	assert_int_equal(sysfs_parse_int("3", &n), 0);
	assert_int_equal(errno, 1234);
}

/* Host calls given a NULL handle or argument: -EINVAL, errno EINVAL and an
 * explanation of their own. */
static void host_null_args(void **state)
{
	struct iommufd_pci_event ev;

	(void)state;
	errno = 0;
	assert_int_equal(iommufd_pci_monitor_receive(NULL, &ev), -EINVAL);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(iommufd_last_error(), "monitor_receive"));
	errno = 0;
	assert_int_equal(iommufd_pci_enum_new(NULL, NULL), -EINVAL);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(iommufd_last_error(), "pci_enum_new"));
	errno = 0;
	assert_int_equal(iommufd_vdpa_enum_new(NULL, NULL), -EINVAL);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(iommufd_last_error(), "vdpa_enum_new"));
	errno = 0;
	assert_int_equal(iommufd_pci_monitor_new(NULL), -EINVAL);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(iommufd_last_error(), "monitor_new"));
	errno = 0;
	assert_int_equal(iommufd_diag_run(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(iommufd_last_error(), "diag_run"));
}

static void opts_tail(void **state)
{
	struct iommufd_ctx *ctx = NULL;
	struct ctx_opts_v2 v2 = { .sz = sizeof(v2) };

	(void)state;
	fake_reset();
	/* unknown field set: E2BIG, and nothing opened */
	v2.future[1] = 1;
	assert_errno(E2BIG, iommufd_ctx_new_with_ops_((void *)&v2, &fake_sys, &ctx));
	assert_null(ctx);
	assert_fake_idle();
	/* unknown field zero: fine */
	v2.future[1] = 0;
	assert_int_equal(iommufd_ctx_new_with_ops_((void *)&v2, &fake_sys, &ctx), 0);
	ctx = iommufd_ctx_unref(ctx);
	/* sz too small to be an opts struct */
	v2.sz = 2;
	assert_errno(EINVAL, iommufd_ctx_new_with_ops_((void *)&v2, &fake_sys, &ctx));
	/* an older, shorter struct: only sz; path defaults */
	v2.sz = sizeof(size_t);
	v2.path = "/nonexistent";
	assert_int_equal(iommufd_ctx_new_with_ops_((void *)&v2, &fake_sys, &ctx), 0);
	ctx = iommufd_ctx_unref(ctx);
	{
		IOMMUFD_OPTS(iommufd_ctx_opts, o, .path = "/nonexistent");
		assert_errno(ENOENT, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx));
	}
	assert_fake_idle();
}

static void device_lookup(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev = NULL;
	struct ctx_opts_v2 big = { .sz = sizeof(big), .future = { 0, 1 } };

	(void)state;
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_device_open_pci(ctx, "0000:00:03.0", NULL, &dev), 0);
	iommufd_device_close(dev);
	dev = NULL;
	assert_int_equal(iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev), 0);
	iommufd_device_close(dev);
	dev = NULL;
	assert_int_equal(iommufd_device_open_sysfs(ctx, "/sys/bus/pci/devices/0000:00:03.0", NULL, &dev), 0);
	iommufd_device_close(dev);
	dev = NULL;
	/* malformed address */
	assert_fails(ctx, EINVAL, iommufd_device_open_pci(ctx, "00:03", NULL, &dev), "not a PCI address");
	/* no such device */
	assert_fails(ctx, ENODEV, iommufd_device_open_pci(ctx, "0000:00:05.0", NULL, &dev), "no such device");
	/* bound to another driver: the message names it */
	assert_fails(ctx, ENODEV, iommufd_device_open_pci(ctx, "0000:00:04.0", NULL, &dev), "bound to nvme");
	/* missing cdev node */
	assert_fails(ctx, ENOENT, iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio9", NULL, &dev), "vfio-pci");
	/* opts with an unknown field */
	assert_errno(E2BIG, iommufd_device_open_pci(ctx, "0000:00:03.0", (void *)&big, &dev));
	assert_null(dev);
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

static void attach_state(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;

	(void)state;
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &ioas), 0);
	assert_int_equal(iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev), 0);
	assert_errno(EINVAL, iommufd_device_detach(dev));
	assert_errno(EINVAL, iommufd_device_replace(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_int_equal(iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL), 0);
	assert_fails(ctx, EBUSY, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL), "iommufd_device_replace");
	/* destroying an attached IOAS is refused; the handle stays usable */
	assert_errno(EBUSY, iommufd_ioas_destroy(ioas));
	assert_int_equal(iommufd_device_detach(dev), 0);
	iommufd_device_close(dev);
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	assert_null(iommufd_ctx_unref(ctx));
}

static void iova_ranges_grow(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_iova_range *r;
	size_t n;

	(void)state;
	fake_reset();
	fake_set_range_count(9); /* more than the library's first guess */
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &ioas), 0);
	assert_int_equal(iommufd_ioas_get_iova_ranges(ioas, &r, &n, NULL), 0);
	assert_int_equal(n, 9);
	assert_int_equal(r[8].start, 8ull << 32);
	free(r);
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	assert_null(iommufd_ctx_unref(ctx));
}

static void null_args(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	uint64_t iova = 0;

	(void)state;
	fake_reset();
	assert_null(iommufd_ctx_unref(NULL));
	assert_null(iommufd_ctx_ref(NULL));
	assert_int_equal(iommufd_ioas_destroy(NULL), 0);
	iommufd_device_close(NULL);
	assert_errno(EINVAL, iommufd_ctx_new(NULL, NULL));
	assert_errno(EINVAL, iommufd_ioas_new(NULL, NULL, &ioas));
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &ioas), 0);
	assert_errno(EINVAL, iommufd_ioas_map(ioas, NULL, 4096, NULL, IOMMUFD_MAP_READ));
	assert_errno(EINVAL, iommufd_ioas_unmap(ioas, 0, 0, NULL));
	assert_fails(ctx, EINVAL, iommufd_ioas_map(ioas, &iova, 4096, &iova, 0x80), "unknown flags");
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	assert_null(iommufd_ctx_unref(ctx));
}

static void from_fd_checks(void **state)
{
	struct iommufd_ctx *ctx = NULL;
	int fd = open("/dev/null", O_RDWR);

	(void)state;
	assert_true(fd >= 0);
	assert_errno(ENOTTY, iommufd_ctx_new_from_fd(fd, NULL, &ctx));
	assert_null(ctx);
	assert_errno(EBADF, iommufd_ctx_new_from_fd(-1, NULL, &ctx));
	close(fd);
}

static int count_calls;

static void count_log(struct iommufd_ctx *ctx, int prio, const char *fmt, va_list ap, void *data)
{
	(void)ctx;
	(void)prio;
	(void)fmt;
	(void)ap;
	*(int *)data += 1;
}

static void logging(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;

	(void)state;
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_string_equal(iommufd_ctx_last_error(ctx), "");
	iommufd_ctx_set_log_fn(ctx, count_log, &count_calls);
	fake_inject(UAPI_IOMMU_IOAS_ALLOC, ENOMEM);
	assert_errno(ENOMEM, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_int_equal(count_calls, 1); /* errors are logged once */
	iommufd_ctx_set_log_priority(ctx, -1);
	fake_inject(UAPI_IOMMU_IOAS_ALLOC, ENOMEM);
	assert_errno(ENOMEM, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_int_equal(count_calls, 1); /* silent below the level */
	assert_null(iommufd_ctx_unref(ctx));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pci_addresses),
		cmocka_unit_test(sysfs_values),
		cmocka_unit_test(sysfs_int_strict),
		cmocka_unit_test(host_null_args),
		cmocka_unit_test(opts_tail),
		cmocka_unit_test(device_lookup),
		cmocka_unit_test(attach_state),
		cmocka_unit_test(iova_ranges_grow),
		cmocka_unit_test(null_args),
		cmocka_unit_test(from_fd_checks),
		cmocka_unit_test(logging),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
