// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Mediated devices on the host (host/mdev.c) against a small model of the
 * mdev sysfs tree installed as the library's host system-call table:
 * enumeration of parents' types and instances, create and remove by UUID,
 * and the refusal of hostile names before anything in sysfs is touched.
 * Also the UUID syntax (base/uuid.c) and iommufd_device_open_mdev()'s
 * refusals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <iommufd/iommufd.h>
#include <iommufd/mdev.h>

#include "check.h"
#include "base/sys.h"
#include "base/uuid.h"
#include "fake-kernel.h"

#define BUS "/sys/class/mdev_bus/"
#define DEVS "/sys/bus/mdev/devices/"
#define U1 "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"
#define U2 "0aa0b1b2-0000-4000-8000-00000000abcd"

static const struct {
	const char *path, *content;
} files[] = {
	{ BUS "mtty", NULL },
	{ BUS "mtty/mdev_supported_types/mtty-1/name", "Single port serial\n" },
	{ BUS "mtty/mdev_supported_types/mtty-1/device_api", "vfio-pci\n" },
	{ BUS "mtty/mdev_supported_types/mtty-1/available_instances", "24\n" },
	{ BUS "mtty/mdev_supported_types/mtty-1/create", NULL },
	{ BUS "mtty/mdev_supported_types/mtty-2/name", "Dual port serial\n" },
	{ BUS "mtty/mdev_supported_types/mtty-2/device_api", "vfio-pci\n" },
	{ BUS "mtty/mdev_supported_types/mtty-2/description", "two ports\n" },
	{ BUS "mtty/mdev_supported_types/mtty-2/available_instances", "not a number\n" },
	{ BUS "mtty/mdev_supported_types/mtty-2/create", NULL },
	{ "/proc/sys/kernel/random/uuid", "2F0C1D8E-AAAA-4BBB-9CCC-0123456789AB\n" },
};

static struct {
	int calls;               /* every call of the table */
	char inst[8][37];        /* live instances */
	int ninst;
	char open_path[16][160]; /* descriptor 100 + i */
	char written[512];       /* the last write: path=value */
	int fail_err;            /* the next write fails */
	bool no_cdev;            /* U1 has vfio-dev/vfio7 but no cdev (6.1 to 6.5) */
} M;

static const char *file_content(const char *path, bool *found)
{
	*found = true;
	if (!strcmp(path, DEVS U1 "/vfio-dev/vfio7/dev") && !M.no_cdev)
		return "511:7\n";
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!strcmp(path, files[i].path))
			return files[i].content;
	for (int i = 0; i < M.ninst; i++) {
		char p[160];

		snprintf(p, sizeof(p), DEVS "%s", M.inst[i]);
		if (!strcmp(path, p))
			return NULL;
		snprintf(p, sizeof(p), DEVS "%s/remove", M.inst[i]);
		if (!strcmp(path, p))
			return NULL;
	}
	*found = false;
	return NULL;
}

static int m_open(const char *path, int flags)
{
	bool found;

	M.calls++;
	file_content(path, &found);
	if (!found)
		return -ENOENT;
	(void)flags;
	for (int i = 0; i < 16; i++)
		if (!M.open_path[i][0]) {
			snprintf(M.open_path[i], sizeof(M.open_path[i]), "%s", path);
			return 100 + i;
		}
	return -EMFILE;
}

static int m_close(int fd)
{
	M.calls++;
	if (fd < 100 || fd >= 116 || !M.open_path[fd - 100][0])
		return -EBADF;
	M.open_path[fd - 100][0] = '\0';
	return 0;
}

static ssize_t m_pread(int fd, void *buf, size_t len, off_t off)
{
	const char *c;
	bool found;
	size_t n;

	(void)off;
	M.calls++;
	c = file_content(M.open_path[fd - 100], &found);
	if (!c)
		return -EISDIR;
	n = strlen(c) < len ? strlen(c) : len;
	memcpy(buf, c, n);
	return (ssize_t)n;
}

