// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Every command of the `iommufd` tool with -j on the real kernel: each
 * prints one document that tests/common/json-check.c reads strictly (the
 * guest has no python), with null and never a negative number where the
 * library says "unknown", and the facts of the rig's devices (edu at
 * 00:03.0, NVMe at 00:04.0, both on vfio-pci). check's exit statuses: 0
 * ready, 1 not ready (as nobody), 2 bad usage, 3 could not check. info and
 * list --vdpa open nothing without --probe: as nobody, with the device
 * node root-only, info succeeds and info --probe fails. The rig passes the
 * tool's path in RIG_IOMMUFD_TOOL.
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
#include "json-check.h"

#define EDU "0000:00:03.0"
#define NVME "0000:00:04.0"

static char out[65536], err[8192];

/* Modes changed by a test, put back by restore(). */
static char saved_cdev[64];
static mode_t saved_cdev_mode, saved_iommu_mode;

static void drain(int fd, char *buf, size_t size)
{
	size_t i = 0;
	ssize_t n;

	while (i + 1 < size && (n = read(fd, buf + i, size - 1 - i)) > 0)
		i += (size_t)n;
	buf[i] = '\0';
}

/* Run the tool as uid with args; stdout in out, stderr in err; the exit
 * status. stdout is read to the end before stderr: the tool writes little
 * to stderr, so its pipe never fills. */
