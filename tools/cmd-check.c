// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * `iommufd check`, in the manner of virt-host-validate: one PASS, WARN or
 * FAIL line for every check made. The library's diagnosis reports what is
 * wrong; the table below names every check it makes, so a check without
 * a finding is a PASS. A check whose precondition failed is not made (no
 * /dev/iommu: its permissions are not checked). Findings of codes this
 * table does not know (a newer library) are shown as they are. An INFO
 * line names the IOMMU backend a context gets (a context is made and
 * released at once), or why none. The checks are those of the backend
 * the diagnosis judged for: iommufd, or the legacy VFIO backend.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <iommufd/iommufd.h>

#include "cli.h"

struct check {
	const char *id;        /* for JSON */
	const char *subject;   /* what it is about; "" for the device's address */
	const char *passed;    /* the message of a PASS */
	enum iommufd_diag_code codes[2]; /* the findings that mean it did not pass */
	bool device;           /* made only for a device */
	bool memlock;          /* made only with --memlock */
	int needs;             /* made only when check needs - 1 passed (0: always) */
};

/* In the library's order (lib/host/diag.c): host, then device. The checks
 * of the iommufd backend... */
static const struct check checks_iommufd[] = {
	{ "iommu", "IOMMU", "an IOMMU is active", { IOMMUFD_DIAG_NO_IOMMU }, false, false, 0 },
	{ "iommufd", "iommufd", "/dev/iommu exists", { IOMMUFD_DIAG_NO_IOMMUFD, IOMMUFD_DIAG_IOMMUFD_NOT_LOADED }, false, false, 0 },
	{ "iommu_access", "/dev/iommu", "/dev/iommu can be opened read-write", { IOMMUFD_DIAG_IOMMU_ACCESS }, false, false, 2 },
	{ "vfio_pci", "vfio-pci", "the vfio-pci driver is loaded", { IOMMUFD_DIAG_NO_VFIO_PCI, IOMMUFD_DIAG_VFIO_PCI_NOT_LOADED }, false, false, 0 },
	{ "memlock", "RLIMIT_MEMLOCK", "RLIMIT_MEMLOCK (or CAP_IPC_LOCK) allows pinning what is to be mapped", { IOMMUFD_DIAG_MEMLOCK }, false, true, 0 },
	{ "device", "", "the device exists", { IOMMUFD_DIAG_NO_DEVICE }, true, false, 0 },
	{ "iommu_group", "", "the device has an IOMMU group", { IOMMUFD_DIAG_DEVICE_NO_IOMMU }, true, false, 6 },
	{ "isolation", "", "its IOMMU group is isolated (not a VFIO no-IOMMU group)", { IOMMUFD_DIAG_NOIOMMU }, true, false, 7 },
	{ "group_viable", "", "no other device of its IOMMU group is on a host driver", { IOMMUFD_DIAG_GROUP_NOT_VIABLE }, true, false, 7 },
	{ "vfio_bound", "", "it is bound to vfio-pci", { IOMMUFD_DIAG_NOT_VFIO }, true, false, 7 },
	{ "vfio_cdev", "", "it has a VFIO device node (/dev/vfio/devices/vfioN)", { IOMMUFD_DIAG_NO_VFIO_CDEV }, true, false, 10 },
	{ "cdev_access", "", "its VFIO device node can be opened read-write", { IOMMUFD_DIAG_CDEV_ACCESS }, true, false, 11 },
};

/* ... and those of the legacy VFIO backend (containers and groups), when
 * the diagnosis says contexts get it (IOMMUFD_DIAG_LEGACY_BACKEND). */