static ssize_t m_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	const char *path = M.open_path[fd - 100];
	char val[64];
	size_t pl = strlen(path);

	(void)off;
	M.calls++;
	snprintf(val, sizeof(val), "%.*s", (int)len, (const char *)buf);
	snprintf(M.written, sizeof(M.written), "%s=%s", path, val);
	if (M.fail_err) {
		int e = M.fail_err;

		M.fail_err = 0;
		return -e;
	}
	if (pl > 7 && !strcmp(path + pl - 7, "/create")) {
		for (int i = 0; i < M.ninst; i++)
			if (!strcmp(M.inst[i], val))
				return -EEXIST;
		snprintf(M.inst[M.ninst++], 37, "%.36s", val);
		return (ssize_t)len;
	}
	if (pl > 7 && !strcmp(path + pl - 7, "/remove")) {
		for (int i = 0; i < M.ninst; i++)
			if (!strncmp(path + strlen(DEVS), M.inst[i], 36)) {
				memmove(M.inst[i], M.inst[i + 1], (size_t)(M.ninst - i - 1) * sizeof(M.inst[0]));
				M.ninst--;
				return (ssize_t)len;
			}
	}
	return -EINVAL;
}

static int m_list_dir(const char *path, int (*fn)(const char *name, void *data), void *data)
{
	static const char *const parents[] = { "mtty", "..", "bad/name" };
	static const char *const types[] = { "mtty-2", "mtty-1" };
	int rc = 0;

	M.calls++;
	if (!strcmp(path, "/sys/class/mdev_bus")) {
		for (size_t i = 0; i < 3 && !rc; i++)
			rc = fn(parents[i], data);
		return rc;
	}
	if (!strcmp(path, BUS "mtty/mdev_supported_types")) {
		for (size_t i = 0; i < 2 && !rc; i++)
			rc = fn(types[i], data);
		return rc;
	}
	if (!strcmp(path, "/sys/bus/mdev/devices")) {
		rc = fn("not-a-uuid", data);
		for (int i = M.ninst - 1; i >= 0 && !rc; i--)
			rc = fn(M.inst[i], data);
		return rc;
	}
	if (!strcmp(path, DEVS U1 "/vfio-dev")) {
		rc = fn("vfiox", data);
		return rc ? rc : fn("vfio7", data);
	}
	return -ENOENT;
}

static ssize_t m_readlink(const char *path, char *buf, size_t size)
{
	M.calls++;
	for (int i = 0; i < M.ninst; i++) {
		char p[160];

		snprintf(p, sizeof(p), DEVS "%s", M.inst[i]);
		if (!strcmp(path, p)) {
			snprintf(buf, size, "../../../devices/virtual/mtty/mtty/%s", M.inst[i]);
			return (ssize_t)strlen(buf);
		}
		snprintf(p, sizeof(p), DEVS "%s/mdev_type", M.inst[i]);
		if (!strcmp(path, p)) {
			snprintf(buf, size, "../mdev_supported_types/%s", i ? "mtty-1" : "mtty-2");
			return (ssize_t)strlen(buf);
		}
	}
	return -ENOENT;
}

static const struct iommufd_sys_ops model_sys = {
	.open = m_open,
	.close = m_close,
	.pread = m_pread,
	.pwrite = m_pwrite,
	.readlink = m_readlink,
	.list_dir = m_list_dir,
};

static int setup(void **state)
{
	(void)state;
	memset(&M, 0, sizeof(M));
	sys_host = &model_sys;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sys_host = &iommufd_sys_real;
	for (int i = 0; i < 16; i++)
		if (M.open_path[i][0])
			fail_msg("descriptor of %s left open", M.open_path[i]);
	return 0;
}

