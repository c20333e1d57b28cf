// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The `iommufd` command and host setup on the real kernel: its output, its
 * failures, `check` as an unprivileged user, and libkmod loading the
 * modules into a kernel that has none of them loaded. The rig passes the
 * tool's path in RIG_IOMMUFD_TOOL. Where the kernel has no iommufd (no
 * /dev/iommu, no iommufd module: Linux 6.1 in the matrix) the library gets
 * the legacy VFIO backend, and the same commands must say so: group nodes
 * instead of cdevs, /dev/vfio/vfio instead of /dev/iommu, vfio and
 * vfio_iommu_type1 loaded instead of iommufd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define EDU "0000:00:03.0"
#define NVME "0000:00:04.0"

/* Contexts get the legacy VFIO backend here (setup()); then ctx_node is the
 * node they open. */
static bool legacy;
static const char *ctx_node = "/dev/iommu";

/* Run the tool with args as uid (0 or another); collect stdout and stderr
 * separately; return its exit status. */
static int tool(uid_t uid, char *out, size_t outsz, char *err, size_t errsz, const char *const *args)
{
	const char *path = getenv("RIG_IOMMUFD_TOOL");
	int po[2], pe[2], status;
	char *argv[8] = { (char *)"iommufd" };
	pid_t pid;
	ssize_t n;
	size_t i;

	assert_non_null(path);
	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = (char *)args[i];
	assert_int_equal(pipe(po), 0);
	assert_int_equal(pipe(pe), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		if (uid && (setgid(uid) || setuid(uid)))
			_exit(99);
		execv(path, argv);
		_exit(98);
	}
	close(po[1]);
	close(pe[1]);
	for (i = 0; i + 1 < outsz && (n = read(po[0], out + i, outsz - 1 - i)) > 0;)
		i += (size_t)n;
	out[i] = '\0';
	for (i = 0; i + 1 < errsz && (n = read(pe[0], err + i, errsz - 1 - i)) > 0;)
		i += (size_t)n;
	err[i] = '\0';
	close(po[0]);
	close(pe[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

#define RUN(uid, ...) tool(uid, out, sizeof(out), err, sizeof(err), (const char *const[]){ __VA_ARGS__, NULL })

/* One line on stderr, nothing on stdout. */
static void one_line(const char *out, const char *err, const char *text)
{
	assert_string_equal(out, "");
	assert_non_null(strstr(err, text));
	assert_non_null(strchr(err, '\n'));
	assert_string_equal(strchr(err, '\n'), "\n");
}

static void cli(void **state)
{
	static char out[16384], err[4096];

	(void)state;
	assert_int_equal(RUN(0, "list"), 0);
	print_output(out);
	assert_non_null(strstr(out, EDU "  1234:11e8  00ff00  vfio-pci"));
	assert_non_null(strstr(out, NVME "  1b36:0010  010802  vfio-pci"));
	assert_non_null(strstr(out, legacy ? "(no cdev support)" : "/dev/vfio/devices/vfio"));
	assert_int_equal(RUN(0, "list", "--vfio", "--json"), 0);
	assert_non_null(strstr(out, "{\"address\": \"" EDU "\", \"vendor\": \"1234\", \"device\": \"11e8\""));
	assert_null(strstr(out, "0000:00:05.0"));
	assert_int_equal(RUN(0, "info", "--probe", EDU), 0);
	print_output(out);
	if (legacy) { /* type1 has no IOMMU hw info: the library says why */
		assert_non_null(strstr(out, "iommu:       unknown (IOMMU_GET_HW_INFO on "));
		assert_non_null(strstr(out, "not available with the legacy VFIO backend"));
	} else {
		assert_non_null(strstr(out, "iommu:       Intel VT-d"));
	}
	assert_non_null(strstr(out, "iova ranges: [0x0, 0xfedfffff]"));
	assert_int_equal(RUN(0, "features"), 0);
	assert_non_null(strstr(out, "ioas                 yes"));
	assert_int_equal(RUN(0, "check", EDU), 0);
	assert_non_null(strstr(out, "is ready"));

	/* failures: one clear line and a non-zero exit */
	assert_int_equal(RUN(0, "info", "00:99"), 1);
	one_line(out, err, "'00:99' is not a PCI address");
	assert_int_equal(RUN(0, "bind", "0000:00:1f.7"), 1);
	one_line(out, err, "no PCI device 0000:00:1f.7");
	assert_int_equal(RUN(0, "info", "0000:00:1f.7"), 1);
	one_line(out, err, "no PCI device 0000:00:1f.7");
	assert_int_equal(RUN(0, "check", "--memlock", "lots"), 2); /* bad usage */
	one_line(out, err, "'lots' is not a size");
	assert_int_equal(RUN(0, "frobnicate"), 2);
	assert_non_null(strstr(err, "unknown command 'frobnicate'"));
}

/* Provoke the permission problems: an unprivileged user, then a node made
 * root-only. */
static void check_unprivileged(void **state)
{
	static char out[8192], err[4096];
	struct stat st;
	char want[128];

	(void)state;
	assert_int_equal(stat(ctx_node, &st), 0);
	assert_int_equal(chmod(ctx_node, 0600), 0);
	assert_int_equal(RUN(65534, "check", "--memlock", "1G"), 1);
	print_output(out);
	snprintf(want, sizeof(want), "cannot open %s read-write: Permission denied", ctx_node);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "fix: run as root"));
	/* nobody's RLIMIT_MEMLOCK (8 MiB by default) is below 1 GiB */
	assert_non_null(strstr(out, "RLIMIT_MEMLOCK is"));
	assert_non_null(strstr(out, "not ready"));
	/* the device's cdev (legacy: its group node) is root-only too */
	assert_int_equal(RUN(65534, "check", EDU), 1);
	assert_non_null(strstr(out, legacy ? "cannot open /dev/vfio/" : "cannot open /dev/vfio/devices/vfio"));
	assert_int_equal(RUN(65534, "features"), 1);
	snprintf(want, sizeof(want), "cannot open %s: Permission denied", ctx_node);
	one_line(out, err, want);
	assert_int_equal(RUN(65534, "unbind", EDU), 1);
	one_line(out, err, "(needs root)");
	assert_int_equal(chmod(ctx_node, st.st_mode & 07777), 0);
	/* root with CAP_IPC_LOCK: the memlock check passes */
	assert_int_equal(RUN(0, "check", "--memlock", "1G"), 0);
	assert_null(strstr(out, "FAIL  RLIMIT_MEMLOCK"));
	assert_non_null(strstr(out, "PASS  RLIMIT_MEMLOCK"));
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* From a kernel with none of the modules loaded, libkmod loads them, and the
 * devices go back to vfio-pci. */
static void modules_from_nothing(void **state)
{
	static char out[8192], err[4096];
	struct iommufd_diag *d;
	char prev[64];
	int rc;

	(void)state;
	assert_int_equal(iommufd_pci_unbind_vfio(EDU, ""), 0);
	assert_int_equal(iommufd_pci_unbind_vfio(NVME, ""), 0);
	/* one at a time: modprobe -r fails on a module that is not loaded */
	rc = system("for m in mtty mdev vfio_pci vfio_pci_core vfio_iommu_type1 vfio iommufd; do "
		    "/sbin/modprobe -r $m 2>/dev/null; done");
	(void)rc;
	assert_false(exists("/sys/module/iommufd"));
	assert_false(exists("/sys/module/vfio"));
	assert_false(exists("/dev/iommu"));

	assert_int_equal(iommufd_diag_run(NULL, NULL, &d), 0);
	assert_false(iommufd_diag_ok(d));
	if (legacy) {
		/* no iommufd module to load: the legacy backend's modules are
		 * what is missing */
		assert_int_equal(iommufd_diag_get(d, 0)->code, IOMMUFD_DIAG_LEGACY_BACKEND);
		assert_int_equal(iommufd_diag_get(d, 1)->code, IOMMUFD_DIAG_VFIO_NOT_LOADED);
		assert_int_equal(iommufd_diag_get(d, 2)->code, IOMMUFD_DIAG_VFIO_PCI_NOT_LOADED);
	} else {
		assert_int_equal(iommufd_diag_get(d, 0)->code, IOMMUFD_DIAG_IOMMUFD_NOT_LOADED);
		assert_int_equal(iommufd_diag_get(d, 1)->code, IOMMUFD_DIAG_VFIO_PCI_NOT_LOADED);
	}
	iommufd_diag_free(d);
	assert_int_equal(RUN(0, "check"), 1);
	if (legacy) {
		assert_non_null(strstr(out, "the running kernel has no iommufd"));
		assert_non_null(strstr(out, "vfio is not loaded"));
		assert_non_null(strstr(out, "fix: modprobe vfio vfio_iommu_type1"));
	} else {
		assert_non_null(strstr(out, "the iommufd module is not loaded"));
		assert_non_null(strstr(out, "fix: modprobe iommufd"));
	}
	assert_int_equal(RUN(0, "features"), 1);
	one_line(out, err, "neither /dev/iommu nor /dev/vfio/vfio exists"); /* vfio is out too: no legacy fallback */

	assert_int_equal(iommufd_host_load_modules(), 0);
	assert_int_equal(exists("/sys/module/iommufd"), !legacy);
	assert_true(exists("/sys/module/vfio"));
	assert_true(exists("/sys/bus/pci/drivers/vfio-pci"));
	assert_int_equal(exists("/dev/iommu"), !legacy);
	if (legacy) {
		assert_true(exists("/sys/module/vfio_iommu_type1"));
		assert_true(exists("/dev/vfio/vfio"));
	}
	/* loading again is fine */
	assert_int_equal(iommufd_host_load_modules(), 0);

	assert_int_equal(iommufd_pci_bind_vfio(EDU, prev, sizeof(prev)), 0);
	assert_string_equal(prev, "");
	assert_int_equal(iommufd_pci_bind_vfio(NVME, prev, sizeof(prev)), 0);
	assert_int_equal(RUN(0, "check", NVME), 0);
	assert_non_null(strstr(out, "ready"));
}

/* Which backend the library's contexts get. The legacy one must be where
 * the kernel has no iommufd: no /dev/iommu, and no module for modprobe. */
static int setup(void **state)
{
	struct iommufd_ctx *ctx;
	bool no_iommufd;

	(void)state;
	if (iommufd_ctx_new(NULL, &ctx) < 0) {
		fprintf(stderr, "iommufd_ctx_new: %s\n", iommufd_last_error());
		return -1;
	}
	legacy = iommufd_ctx_get_backend(ctx) == IOMMUFD_BACKEND_VFIO_TYPE1;
	print_message("# backend %s\n", iommufd_backend_name(iommufd_ctx_get_backend(ctx)));
	iommufd_ctx_unref(ctx);
	no_iommufd = !exists("/dev/iommu") && system("/sbin/modprobe -n iommufd 2>/dev/null") != 0;
	if (legacy != no_iommufd) {
		fprintf(stderr, "legacy backend %d, yet the kernel %s iommufd\n", legacy, no_iommufd ? "lacks" : "has");
		return -1;
	}
	if (legacy)
		ctx_node = "/dev/vfio/vfio";
	return 0;
}

/* Whatever happened, leave the guest as the next tests expect it. */
static int restore(void **state)
{
	(void)state;
	iommufd_host_load_modules();
	iommufd_pci_bind_vfio(EDU, NULL, 0);
	iommufd_pci_bind_vfio(NVME, NULL, 0);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(cli, restore),
		cmocka_unit_test_teardown(check_unprivileged, restore),
		cmocka_unit_test_teardown(modules_from_nothing, restore),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