static const struct check checks_legacy[] = {
	{ "iommu", "IOMMU", "an IOMMU is active", { IOMMUFD_DIAG_NO_IOMMU }, false, false, 0 },
	{ "backend", "backend", "", { IOMMUFD_DIAG_LEGACY_BACKEND }, false, false, 0 },
	{ "vfio_container", "/dev/vfio/vfio", "/dev/vfio/vfio exists", { IOMMUFD_DIAG_VFIO_NOT_LOADED }, false, false, 0 },
	{ "vfio_access", "/dev/vfio/vfio", "/dev/vfio/vfio can be opened read-write", { IOMMUFD_DIAG_VFIO_ACCESS }, false, false, 3 },
	{ "vfio_pci", "vfio-pci", "the vfio-pci driver is loaded", { IOMMUFD_DIAG_NO_VFIO_PCI, IOMMUFD_DIAG_VFIO_PCI_NOT_LOADED }, false, false, 0 },
	{ "memlock", "RLIMIT_MEMLOCK", "RLIMIT_MEMLOCK (or CAP_IPC_LOCK) allows pinning what is to be mapped", { IOMMUFD_DIAG_MEMLOCK }, false, true, 0 },
	{ "device", "", "the device exists", { IOMMUFD_DIAG_NO_DEVICE }, true, false, 0 },
	{ "iommu_group", "", "the device has an IOMMU group", { IOMMUFD_DIAG_DEVICE_NO_IOMMU }, true, false, 7 },
	{ "isolation", "", "its IOMMU group is isolated (not a VFIO no-IOMMU group)", { IOMMUFD_DIAG_NOIOMMU }, true, false, 8 },
	{ "group_viable", "", "no other device of its IOMMU group is on a host driver", { IOMMUFD_DIAG_GROUP_NOT_VIABLE }, true, false, 8 },
	{ "vfio_bound", "", "it is bound to vfio-pci", { IOMMUFD_DIAG_NOT_VFIO }, true, false, 8 },
	{ "group_access", "", "its VFIO group node (/dev/vfio/N) can be opened read-write", { IOMMUFD_DIAG_GROUP_ACCESS }, true, false, 11 },
};

#define MAX_CHECKS 16
_Static_assert(sizeof(checks_iommufd) / sizeof(checks_iommufd[0]) <= MAX_CHECKS &&
		       sizeof(checks_legacy) / sizeof(checks_legacy[0]) <= MAX_CHECKS, "MAX_CHECKS");

/* The table of this run's backend. */
static const struct check *checks = checks_iommufd;
static size_t nchecks = sizeof(checks_iommufd) / sizeof(checks_iommufd[0]);

static void choose_table(const struct iommufd_diag *d)
{
	for (size_t i = 0; i < iommufd_diag_count(d); i++) {
		const struct iommufd_diag_finding *f = iommufd_diag_get(d, i);

		if (f && f->code == IOMMUFD_DIAG_LEGACY_BACKEND) {
			checks = checks_legacy;
			nchecks = sizeof(checks_legacy) / sizeof(checks_legacy[0]);
			return;
		}
	}
}

enum result { NOT_MADE, PASS, WARN, FAIL };

static const char *const result_name[] = { "", "PASS", "WARN", "FAIL" };

/* Which check a finding belongs to, or -1. */
static int check_of(enum iommufd_diag_code code)
{
	for (size_t i = 0; i < nchecks; i++)
		for (size_t k = 0; k < 2; k++)
			if (checks[i].codes[k] && checks[i].codes[k] == code)
				return (int)i;
	return -1;
}

static enum result of_severity(enum iommufd_diag_severity s)
{
	return s == IOMMUFD_DIAG_ERROR ? FAIL : s == IOMMUFD_DIAG_WARN ? WARN : PASS;
}

struct outcome {
	enum result result;
	const struct iommufd_diag_finding *finding; /* NULL for a PASS */
};

static void judge(const struct iommufd_diag *d, const char *addr, bool memlock, struct outcome *o)
{
	memset(o, 0, sizeof(*o) * nchecks);
	for (size_t i = 0; i < iommufd_diag_count(d); i++) {
		const struct iommufd_diag_finding *f = iommufd_diag_get(d, i);
		int c = f ? check_of(f->code) : -1;

		if (c >= 0 && of_severity(f->severity) > o[c].result) {
			o[c].result = of_severity(f->severity);
			o[c].finding = f;
		}
	}
	for (size_t i = 0; i < nchecks; i++) {
		const struct check *c = &checks[i];

		if (o[i].result != NOT_MADE)
			continue;
		if ((c->device && !addr) || (c->memlock && !memlock))
			continue;
		if (c->needs && o[c->needs - 1].result != PASS)
			continue;
		o[i].result = PASS;
	}
}