static int run_as(uid_t uid, const char *const *args)
{
	const char *path = getenv("RIG_IOMMUFD_TOOL");
	char *argv[16] = { (char *)"iommufd" };
	int po[2], pe[2], status;
	pid_t pid;

	assert_non_null(path);
	for (size_t i = 0; args[i]; i++) {
		assert_true(i + 2 < sizeof(argv) / sizeof(argv[0]));
		argv[i + 1] = (char *)args[i];
	}
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
	drain(po[0], out, sizeof(out));
	drain(pe[0], err, sizeof(err));
	close(po[0]);
	close(pe[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

#define RUN_AS(uid, ...) run_as(uid, (const char *const[]){ __VA_ARGS__, NULL })

/* No negative number anywhere: "unknown" is null. */
static void no_negative(const struct jvalue *v, const char *where)
{
	if (v->type == J_NUMBER && v->text[0] == '-')
		fail_msg("%s: %s in %s", where, v->text, out);
	for (size_t i = 0; i < v->n; i++)
		no_negative(v->items[i], v->keys ? v->keys[i] : where);
}

/* Run with -j (and -p: the same exit status and the same kind of
 * document), parse what came out, check the exit status. */
static struct jvalue *json_run_as(uid_t uid, int want_rc, bool twice, const char *const *args)
{
	const char *pargs[16] = { "-p" };
	char why[160], *first;
	struct jvalue *v, *pv;
	size_t i;
	int rc = 0, rc_j;

	for (i = 0; args[i]; i++)
		pargs[i + 1] = args[i];
	pargs[i + 1] = NULL;
	/* A command that changes something (bind, mdev create) runs once,
	 * with -j: a second run would find another state. */
	pv = NULL;
	if (twice) {
		rc = run_as(uid, pargs);
		pv = json_parse(out, why, sizeof(why));
		if (!pv)
			fail_msg("-p %s: not JSON (%s): %s", args[0], why, out);
	}
	pargs[0] = "-j";
	rc_j = run_as(uid, pargs);
	if (twice && rc_j != rc)
		fail_msg("-j %s: another exit status than -p", args[0]);
	rc = rc_j;
	if (rc != want_rc)
		fail_msg("-j %s: exit status %d, want %d; stderr: %s; stdout: %s", args[0], rc, want_rc, err, out);
	first = strchr(out, '\n');
	if (!first || first[1] != '\0')
		fail_msg("-j %s: not one line: %s", args[0], out);
	v = json_parse(out, why, sizeof(why));
	if (!v)
		fail_msg("-j %s: not JSON (%s): %s", args[0], why, out);
	if (pv && (v->type != pv->type || v->n != pv->n))
		fail_msg("-j %s: -p printed another document", args[0]);
	json_free(pv);
	no_negative(v, args[0]);
	/* a failure is {"error": "..."} with its one line on stderr (check's
	 * "not ready" is a verdict, not a failure) */
	if (rc != 0 && !(rc == 1 && !strcmp(args[0], "check"))) {
		assert_int_equal(v->type, J_OBJECT);
		assert_int_equal(v->n, 1);
		assert_non_null(json_get_str(v, "error"));
		assert_non_null(strchr(err, '\n'));
		assert_string_equal(strchr(err, '\n'), "\n");
	}
	return v;
}

#define JSON_AS(uid, rc, ...) json_run_as(uid, rc, true, (const char *const[]){ __VA_ARGS__, NULL })
#define JSON(rc, ...) JSON_AS(0, rc, __VA_ARGS__)
/* a command with side effects: run once, with -j */
#define JSON_ONCE(rc, ...) json_run_as(0, rc, false, (const char *const[]){ __VA_ARGS__, NULL })

static const struct jvalue *find_device(const struct jvalue *list, const char *addr)
{
	for (size_t i = 0; i < list->n; i++)
		if (!strcmp(json_get_str(list->items[i], "address"), addr))
			return list->items[i];
	return NULL;
}

/* The facts of a PCI device in list and info. */
static void check_pci(const struct jvalue *d, const char *vendor, const char *device, const char *class_code)
{
	const struct jvalue *group = json_get(d, "iommu_group"), *members = json_get(d, "group_members");
	const char *cdev = json_get_str(d, "vfio_cdev");

	assert_non_null(d);
	assert_string_equal(json_get_str(d, "vendor"), vendor);
	assert_string_equal(json_get_str(d, "device"), device);
	assert_string_equal(json_get_str(d, "class"), class_code);
	assert_string_equal(json_get_str(d, "driver"), "vfio-pci");
	assert_non_null(group);
	assert_int_equal(group->type, J_NUMBER);
	assert_non_null(members);
	assert_int_equal(members->type, J_ARRAY);
	assert_true(members->n >= 1);
	assert_non_null(cdev);
	assert_int_equal(strncmp(cdev, "/dev/vfio/devices/vfio", 22), 0);
	assert_false(json_get_bool(d, "noiommu"));
	/* present, a number or null */
	assert_non_null(json_get(d, "numa_node"));
	assert_true(json_get(d, "numa_node")->type == J_NUMBER || json_is_null(d, "numa_node"));
	/* names: strings where the guest has a hwdb, else null (the rig's has none) */
	for (const char *const *k = (const char *const[]){ "vendor_name", "device_name", "class_name", NULL }; *k; k++)
		assert_true(json_get_str(d, *k) || json_is_null(d, *k));
}

static void cli_list_info(void **state)
{
	struct jvalue *v;
	const struct jvalue *d, *iommu, *r;

	(void)state;
	v = JSON(0, "list");
	assert_int_equal(v->type, J_ARRAY);
	check_pci(find_device(v, EDU), "1234", "11e8", "00ff00");
	check_pci(find_device(v, NVME), "1b36", "0010", "010802");
	json_free(v);

	v = JSON(0, "list", "--vfio");
	assert_int_equal(v->type, J_ARRAY);
	assert_non_null(find_device(v, EDU));
	assert_null(find_device(v, "0000:00:05.0")); /* on a host driver or none */
	for (size_t i = 0; i < v->n; i++)
		assert_non_null(json_get_str(v->items[i], "vfio_cdev"));
	json_free(v);

	/* info without --probe: the facts, no IOMMU */
	v = JSON(0, "info", EDU);
	assert_int_equal(v->type, J_OBJECT);
	check_pci(v, "1234", "11e8", "00ff00");
	assert_false(json_get_bool(v, "probed"));
	assert_true(json_is_null(v, "iommu"));
	json_free(v);

	/* with --probe: what the VT-d reports */
	v = JSON(0, "info", "--probe", EDU);
	assert_true(json_get_bool(v, "probed"));
	iommu = json_get(v, "iommu");
	assert_non_null(iommu);
	assert_int_equal(iommu->type, J_OBJECT);
	assert_string_equal(json_get_str(iommu, "type"), "Intel VT-d");
	assert_non_null(json_get(iommu, "vtd"));
	assert_non_null(json_get_str(json_get(iommu, "vtd"), "cap_reg"));
	assert_int_equal(json_get(iommu, "capabilities")->type, J_ARRAY);
	r = json_at(json_get(iommu, "iova_ranges"), 0);
	assert_non_null(r);
	assert_string_equal(json_get(r, "start")->text, "0");
	assert_string_equal(json_get(r, "last")->text, "4276092927"); /* 0xfedfffff */
	print_message("# iommufd -j info --probe " EDU ": %s", out);
	json_free(v);

	/* vDPA without --probe: nothing probed */
	v = JSON(0, "list", "--vdpa");
	assert_int_equal(v->type, J_ARRAY);
	for (size_t i = 0; i < v->n; i++) {
		d = v->items[i];
		assert_false(json_get_bool(d, "probed"));
		assert_true(json_is_null(d, "asids"));
		assert_true(json_is_null(d, "iommufd"));
	}
	json_free(v);

	/* failures and usage errors */
	json_free(JSON(1, "info", "0000:00:1f.7"));
	assert_non_null(strstr(err, "no PCI device 0000:00:1f.7"));
	json_free(JSON(1, "info", "00:99"));
	json_free(JSON(2, "info"));
	assert_non_null(strstr(err, "iommufd: info: missing device address (try 'iommufd info --help')"));
	json_free(JSON(2, "list", "--probe"));
}

/* info opens nothing without --probe: with the node root-only, nobody
 * gets the facts, and --probe fails to open it. */
static void cli_no_side_effects(void **state)
{
	struct jvalue *v;
	struct stat st;
	const char *cdev;

	(void)state;
	v = JSON(0, "info", EDU);
	cdev = json_get_str(v, "vfio_cdev");
	assert_non_null(cdev);
	assert_int_equal(stat(cdev, &st), 0);
	snprintf(saved_cdev, sizeof(saved_cdev), "%s", cdev ? cdev : ""); /* gcc -fsanitize: assert_non_null() is not noreturn */
	saved_cdev_mode = st.st_mode & 07777;
	assert_int_equal(chmod(cdev, 0600), 0);
	json_free(JSON_AS(65534, 0, "info", EDU));
	assert_int_equal(RUN_AS(65534, "info", EDU), 0);
	assert_non_null(strstr(out, "not probed"));
	assert_int_equal(RUN_AS(65534, "info", "--probe", EDU), 1);
	assert_non_null(strstr(err, "Permission denied"));
	assert_int_equal(chmod(cdev, saved_cdev_mode), 0);
	saved_cdev[0] = '\0';
	json_free(v);
}

static void check_results(const struct jvalue *v, bool ready, bool quiet)
{
	const struct jvalue *checks = json_get(v, "checks");
	bool any_fail = false;

	assert_int_equal(v->type, J_OBJECT);
	assert_int_equal(json_get(v, "ready")->type, J_BOOL);
	assert_int_equal(json_get_bool(v, "ready"), ready);
	assert_non_null(checks);
	assert_int_equal(checks->type, J_ARRAY);
	for (size_t i = 0; i < checks->n; i++) {
		const struct jvalue *c = checks->items[i];
		const char *res = json_get_str(c, "result");

		assert_non_null(json_get_str(c, "check"));
		assert_non_null(json_get_str(c, "subject"));
		assert_non_null(json_get_str(c, "message"));
		assert_true(json_get_str(c, "fix") || json_is_null(c, "fix"));
		assert_non_null(res);
		assert_true(!strcmp(res, "pass") || !strcmp(res, "warn") || !strcmp(res, "fail") ||
			    !strcmp(res, "info"));
		if (quiet)
			assert_string_equal(res, "fail");
		any_fail |= !strcmp(res, "fail");
	}
	assert_int_equal(any_fail, !ready);
}

static bool has_check(const struct jvalue *v, const char *id, const char *result)
{
	const struct jvalue *checks = json_get(v, "checks");

	for (size_t i = 0; checks && i < checks->n; i++)
		if (!strcmp(json_get_str(checks->items[i], "check"), id) &&
		    !strcmp(json_get_str(checks->items[i], "result"), result))
			return true;
	return false;
}

static void cli_check(void **state)
{
	struct jvalue *v;
	struct stat st;

	(void)state;
	/* ready: every check passes, exit 0 */
	v = JSON(0, "check", EDU, "--memlock", "1G");
	check_results(v, true, false);
	assert_string_equal(json_get_str(v, "device"), EDU);
	assert_string_equal(json_get(v, "memlock_bytes")->text, "1073741824");
	assert_string_equal(json_get_str(v, "backend"), "iommufd");
	assert_true(json_is_null(v, "backend_error"));
	for (const char *const *id = (const char *const[]){ "iommu", "iommufd", "iommu_access", "vfio_pci", "memlock",
							      "device", "iommu_group", "isolation", "group_viable",
							      "vfio_bound", "vfio_cdev", "cdev_access", NULL };
	     *id; id++)
		if (!has_check(v, *id, "pass"))
			fail_msg("check %s did not pass: %s", *id, out);
	json_free(v);
	/* the text: a PASS line per check, then the verdict */
	assert_int_equal(RUN_AS(0, "check", EDU), 0);
	assert_non_null(strstr(out, "PASS  IOMMU: "));
	assert_non_null(strstr(out, "PASS  " EDU ": it is bound to vfio-pci\n"));
	assert_non_null(strstr(out, "INFO  backend: iommufd (the library uses /dev/iommu)\n"));
	assert_non_null(strstr(out, "\nready\n"));
	assert_int_equal(RUN_AS(0, "check", "-q", EDU), 0);
	assert_string_equal(out, "");
	json_free(JSON(0, "check"));

	/* not ready (nobody, /dev/iommu root-only, 8 MiB of RLIMIT_MEMLOCK): exit 1 */
	assert_int_equal(stat("/dev/iommu", &st), 0);
	saved_iommu_mode = st.st_mode & 07777;
	assert_int_equal(chmod("/dev/iommu", 0600), 0);
	v = JSON_AS(65534, 1, "check", "--memlock", "1G");
	check_results(v, false, false);
	assert_true(has_check(v, "iommu_access", "fail"));
	assert_true(has_check(v, "memlock", "fail"));
	assert_true(has_check(v, "iommu", "pass"));
	assert_true(json_is_null(v, "backend")); /* /dev/iommu is root's: no fallback */
	assert_non_null(json_get_str(v, "backend_error"));
	json_free(v);
	v = JSON_AS(65534, 1, "check", "-q", "--memlock", "1G");
	check_results(v, false, true);
	json_free(v);
	assert_int_equal(RUN_AS(65534, "check", "-q", "--memlock", "1G"), 1);
	assert_non_null(strstr(out, "FAIL  /dev/iommu: cannot open /dev/iommu read-write: Permission denied\n"));
	assert_null(strstr(out, "PASS"));
	json_free(JSON_AS(65534, 1, "features"));
	v = JSON_AS(65534, 0, "version");
	assert_true(json_is_null(v, "backend"));
	assert_true(json_is_null(v, "features"));
	assert_non_null(json_get_str(v, "backend_error"));
	json_free(v);
	assert_int_equal(chmod("/dev/iommu", saved_iommu_mode), 0);
	saved_iommu_mode = 0;

	/* bad usage: 2; could not check (a malformed address): 3 */
	json_free(JSON(2, "check", "--memlock", "17179869184G"));
	assert_non_null(strstr(err, "'17179869184G' is not a size"));
	json_free(JSON(2, "check", EDU, NVME));
	json_free(JSON(3, "check", "00:99"));
}

static void cli_features_version_help(void **state)
{
	struct jvalue *v;
	const struct jvalue *f;
	char want[64];

	(void)state;
	v = JSON(0, "features");
	assert_int_equal(v->type, J_OBJECT);
	assert_true(json_get_bool(v, "ioas"));
	assert_true(json_get_bool(v, "hw_info"));
	for (size_t i = 0; i < v->n; i++)
		assert_int_equal(v->items[i]->type, J_BOOL);
	json_free(v);

	v = JSON(0, "version");
	snprintf(want, sizeof(want), "%s", iommufd_version());
	assert_string_equal(json_get_str(v, "version"), want);
	assert_string_equal(json_get_str(v, "backend"), "iommufd");
	f = json_get(v, "features");
	assert_non_null(f);
	assert_true(json_get_bool(f, "ioas"));
	assert_true(json_is_null(v, "backend_error"));
	json_free(v);
	json_free(JSON(0, "-V"));

	v = JSON(0, "help");
	assert_int_equal(json_get(v, "commands")->type, J_ARRAY);
	assert_int_equal(json_get(v, "commands")->n, 11); /* with exec and serve */
	json_free(v);
	v = JSON(0, "check", "--help");
	assert_string_equal(json_get_str(v, "name"), "check");
	json_free(v);
	json_free(JSON(2, "frobnicate"));
}

/* bind and unbind in JSON: the drivers before and after. */
static void cli_bind(void **state)
{
	struct jvalue *v;

	(void)state;
	v = JSON_ONCE(0, "unbind", NVME, "--none");
	assert_string_equal(json_get_str(v, "address"), NVME);
	assert_string_equal(json_get_str(v, "previous_driver"), "vfio-pci");
	assert_true(json_is_null(v, "driver"));
	json_free(v);
	v = JSON_ONCE(0, "bind", NVME);
	assert_true(json_is_null(v, "previous_driver"));
	assert_string_equal(json_get_str(v, "driver"), "vfio-pci");
	json_free(v);
	json_free(JSON(1, "bind", "0000:00:1f.7"));
	json_free(JSON(2, "unbind", NVME, "--none", "--driver", "nvme"));
}

/* mdev list, create and remove in JSON, on the mtty sample. */
static void cli_mdev(void **state)
{
	struct jvalue *v;
	char uuid[64];

	(void)state;
	v = JSON(0, "mdev", "list");
	assert_int_equal(json_get(v, "types")->type, J_ARRAY);
	assert_int_equal(json_get(v, "instances")->type, J_ARRAY);
	json_free(v);
	assert_int_equal(system("/sbin/modprobe mtty"), 0);
	v = JSON_ONCE(0, "mdev", "create", "mtty", "mtty-1");
	assert_non_null(json_get_str(v, "uuid"));
	assert_int_equal(strlen(json_get_str(v, "uuid")), 36);
	snprintf(uuid, sizeof(uuid), "%s", json_get_str(v, "uuid"));
	json_free(v);
	v = JSON(0, "mdev", "list");
	assert_true(json_get(v, "instances")->n >= 1);
	assert_string_equal(json_get_str(json_get(v, "instances")->items[0], "parent"), "mtty");
	json_free(v);
	v = JSON_ONCE(0, "mdev", "remove", uuid);
	assert_string_equal(json_get_str(v, "removed"), uuid);
	json_free(v);
	json_free(JSON(1, "mdev", "remove", uuid)); /* gone */
	json_free(JSON(2, "mdev", "create", "mtty"));
	assert_int_equal(system("/sbin/modprobe -r mtty"), 0);
}

/* Whatever happened, leave the guest as the next tests expect it. */
static int restore(void **state)
{
	(void)state;
	if (saved_iommu_mode)
		chmod("/dev/iommu", saved_iommu_mode);
	if (saved_cdev[0])
		chmod(saved_cdev, saved_cdev_mode);
	saved_iommu_mode = 0;
	saved_cdev[0] = '\0';
	iommufd_pci_bind_vfio(EDU, NULL, 0);
	iommufd_pci_bind_vfio(NVME, NULL, 0);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(cli_list_info, restore),
		cmocka_unit_test_teardown(cli_no_side_effects, restore),
		cmocka_unit_test_teardown(cli_check, restore),
		cmocka_unit_test_teardown(cli_features_version_help, restore),
		cmocka_unit_test_teardown(cli_bind, restore),
		cmocka_unit_test_teardown(cli_mdev, restore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
