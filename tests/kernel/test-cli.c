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
 * tool's path in RIG_IOMMUFD_TOOL. Where the kernel has no iommufd (no
 * /dev/iommu: Linux 6.1 in the matrix) the library's contexts get the
 * legacy VFIO backend, and each command must say so: devices have a group
 * node (/dev/vfio/N) and no cdev, check makes the legacy backend's checks,
 * features and version report what the library reports for it.
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

/* The backend the library chooses here (setup()); legacy: the VFIO type1
 * one, whose contexts open /dev/vfio/vfio where iommufd's open /dev/iommu. */
static enum iommufd_backend backend;
static bool legacy;
static const char *ctx_node = "/dev/iommu";

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
	if (legacy) {
		/* no cdev: the kernel has none, and the library says so */
		char node[32];

		assert_null(cdev);
		assert_true(json_get_bool(d, "vfio_cdev_missing"));
		snprintf(node, sizeof(node), "/dev/vfio/%s", group->text);
		assert_string_equal(json_get_str(d, "vfio_group"), node);
	} else {
		assert_non_null(cdev);
		assert_int_equal(strncmp(cdev, "/dev/vfio/devices/vfio", 22), 0);
		assert_false(json_get_bool(d, "vfio_cdev_missing"));
	}
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
		assert_non_null(json_get_str(v->items[i], legacy ? "vfio_group" : "vfio_cdev"));
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
	if (legacy) {
		/* type1 has no IOMMU hw info: unknown, with the library's reason */
		assert_true(json_is_null(iommu, "type"));
		assert_true(json_is_null(iommu, "pasid_bits"));
		assert_non_null(strstr(json_get_str(iommu, "hw_info_error"), "legacy VFIO backend"));
		assert_null(json_get(iommu, "vtd"));
	} else {
		assert_string_equal(json_get_str(iommu, "type"), "Intel VT-d");
		assert_true(json_is_null(iommu, "hw_info_error"));
		assert_non_null(json_get(iommu, "vtd"));
		assert_non_null(json_get_str(json_get(iommu, "vtd"), "cap_reg"));
	}
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
 * gets the facts, and --probe fails to open it. The node is the device's
 * cdev, or on the legacy backend its group node. */