static void line(enum result r, const char *subject, const char *message, const char *fix)
{
	fprintf(cli.out, "%-4s  %s: %s\n", result_name[r], subject, message);
	if (fix && *fix)
		fprintf(cli.out, "      fix: %s\n", fix);
}

/* The backend a context gets on this host: its name (NULL: none, and
 * *@why says why). */
static const char *backend_probe(const char **why)
{
	static char reason[512];
	struct iommufd_ctx *ctx;
	const char *name;

	*why = NULL;
	if (iommufd_ctx_new(NULL, &ctx) < 0) {
		snprintf(reason, sizeof(reason), "%s", iommufd_last_error());
		*why = reason;
		return NULL;
	}
	name = iommufd_backend_name(iommufd_ctx_get_backend(ctx));
	iommufd_ctx_unref(ctx);
	return name;
}

static const char *backend_note(const char *name)
{
	if (!strcmp(name, "iommufd"))
		return "the library uses /dev/iommu";
	if (!strcmp(name, "vfio-type1"))
		return "the legacy VFIO backend: VFIO containers and groups (/dev/vfio/vfio), with dirty tracking on VFIO's own type1, without nested HWPTs, PASIDs, fault queues or vIOMMUs";
	return "";
}

static void print_text(const struct iommufd_diag *d, const char *addr, const struct outcome *o, bool quiet,
		       const char *backend, const char *why)
{
	for (size_t i = 0; i < nchecks; i++) {
		const struct check *c = &checks[i];
		const char *subject = *c->subject ? c->subject : addr;

		if (o[i].result == NOT_MADE || (quiet && o[i].result != FAIL))
			continue;
		if (o[i].finding) {
			line(o[i].result, o[i].finding->subject, o[i].finding->message, o[i].finding->fix);
			continue;
		}
		line(PASS, subject, c->passed, NULL);
	}
	if (!quiet) {
		if (backend)
			fprintf(cli.out, "%-4s  backend: %s (%s)\n", "INFO", backend, backend_note(backend));
		else
			fprintf(cli.out, "%-4s  backend: none (%s)\n", "INFO", why);
	}
	/* what the table does not know, and the notes (the device is ready) */
	for (size_t i = 0; i < iommufd_diag_count(d); i++) {
		const struct iommufd_diag_finding *f = iommufd_diag_get(d, i);

		if (!f || check_of(f->code) >= 0)
			continue;
		if (f->severity == IOMMUFD_DIAG_INFO) {
			if (!quiet)
				fprintf(cli.out, "%-4s  %s: %s\n", "INFO", f->subject, f->message);
		} else if (!quiet || f->severity == IOMMUFD_DIAG_ERROR) {
			line(of_severity(f->severity), f->subject, f->message, f->fix);
		}
	}
	/* said even with -q: nothing protects memory from this device */
	for (size_t i = 0; i < iommufd_diag_count(d); i++) {
		const struct iommufd_diag_finding *f = iommufd_diag_get(d, i);

		if (f && f->code == IOMMUFD_DIAG_NOIOMMU)
			fprintf(cli.out, "WARNING: DMA IS UNPROTECTED: %s is a VFIO no-IOMMU device; "
				"a bug or a hostile device can overwrite any memory of this host\n", f->subject);
	}
	if (!quiet)
		fprintf(cli.out, "%s\n", iommufd_diag_ok(d) ? "ready" : "not ready");
}

static void finding_json(struct json *j, const char *id, enum result r, const char *subject, const char *message,
			 const char *fix)
{
	json_object_begin(j);
	json_kstr(j, "check", id);
	json_kstr(j, "result", r == FAIL ? "fail" : r == WARN ? "warn" : r == PASS ? "pass" : "info");
	json_kstr(j, "subject", subject);
	json_kstr(j, "message", message);
	json_kstr(j, "fix", fix && *fix ? fix : NULL);
	json_object_end(j);
}

