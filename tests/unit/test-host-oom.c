// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Host calls under memory pressure (issue 16's fault injection, the calls
 * without a context): PCI discovery and the diagnostics over an umockdev
 * testbed (run under umockdev-wrapper), with the library's N-th allocation
 * failing, for every N, and with every allocation from the N-th on
 * failing. Each run either succeeds with the clean run's answer (the same
 * devices, the same findings) or fails with -ENOMEM, errno ENOMEM and an
 * explanation of its own; the next clean call succeeds. Leaks show under
 * valgrind (the unit-valgrind tier traces the wrapper's child).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <umockdev.h>
#include <cmocka.h>

#include <iommufd/iommufd.h>

#include "check.h"
#include "base/error.h"
#include "base/sys.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

struct alloc_state {
	bool armed, sticky;
	unsigned long n, fail_at;
};
static struct alloc_state A;

static bool alloc_fails(void)
{
	if (!A.armed)
		return false;
	A.n++;
	return A.fail_at && (A.sticky ? A.n >= A.fail_at : A.n == A.fail_at);
}

void *__wrap_malloc(size_t n)
{
	return alloc_fails() ? (errno = ENOMEM, NULL) : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	return alloc_fails() ? (errno = ENOMEM, NULL) : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return alloc_fails() ? (errno = ENOMEM, NULL) : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return alloc_fails() ? (errno = ENOMEM, NULL) : __real_strdup(s);
}

static UMockdevTestbed *tb;
static char *sysdir;

static void put(const char *rel, const char *link)
{
	char path[1024], *slash;

	snprintf(path, sizeof(path), "%s/%s", sysdir, rel);
	for (slash = strchr(path + strlen(sysdir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (link) {
		assert_int_equal(symlink(link, path), 0);
	} else {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fclose(f);
	}
}

static void pci(const char *addr, const char *driver, int group)
{
	char *syspath = umockdev_testbed_add_device(tb, "pci", addr, NULL, "vendor", "0x1234\n", "device",
						    "0x11e8\n", "class", "0x00ff00\n", "numa_node", "-1\n",
						    "driver_override", "(null)\n", NULL, "PCI_SLOT_NAME", addr, NULL);
	char rel[256], target[256];

	assert_non_null(syspath);
	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/.keep", driver);
	put(rel, NULL);
	snprintf(rel, sizeof(rel), "devices/%s/driver", addr);
	snprintf(target, sizeof(target), "../../bus/pci/drivers/%s", driver);
	put(rel, target);
	snprintf(rel, sizeof(rel), "devices/%s/iommu_group", addr);
	snprintf(target, sizeof(target), "../../kernel/iommu_groups/%d", group);
	put(rel, target);
	snprintf(rel, sizeof(rel), "kernel/iommu_groups/%d/devices/%s", group, addr);
	snprintf(target, sizeof(target), "../../../../devices/%s", addr);
	put(rel, target);
	g_free(syspath);
}

/*
 * The real system calls, but /dev paths are never opened: umockdev's
 * preload keeps three sockets for each open of a /dev path that fails
 * (and aborts once its table is full), which would hide the library's
 * own descriptors. The testbed has no /dev nodes anyway.
 */
static struct iommufd_sys_ops host_ops;

/* The N-th of the host calls below fails with -err (0: none), counted in
 * calls_made. */
struct host_fail {
	unsigned long n, fail_at;
	int err;
};
static struct host_fail H;

static bool host_fails(int *rc)
{
	if (!H.fail_at)
		return false;
	if (++H.n != H.fail_at)
		return false;
	*rc = -H.err;
	return true;
}

static int no_dev_open(const char *path, int flags)
{
	int rc;

	if (host_fails(&rc))
		return rc;
	if (!strncmp(path, "/dev/", 5))
		return -ENOENT;
	return iommufd_sys_real.open(path, flags);
}

static ssize_t h_pread(int fd, void *buf, size_t len, off_t off)
{
	int rc;

	return host_fails(&rc) ? rc : iommufd_sys_real.pread(fd, buf, len, off);
}

static ssize_t h_readlink(const char *path, char *buf, size_t size)
{
	int rc;

	return host_fails(&rc) ? rc : iommufd_sys_real.readlink(path, buf, size);
}

static int h_list_dir(const char *path, int (*fn)(const char *name, void *data), void *data)
{
	int rc;

	return host_fails(&rc) ? rc : iommufd_sys_real.list_dir(path, fn, data);
}

static int setup(void **state)
{
	(void)state;
	host_ops = iommufd_sys_real;
	host_ops.open = no_dev_open;
	host_ops.pread = h_pread;
	host_ops.readlink = h_readlink;
	host_ops.list_dir = h_list_dir;
	sys_host = &host_ops;
	tb = umockdev_testbed_new();
	sysdir = umockdev_testbed_get_sys_dir(tb);
	pci("0000:00:03.0", "vfio-pci", 1);
	put("devices/0000:00:03.0/vfio-dev/vfio0/dev", NULL);
	/* a group of two, one member on a host driver */
	pci("0000:00:05.0", "vfio-pci", 3);
	pci("0000:00:05.1", "nvme", 3);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	g_free(sysdir);
	g_object_unref(tb);
	sys_host = &iommufd_sys_real;
	return 0;
}

static int proc_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* What a call answered, to compare with the clean run. */
struct answer {
	int rc;
	char text[2048];
	char dev[2048]; /* the part about the device: discovery's facts, the findings on it */
};

static void enum_all(struct answer *a)
{
	struct iommufd_pci_enum *e = NULL;
	size_t off = 0;

	a->rc = iommufd_pci_enum_new(NULL, &e);
	a->text[0] = 0;
	if (a->rc < 0)
		return;
	for (const struct iommufd_pci_info *d = iommufd_pci_enum_first(e); d; d = iommufd_pci_enum_next(e))
		off += (size_t)snprintf(a->text + off, sizeof(a->text) - off, "%s %s %d %zu;", d->addr,
					d->driver ? d->driver : "-", d->iommu_group, d->group_size);
	iommufd_pci_enum_free(e);
	snprintf(a->dev, sizeof(a->dev), "%s", a->text);
}

static void diag_of(const char *addr, struct answer *a)
{
	struct iommufd_diag *d = NULL;
	size_t off = 0, doff = 0;

	a->rc = iommufd_diag_run(addr, NULL, &d);
	a->text[0] = a->dev[0] = 0;
	if (a->rc < 0)
		return;
	for (size_t i = 0; i < iommufd_diag_count(d); i++) {
		const struct iommufd_diag_finding *f = iommufd_diag_get(d, i);

		off += (size_t)snprintf(a->text + off, sizeof(a->text) - off, "%d %d %s;", f->code, f->severity,
					f->subject);
		if (!strncmp(f->subject, "0000:", 5) || !strncmp(f->subject, "/dev/vfio/devices/", 18))
			doff += (size_t)snprintf(a->dev + doff, sizeof(a->dev) - doff, "%d %d %s;", f->code,
						 f->severity, f->subject);
	}
	iommufd_diag_free(d);
}

static void diag_group(struct answer *a)
{
	diag_of("0000:00:05.0", a);
}

static void diag_alone(struct answer *a)
{
	diag_of("0000:00:03.0", a);
}

static const struct {
	const char *name;
	void (*fn)(struct answer *a);
} calls[] = {
	{ "pci_enum_new", enum_all },
	{ "diag_run(group of two)", diag_group },
	{ "diag_run(alone)", diag_alone },
};

static void under_pressure(void **state)
{
	unsigned long runs = 0, failed = 0;
	int bad = 0;

	(void)state;
	for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
		struct answer clean, now, again;
		unsigned long allocs;

		A = (struct alloc_state){ .armed = true };
		calls[c].fn(&clean);
		A.armed = false;
		allocs = A.n;
		assert_int_equal(clean.rc, 0);
		for (unsigned long n = 1; n <= allocs; n++)
			for (int sticky = 0; sticky < 2; sticky++) {
				IOMMUFD_OPTS(iommufd_pci_filter, f, .addr = "zz"); /* an unrelated failure first */
				struct iommufd_pci_enum *x;

				assert_errno(EINVAL, iommufd_pci_enum_new(&f, &x));
				char before[512];

				snprintf(before, sizeof(before), "%s", iommufd_last_error());
				int fds = proc_fds();

				A = (struct alloc_state){ .armed = true, .sticky = sticky, .fail_at = n };
				errno = 0;
				calls[c].fn(&now);
				int err = errno;

				A.armed = false;
				runs++;
				if (now.rc == 0 && strcmp(now.text, clean.text)) {
					print_error("%s, allocation %lu%s failing: succeeded with another answer:\n  %s\n  want %s\n",
						    calls[c].name, n, sticky ? " on" : "", now.text, clean.text);
					bad++;
				} else if (now.rc < 0 && (now.rc != -ENOMEM || err != ENOMEM ||
							  !strcmp(iommufd_last_error(), before))) {
					print_error("%s, allocation %lu%s failing: %d, errno %d, \"%s\"\n", calls[c].name, n,
						    sticky ? " on" : "", now.rc, err, iommufd_last_error());
					bad++;
				}
				failed += now.rc < 0;
				if (proc_fds() != fds) {
					print_error("%s, allocation %lu%s failing: %d descriptors before, %d after\n",
						    calls[c].name, n, sticky ? " on" : "", fds, proc_fds());
					fail();
				}
				calls[c].fn(&again);
				if (again.rc != 0 || strcmp(again.text, clean.text)) {
					print_error("%s: the clean call after allocation %lu failing answered %d\n",
						    calls[c].name, n, again.rc);
					bad++;
				}
			}
	}
	print_message("# injected runs: %lu (%lu of them failing with ENOMEM), %d wrong\n", runs, failed, bad);
	assert_int_equal(bad, 0);
	assert_true(failed > 0);
}

/* The N-th host system call (open, pread, readlink, list_dir) failing,
 * with each errno sysfs gives: the call succeeds or fails with an
 * explanation, leaks no descriptor, and the next clean call answers as
 * the clean run did. A success says the same of the device as the clean
 * run (an unreadable link is not "no IOMMU group", an unreadable group
 * member is not "the group is viable"), except with ENOENT, which may be
 * the truth; host-level facts that differ (a driver directory that could
 * not be opened reads as absent) are counted and printed. */
static void host_calls_fail(void **state)
{
	static const int errs[] = { ENOENT, EACCES, EIO, ENOMEM };
	unsigned long runs = 0, failed = 0, other = 0;
	int bad = 0;

	(void)state;
	for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
		struct answer clean, now, again;
		unsigned long made;

		H = (struct host_fail){ .fail_at = ~0ul };
		calls[c].fn(&clean);
		made = H.n;
		H.fail_at = 0;
		assert_int_equal(clean.rc, 0);
		for (unsigned long n = 1; n <= made; n++)
			for (size_t k = 0; k < sizeof(errs) / sizeof(errs[0]); k++) {
				int fds = proc_fds(), err;

				H = (struct host_fail){ .fail_at = n, .err = errs[k] };
				error_fail(EINVAL, "marker");
				errno = 0;
				calls[c].fn(&now);
				err = errno;
				H.fail_at = 0;
				runs++;
				if (now.rc < 0) {
					failed++;
					if (err != -now.rc || !strcmp(iommufd_last_error(), "marker")) {
						print_error("%s, host call %lu failing with %d: %d, errno %d, \"%s\"\n",
							    calls[c].name, n, errs[k], now.rc, err, iommufd_last_error());
						bad++;
					}
				} else if (errs[k] != ENOENT && strcmp(now.dev, clean.dev)) {
					/* an error is not a fact about the device (issue 16
					 * #5: fail closed); ENOENT may be one (a link gone) */
					print_error("%s, host call %lu failing with %d: the device's facts changed: %s\n  want %s\n",
						    calls[c].name, n, errs[k], now.dev, clean.dev);
					bad++;
				} else if (strcmp(now.text, clean.text)) {
					other++;
					print_message("# %s, host call %lu failing with %d: answered %s\n", calls[c].name, n,
						      errs[k], now.text);
				}
				if (proc_fds() != fds) {
					print_error("%s, host call %lu failing: %d descriptors before, %d after\n",
						    calls[c].name, n, fds, proc_fds());
					bad++;
				}
				calls[c].fn(&again);
				if (again.rc != 0 || strcmp(again.text, clean.text)) {
					print_error("%s: the clean call after host call %lu failing answered %d\n",
						    calls[c].name, n, again.rc);
					bad++;
				}
			}
	}
	print_message("# injected runs: %lu (%lu of them failing), host system calls; %lu answered host facts otherwise, %d wrong\n",
		      runs, failed, other, bad);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(under_pressure, setup, teardown),
		cmocka_unit_test_setup_teardown(host_calls_fail, setup, teardown),
	};

	return cmocka_run_group_tests_name("host-oom", tests, NULL, NULL);
}