static void uuid_syntax(void **state)
{
	char out[37] = "untouched";

	(void)state;
	assert_int_equal(uuid_normalize(U1, out), 0);
	assert_string_equal(out, U1);
	assert_int_equal(uuid_normalize("83B8F4F2-509F-382F-3C1E-E6BFE0FA1001", out), 0);
	assert_string_equal(out, U1);
	assert_int_equal(uuid_normalize("83b8F4f2-509F-382f-3C1e-E6bfe0FA1001", out), 0);
	assert_string_equal(out, U1);
	strcpy(out, "untouched");
	static const char *const bad[] = {
		"",
		"83b8f4f2-509f-382f-3c1e-e6bfe0fa100",   /* 35 */
		"83b8f4f2-509f-382f-3c1e-e6bfe0fa10011", /* 37 */
		"83b8f4f2-509f-382f-3c1e-e6bfe0fa1001\n",
		" 83b8f4f2-509f-382f-3c1e-e6bfe0fa100",
		"83b8f4f2f509f-382f-3c1e-e6bfe0fa1001",  /* a digit for a dash */
		"83b8f4f-2509f-382f-3c1e-e6bfe0fa1001",  /* a dash moved */
		"83b8f4f2-509f-382f-3c1e-e6bfe0fa100g",
		"83b8f4f2-509f-382f-3c1e-e6bfe0fa10-1",
		"83b8f4f2-509f-382f-3c1e_e6bfe0fa1001",
		"../../../../../../../../../etc/passwd",
		"83b8f4f2-509f-382f-3c1e-e6bfe0fa10/1",
		"{83b8f4f2-509f-382f-3c1e-e6bfe0fa1001}",
		"83b8f4f2509f382f3c1ee6bfe0fa1001",
		"83b8f4f2-509f-382f-3c1e-e6bfe0fa\xc3\xa9",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (uuid_normalize(bad[i], out) != -EINVAL)
			fail_msg("\"%s\" taken for a UUID", bad[i]);
		assert_string_equal(out, "untouched");
	}
	/* a string cut short: never read past its NUL */
	{
		char *s = malloc(9);

		assert_non_null(s);
		memcpy(s, "83b8f4f2", 9);
		assert_int_equal(uuid_normalize(s, out), -EINVAL);
		free(s);
	}
	assert_int_equal(uuid_normalize(NULL, out), -EINVAL);
}

static void hostile_names_refused_untouched(void **state)
{
	char long_parent[80], long_type[140], out[37] = "untouched";
	static const char *const names[] = { "", ".", "..", "a/b", "../mtty", "mtty/../..", "m tty", "mtty\n",
					     "tab\tname", "\x7f", "caf\xc3\xa9", "/" };

	(void)state;
	memset(long_parent, 'p', sizeof(long_parent) - 1);
	long_parent[64] = '\0'; /* 64: one too many */
	memset(long_type, 't', sizeof(long_type) - 1);
	long_type[128] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_fails(NULL, EINVAL, iommufd_mdev_create(names[i], "mtty-1", U1, out), "parent");
		assert_fails(NULL, EINVAL, iommufd_mdev_create("mtty", names[i], U1, out), "type");
		assert_fails(NULL, EINVAL, iommufd_mdev_create("mtty", "mtty-1", names[i], out), "not a UUID");
		assert_fails(NULL, EINVAL, iommufd_mdev_remove(names[i]), "not a UUID");
	}
	assert_fails(NULL, EINVAL, iommufd_mdev_create(NULL, "mtty-1", U1, out), "(null)");
	assert_fails(NULL, EINVAL, iommufd_mdev_create("mtty", NULL, U1, out), "(null)");
	assert_fails(NULL, EINVAL, iommufd_mdev_create(long_parent, "mtty-1", U1, out), "not a plain name");
	assert_fails(NULL, EINVAL, iommufd_mdev_create("mtty", long_type, U1, out), "not a plain name");
	assert_fails(NULL, EINVAL, iommufd_mdev_create("mtty", "mtty-1", "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001/../x", out),
		     "not a UUID");
	assert_fails(NULL, EINVAL, iommufd_mdev_remove(NULL), "(null)");
	assert_fails(NULL, EINVAL, iommufd_mdev_remove(U1 "/../../x"), "not a UUID");
	/* nothing in sysfs was touched */
	assert_int_equal(M.calls, 0);
	assert_string_equal(out, "untouched");
	/* names one short of the limits pass the check (and find no parent) */
	long_parent[63] = '\0';
	assert_fails(NULL, ENOENT, iommufd_mdev_create(long_parent, "mtty-1", U1, out), "no parent");
	long_type[127] = '\0';
	assert_fails(NULL, ENOENT, iommufd_mdev_create("mtty", long_type, U1, out), "no type");
	assert_string_equal(out, "untouched");
}