static void cli_no_side_effects(void **state)
{
	struct jvalue *v;
	struct stat st;
	const char *cdev;

	(void)state;
	v = JSON(0, "info", EDU);
	cdev = json_get_str(v, legacy ? "vfio_group" : "vfio_cdev");
	assert_non_null(cdev);
	assert_int_equal(stat(cdev, &st), 0);
	snprintf(saved_cdev, sizeof(saved_cdev), "%s", cdev ? cdev : ""); /* gcc -fsanitize: assert_non_null() is not noreturn */
	saved_cdev_mode = st.st_mode & 07777;
	assert_int_equal(chmod(cdev, 0600), 0);
	json_free(JSON_AS(65534, 0, "info", EDU));
	assert_int_equal(RUN_AS(65534, "info", EDU), 0);
	assert_non_null(strstr(out, "not probed"));
	assert_int_equal(RUN_AS(65534, "info", "--probe", EDU), 1);
	/* strerror's, or the library's "permission denied on /dev/vfio/N" */
	assert_non_null(strcasestr(err, "Permission denied"));
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
	assert_string_equal(json_get_str(v, "backend"), iommufd_backend_name(backend));
	assert_true(json_is_null(v, "backend_error"));
	for (const char *const *id = legacy ? (const char *const[]){ "iommu", "vfio_container", "vfio_access", "vfio_pci",
								     "memlock", "device", "iommu_group", "isolation",
								     "group_viable", "vfio_bound", "group_access", NULL } :
					      (const char *const[]){ "iommu", "iommufd", "iommu_access", "vfio_pci",
								     "memlock", "device", "iommu_group", "isolation",
								     "group_viable", "vfio_bound", "vfio_cdev",
								     "cdev_access", NULL };
	     *id; id++)
		if (!has_check(v, *id, "pass"))
			fail_msg("check %s did not pass: %s", *id, out);
	/* the legacy backend is a warning, not a failure: still ready */
	if (legacy)
		assert_true(has_check(v, "backend", "warn"));
	json_free(v);
	/* the text: a PASS line per check, then the verdict */
	assert_int_equal(RUN_AS(0, "check", EDU), 0);
	assert_non_null(strstr(out, "PASS  IOMMU: "));
	assert_non_null(strstr(out, "PASS  " EDU ": it is bound to vfio-pci\n"));
	if (legacy)
		assert_non_null(strstr(out, "INFO  backend: vfio-type1 (the legacy VFIO backend: "));
	else
		assert_non_null(strstr(out, "INFO  backend: iommufd (the library uses /dev/iommu)\n"));
	assert_non_null(strstr(out, "\nready\n"));
	assert_int_equal(RUN_AS(0, "check", "-q", EDU), 0);
	assert_string_equal(out, "");
	json_free(JSON(0, "check"));

	/* not ready (nobody, the node contexts open root-only, 8 MiB of
	 * RLIMIT_MEMLOCK): exit 1 */
	assert_int_equal(stat(ctx_node, &st), 0);
	saved_iommu_mode = st.st_mode & 07777;
	assert_int_equal(chmod(ctx_node, 0600), 0);
	v = JSON_AS(65534, 1, "check", "--memlock", "1G");
	check_results(v, false, false);
	assert_true(has_check(v, legacy ? "vfio_access" : "iommu_access", "fail"));
	assert_true(has_check(v, "memlock", "fail"));
	assert_true(has_check(v, "iommu", "pass"));
	assert_true(json_is_null(v, "backend")); /* the node is root's: no fallback */
	assert_non_null(json_get_str(v, "backend_error"));
	json_free(v);
	v = JSON_AS(65534, 1, "check", "-q", "--memlock", "1G");
	check_results(v, false, true);
	json_free(v);
	assert_int_equal(RUN_AS(65534, "check", "-q", "--memlock", "1G"), 1);
	{
		char want[128];

		snprintf(want, sizeof(want), "FAIL  %s: cannot open %s read-write: Permission denied\n", ctx_node,
			 ctx_node);
		assert_non_null(strstr(out, want));
	}
	assert_null(strstr(out, "PASS"));
	json_free(JSON_AS(65534, 1, "features"));
	v = JSON_AS(65534, 0, "version");
	assert_true(json_is_null(v, "backend"));
	assert_true(json_is_null(v, "features"));
	assert_non_null(json_get_str(v, "backend_error"));
	json_free(v);
	assert_int_equal(chmod(ctx_node, saved_iommu_mode), 0);
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
	struct iommufd_ctx *ctx;
	char want[64];

	(void)state;
	v = JSON(0, "features");
	assert_int_equal(v->type, J_OBJECT);
	assert_true(json_get_bool(v, "ioas"));
	/* type1 has no IOMMU hw info; iommufd has had it since 6.6 */
	assert_int_equal(json_get_bool(v, "hw_info"), !legacy);
	/* dirty tracking on both: VFIO_IOMMU_DIRTY_PAGES on VFIO's type1 */
	assert_true(json_get_bool(v, "dirty_tracking"));
	for (size_t i = 0; i < v->n; i++)
		assert_int_equal(v->items[i]->type, J_BOOL);
	/* what the library says, feature by feature */
	assert_ok(NULL, iommufd_ctx_new(NULL, &ctx));
	for (int i = 0; i < IOMMUFD_FEATURE_COUNT; i++) {
		const struct jvalue *b = json_get(v, iommufd_feature_name((enum iommufd_feature)i));

		if (b && b->type == J_BOOL)
			assert_int_equal(json_get_bool(v, iommufd_feature_name((enum iommufd_feature)i)),
					 iommufd_ctx_has_feature(ctx, (enum iommufd_feature)i));
	}
	iommufd_ctx_unref(ctx);
	json_free(v);

	v = JSON(0, "version");
	snprintf(want, sizeof(want), "%s", iommufd_version());
	assert_string_equal(json_get_str(v, "version"), want);
	assert_string_equal(json_get_str(v, "backend"), iommufd_backend_name(backend));
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
	if (system("/sbin/modprobe mtty") != 0) {
		/* A kernel built without the mtty sample: the library's
		 * discovery must then find no mtty parent, and the test cannot
		 * be made without one. */
		bool found = false;

		v = JSON(0, "mdev", "list");
		for (size_t i = 0; i < json_get(v, "types")->n; i++)
			found |= !strcmp(json_get_str(json_get(v, "types")->items[i], "parent"), "mtty");
		json_free(v);
		assert_false(found);
		print_message("skipped: kernel %s lacks the mtty mdev parent (modprobe mtty failed, and the library's "
			      "discovery, iommufd mdev list, finds no mtty type)\n",
			      getenv("RIG_KERNEL") ? getenv("RIG_KERNEL") : "?");
		skip();
	}
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

/* Which backend the library's contexts get here. It must agree with the
 * kernel's nodes: the legacy one exactly where /dev/iommu does not exist. */
static int setup(void **state)
{
	struct iommufd_ctx *ctx;

	(void)state;
	if (iommufd_ctx_new(NULL, &ctx) < 0) {
		fprintf(stderr, "iommufd_ctx_new: %s\n", iommufd_last_error());
		return -1;
	}
	backend = iommufd_ctx_get_backend(ctx);
	iommufd_ctx_unref(ctx);
	legacy = backend == IOMMUFD_BACKEND_VFIO_TYPE1;
	if (legacy != (access("/dev/iommu", F_OK) != 0)) {
		fprintf(stderr, "backend %s, yet /dev/iommu %s\n", iommufd_backend_name(backend),
			legacy ? "exists" : "does not exist");
		return -1;
	}
	if (legacy)
		ctx_node = "/dev/vfio/vfio";
	print_message("# backend %s\n", iommufd_backend_name(backend));
	return 0;
}

/* Whatever happened, leave the guest as the next tests expect it. */
static int restore(void **state)
{
	(void)state;
	if (saved_iommu_mode)
		chmod(ctx_node, saved_iommu_mode);
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

	return cmocka_run_group_tests(tests, setup, NULL);
}