static void print_json(const struct iommufd_diag *d, const char *addr, uint64_t memlock, const struct outcome *o,
		       bool quiet, const char *backend, const char *why)
{
	struct json *j = cli_json();

	json_object_begin(j);
	json_kbool(j, "ready", iommufd_diag_ok(d));
	json_kstr(j, "device", addr);
	json_kstr(j, "backend", backend);
	json_kstr(j, "backend_error", why);
	json_key(j, "memlock_bytes");
	if (memlock)
		json_uint(j, memlock);
	else
		json_null(j);
	json_key(j, "checks");
	json_array_begin(j);
	for (size_t i = 0; i < nchecks; i++) {
		const struct check *c = &checks[i];
		const struct iommufd_diag_finding *f = o[i].finding;

		if (o[i].result == NOT_MADE || (quiet && o[i].result != FAIL))
			continue;
		if (f)
			finding_json(j, c->id, o[i].result, f->subject, f->message, f->fix);
		else
			finding_json(j, c->id, PASS, *c->subject ? c->subject : addr, c->passed, NULL);
	}
	for (size_t i = 0; i < iommufd_diag_count(d); i++) {
		const struct iommufd_diag_finding *f = iommufd_diag_get(d, i);
		enum result r;

		if (!f || check_of(f->code) >= 0)
			continue;
		r = f->severity == IOMMUFD_DIAG_INFO ? NOT_MADE : of_severity(f->severity);
		if (!quiet || r == FAIL)
			finding_json(j, f->code == IOMMUFD_DIAG_DEVICE_READY ? "device_ready" : "other", r,
				     f->subject, f->message, f->fix);
	}
	json_array_end(j);
	json_object_end(j);
	json_finish(j);
}

/* The address as the library writes it, dddd:bb:dd.f (the diagnosis has
 * accepted it, so it parses). */
static void normalize(const char *in, char out[16])
{
	unsigned int dom = 0, bus, dev, fn;

	if (sscanf(in, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) == 4 ||
	    (dom = 0, sscanf(in, "%x:%x.%x", &bus, &dev, &fn) == 3))
		snprintf(out, 16, "%04x:%02x:%02x.%x", dom & 0xffff, bus & 0xff, dev & 0x1f, fn & 7);
	else
		snprintf(out, 16, "%s", in);
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "memlock", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 },
	};
	IOMMUFD_OPTS(iommufd_diag_opts, dopts);
	struct outcome o[MAX_CHECKS];
	struct iommufd_diag *d;
	const char *addr = NULL, *backend, *why;
	char canon[16];
	bool quiet = false, ok;
	int c;

	while ((c = cli_getopt(argc, argv, ":m:q", opts)) != -1) {
		if (c == 'q') {
			quiet = true;
		} else if (c == 'm') {
			if (cli_parse_size(optarg, &dopts.memlock_bytes) < 0)
				return cli_usage("--memlock: '%s' is not a size (e.g. 4G)", optarg);
		} else {
			return CLI_USAGE;
		}
	}
	if (optind < argc)
		addr = argv[optind++];
	if (optind != argc)
		return cli_usage("unexpected argument '%s' (one device at a time)", argv[optind]);
	if (iommufd_diag_run(addr, &dopts, &d) < 0)
		return cli_fail_status(CLI_CANNOT_CHECK, "%s", iommufd_last_error());
	if (addr) {
		normalize(addr, canon);
		addr = canon;
	}
	choose_table(d);
	judge(d, addr, dopts.memlock_bytes != 0, o);
	backend = backend_probe(&why);
	if (cli.json)
		print_json(d, addr, dopts.memlock_bytes, o, quiet, backend, why);
	else
		print_text(d, addr, o, quiet, backend, why);
	ok = iommufd_diag_ok(d);
	iommufd_diag_free(d);
	return ok ? CLI_OK : CLI_FAILED;
}