static void create_and_remove(void **state)
{
	char out[37] = "untouched";

	(void)state;
	/* the caller's UUID, normalized */
	assert_int_equal(iommufd_mdev_create("mtty", "mtty-2", "83B8F4F2-509F-382F-3C1E-E6BFE0FA1001", out), 0);
	assert_string_equal(out, U1);
	assert_string_equal(M.written, BUS "mtty/mdev_supported_types/mtty-2/create=" U1);
	/* the same again: the parent says EEXIST */
	strcpy(out, "untouched");
	assert_fails(NULL, EEXIST, iommufd_mdev_create("mtty", "mtty-2", U1, out), "exists");
	assert_string_equal(out, "untouched");
	/* a UUID from the kernel */
	assert_int_equal(iommufd_mdev_create("mtty", "mtty-1", NULL, out), 0);
	assert_string_equal(out, "2f0c1d8e-aaaa-4bbb-9ccc-0123456789ab");
	assert_int_equal(M.ninst, 2);
	/* no such parent or type */
	assert_fails(NULL, ENOENT, iommufd_mdev_create("i915", "mtty-1", U2, NULL), "no parent i915");
	assert_fails(NULL, ENOENT, iommufd_mdev_create("mtty", "mtty-9", U2, NULL), "no type mtty-9");
	/* the parent refuses */
	M.fail_err = ENOSPC;
	assert_fails(NULL, ENOSPC, iommufd_mdev_create("mtty", "mtty-1", U2, NULL), "no instance of the type is available");
	assert_int_equal(M.ninst, 2);
	/* remove, by any case */
	M.fail_err = EBUSY;
	assert_fails(NULL, EBUSY, iommufd_mdev_remove(U1), "close the device first");
	assert_int_equal(iommufd_mdev_remove("83B8F4F2-509F-382F-3C1E-E6BFE0FA1001"), 0);
	assert_string_equal(M.written, DEVS U1 "/remove=1");
	assert_int_equal(M.ninst, 1);
	assert_fails(NULL, ENOENT, iommufd_mdev_remove(U1), "no such instance");
	assert_int_equal(iommufd_mdev_remove("2f0c1d8e-aaaa-4bbb-9ccc-0123456789ab"), 0);
	assert_int_equal(M.ninst, 0);
}

