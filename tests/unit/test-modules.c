// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * iommufd_host_load_modules() over a scripted host/modules.h table (what
 * the lookup and the load answer, per module) and the fake kernel for
 * /sys/module: it loads iommufd, vfio and vfio_pci in that order (type1 in
 * iommufd's place on a kernel without it), stops at the first failure and
 * explains it. And libkmod itself (modules_real) on
 * a module no kernel has: found nowhere, and not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <iommufd/setup.h>

#include "check.h"
#include "fake-kernel.h"
#include "host/modules.h"

static struct {
	const char *fail_find; /* this module's lookup fails with find_err */
	int find_err;
	const char *absent;    /* this module is not found (find answers 0) */
	const char *absent2;   /* nor this one */
	const char *fail_load; /* this module's load fails with load_err */
	int load_err;
	char loaded[8][32];
	int nloaded;
} M;

static int m_find(const char *name)
{
	if (M.fail_find && !strcmp(name, M.fail_find))
		return -M.find_err;
	return !(M.absent && !strcmp(name, M.absent)) && !(M.absent2 && !strcmp(name, M.absent2));
}

static int m_load(const char *name)
{
	if (M.fail_load && !strcmp(name, M.fail_load))
		return -M.load_err;
	assert_true(M.nloaded < 8);
	strcpy(M.loaded[M.nloaded++], name);
	return 0;
}

static const struct modules_ops scripted = { .find = m_find, .load = m_load };

static int setup(void **state)
{
	(void)state;
	memset(&M, 0, sizeof(M));
	fake_reset();
	sys_host = &fake_sys; /* no /sys/module/... there */
	modules_host = &scripted;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sys_host = &iommufd_sys_real;
	modules_host = &modules_real;
	return 0;
}

static void loads_all_three(void **state)
{
	(void)state;
	assert_ok(NULL, iommufd_host_load_modules());
	assert_int_equal(M.nloaded, 3);
	assert_string_equal(M.loaded[0], "iommufd");
	assert_string_equal(M.loaded[1], "vfio");
	assert_string_equal(M.loaded[2], "vfio_pci");
}

static void lookup_fails(void **state)
{
	(void)state;
	M.fail_find = "vfio";
	M.find_err = ENOMEM;
	assert_fails(NULL, ENOMEM, iommufd_host_load_modules(), "looking up module vfio");
	assert_explained(NULL, "no /lib/modules");
	assert_int_equal(M.nloaded, 1); /* iommufd went in, then it stopped */
	M.find_err = EIO;
	assert_fails(NULL, EIO, iommufd_host_load_modules(), "looking up module vfio");
}

static void no_such_module(void **state)
{
	(void)state;
	M.absent = "vfio_pci";
	assert_fails(NULL, ENOENT, iommufd_host_load_modules(), "has no module vfio_pci");
	assert_int_equal(M.nloaded, 2);
}

/* 6.1: no iommufd; the legacy backend's type1 driver goes in instead. */
static void no_iommufd_loads_type1(void **state)
{
	(void)state;
	M.absent = "iommufd";
	assert_ok(NULL, iommufd_host_load_modules());
	assert_int_equal(M.nloaded, 3);
	assert_string_equal(M.loaded[0], "vfio_iommu_type1");
	assert_string_equal(M.loaded[1], "vfio");
	assert_string_equal(M.loaded[2], "vfio_pci");
}

static void neither_backend(void **state)
{
	(void)state;
	M.absent = "iommufd";
	M.absent2 = "vfio_iommu_type1";
	assert_fails(NULL, ENOENT, iommufd_host_load_modules(), "neither module iommufd nor vfio_iommu_type1");
	assert_int_equal(M.nloaded, 0);
	M.absent2 = NULL;
	M.fail_find = "vfio_iommu_type1";
	M.find_err = EIO;
	assert_fails(NULL, EIO, iommufd_host_load_modules(), "looking up module vfio_iommu_type1");
	assert_int_equal(M.nloaded, 0);
}

static void load_refused(void **state)
{
	(void)state;
	M.fail_load = "iommufd";
	M.load_err = EPERM;
	assert_fails(NULL, EPERM, iommufd_host_load_modules(), "CAP_SYS_MODULE");
	assert_int_equal(M.nloaded, 0);
	M.load_err = EEXIST;
	assert_fails(NULL, EEXIST, iommufd_host_load_modules(), "loading module iommufd");
}

/* libkmod, for real, on a name no kernel has: nothing is touched, and
 * nothing printed (libkmod's own logger writes errors to stderr). */
static void libkmod_unknown_module(void **state)
{
	char out[256];
	int err, saved;
	ssize_t n;

	(void)state;
	err = memfd_create("stderr", MFD_CLOEXEC);
	assert_true(err >= 0);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_int_equal(dup2(err, 2), 2);
	assert_int_equal(modules_real.find("libiommufd_no_such_module"), 0);
	assert_int_equal(modules_real.load("libiommufd_no_such_module"), -ENOENT);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	n = pread(err, out, sizeof(out) - 1, 0);
	close(err);
	assert_true(n >= 0);
	out[n] = 0;
	if (n)
		fail_msg("libkmod printed: %s", out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(loads_all_three, setup, teardown),
		cmocka_unit_test_setup_teardown(lookup_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(no_such_module, setup, teardown),
		cmocka_unit_test_setup_teardown(no_iommufd_loads_type1, setup, teardown),
		cmocka_unit_test_setup_teardown(neither_backend, setup, teardown),
		cmocka_unit_test_setup_teardown(load_refused, setup, teardown),
		cmocka_unit_test(libkmod_unknown_module),
	};

	return cmocka_run_group_tests_name("modules", tests, NULL, NULL);
}