static void enumerate(void **state)
{
	struct iommufd_mdev_enum *e = NULL;
	const struct iommufd_mdev_type *t;
	const struct iommufd_mdev *m;

	(void)state;
	snprintf(M.inst[0], 37, "%s", U1);
	snprintf(M.inst[1], 37, "%s", U2);
	M.ninst = 2;
	assert_int_equal(iommufd_mdev_enum_new(&e), 0);
	/* the hostile parents ".." and "bad/name" are skipped */
	assert_int_equal(iommufd_mdev_enum_type_count(e), 2);
	t = iommufd_mdev_enum_type(e, 0); /* sorted by parent, then ID */
	assert_string_equal(t->parent, "mtty");
	assert_string_equal(t->id, "mtty-1");
	assert_string_equal(t->name, "Single port serial");
	assert_string_equal(t->device_api, "vfio-pci");
	assert_null(t->description);
	assert_int_equal(t->available, 24);
	t = iommufd_mdev_enum_type(e, 1);
	assert_string_equal(t->id, "mtty-2");
	assert_string_equal(t->description, "two ports");
	assert_int_equal(t->available, -1); /* unreadable count */
	assert_null(iommufd_mdev_enum_type(e, 2));
	/* "not-a-uuid" is skipped; sorted by UUID */
	assert_int_equal(iommufd_mdev_enum_count(e), 2);
	m = iommufd_mdev_enum_get(e, 0);
	assert_string_equal(m->uuid, U2);
	assert_string_equal(m->type, "mtty-1");
	assert_string_equal(m->parent, "mtty");
	assert_null(m->vfio_cdev);
	m = iommufd_mdev_enum_get(e, 1);
	assert_string_equal(m->uuid, U1);
	assert_string_equal(m->type, "mtty-2");
	assert_string_equal(m->syspath, DEVS U1);
	assert_string_equal(m->vfio_cdev, "/dev/vfio/devices/vfio7");
	assert_null(iommufd_mdev_enum_get(e, 2));
	assert_null(iommufd_mdev_enum_free(e));
	/* vfio-dev/vfio7 without its dev attribute: a kernel without the cdev */
	M.no_cdev = true;
	assert_int_equal(iommufd_mdev_enum_new(&e), 0);
	m = iommufd_mdev_enum_get(e, 1);
	assert_string_equal(m->uuid, U1);
	assert_null(m->vfio_cdev);
	assert_null(iommufd_mdev_enum_free(e));
	/* NULL-safe */
	assert_int_equal(iommufd_mdev_enum_count(NULL), 0);
	assert_null(iommufd_mdev_enum_get(NULL, 0));
	assert_null(iommufd_mdev_enum_free(NULL));
	assert_errno(EINVAL, iommufd_mdev_enum_new(NULL));
}

/* Many instances: the arrays grow and the strings must move with them. */
static void enumerate_many(void **state)
{
	struct iommufd_mdev_enum *e = NULL;

	(void)state;
	for (int i = 0; i < 8; i++)
		snprintf(M.inst[i], 37, "0aa0b1b2-0000-4000-8000-0000000000%02x", i);
	M.ninst = 8;
	assert_int_equal(iommufd_mdev_enum_new(&e), 0);
	assert_int_equal(iommufd_mdev_enum_count(e), 8);
	for (size_t i = 0; i < 8; i++) {
		const struct iommufd_mdev *m = iommufd_mdev_enum_get(e, i);
		char want[37];

		snprintf(want, sizeof(want), "0aa0b1b2-0000-4000-8000-0000000000%02zx", i);
		assert_string_equal(m->uuid, want);
		assert_string_equal(m->parent, "mtty");
		assert_true(!strcmp(m->type, "mtty-1") || !strcmp(m->type, "mtty-2"));
	}
	iommufd_mdev_enum_free(e);
}

static void open_mdev_refusals(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_device *d = (struct iommufd_device *)&d;

	(void)state;
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_fails(ctx, EINVAL, iommufd_device_open_mdev(ctx, "../../pci/devices/0000:00:03.0", NULL, &d), "not a UUID");
	assert_fails(ctx, EINVAL, iommufd_device_open_mdev(ctx, U1 "/..", NULL, &d), "not a UUID");
	assert_fails(ctx, ENODEV, iommufd_device_open_mdev(ctx, U1, NULL, &d), "no such instance");
	assert_errno(EINVAL, iommufd_device_open_mdev(ctx, NULL, NULL, &d));
	assert_ptr_equal(d, &d);
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid_syntax),
		cmocka_unit_test_setup_teardown(hostile_names_refused_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(create_and_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(enumerate, setup, teardown),
		cmocka_unit_test_setup_teardown(enumerate_many, setup, teardown),
		cmocka_unit_test(open_mdev_refusals),
	};

	return cmocka_run_group_tests_name("mdev", tests, NULL, NULL);
}
