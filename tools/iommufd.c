// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* iommufd: list, prepare and check devices for /dev/iommu. See iommufd(1). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/iommufd.h>

#include "passfd-tool.h" /* cmd_exec, cmd_serve */

/* The usage of every command, from the command table (at the end). */
static void print_usage(FILE *f);

/* One line on stderr, then the exit status. */
__attribute__((format(printf, 1, 2)))
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("iommufd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void json_str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void list_json(const struct iommufd_pci_info *d, bool first)
{
	printf("%s\n  {\"address\": ", first ? "" : ",");
	json_str(d->addr);
	printf(", \"vendor\": \"%04x\", \"device\": \"%04x\", \"class\": \"%06x\", \"driver\": ",
	       d->vendor, d->device, d->class_code);
	json_str(d->driver);
	printf(", \"iommu_group\": %d, \"noiommu\": %s, \"numa_node\": %d, \"group_members\": [",
	       d->iommu_group, d->noiommu ? "true" : "false", d->numa_node);
	for (size_t i = 0; i < d->group_size; i++) {
		if (i)
			fputs(", ", stdout);
		json_str(d->group_members[i]);
	}
	fputs("], \"vfio_cdev\": ", stdout);
	json_str(d->vfio_cdev);
	fputs(", \"vfio_group\": ", stdout);
	json_str(d->vfio_group);
	putchar('}');
}

static void vdpa_json(const struct iommufd_vdpa_info *d, bool first)
{
	printf("%s\n  {\"name\": ", first ? "" : ",");
	json_str(d->name);
	fputs(", \"mgmtdev\": ", stdout);
	json_str(d->mgmtdev);
	fputs(", \"driver\": ", stdout);
	json_str(d->driver);
	fputs(", \"chardev\": ", stdout);
	json_str(d->chardev);
	printf(", \"virtio_id\": %u, \"asids\": %u, \"groups\": %u, \"iommufd\": %s}",
	       d->virtio_id, d->num_asids, d->num_groups,
	       d->iommufd < 0 ? "null" : d->iommufd ? "true" : "false");
}

/* vDPA devices: their management device, ASID count and iommufd support. */
static int list_vdpa(bool json)
{
	IOMMUFD_OPTS(iommufd_vdpa_filter, filter, .probe = true);
	const struct iommufd_vdpa_info *d;
	struct iommufd_vdpa_enum *e;
	bool first = true;

	if (iommufd_vdpa_enum_new(&filter, &e) < 0)
		return fail("%s", iommufd_last_error());
	if (json)
		putchar('[');
	else
		printf("%-10s  %-20s  %-12s  %-18s  %5s  %6s  %-7s\n", "NAME", "MGMTDEV", "DRIVER",
		       "CHARDEV", "ASIDS", "GROUPS", "IOMMUFD");
	for (d = iommufd_vdpa_enum_first(e); d; d = iommufd_vdpa_enum_next(e)) {
		char asids[16], groups[16];

		if (json) {
			vdpa_json(d, first);
			first = false;
			continue;
		}
		snprintf(asids, sizeof(asids), d->num_asids ? "%u" : "-", d->num_asids);
		snprintf(groups, sizeof(groups), d->num_groups ? "%u" : "-", d->num_groups);
		printf("%-10s  %-20s  %-12s  %-18s  %5s  %6s  %-7s\n", d->name,
		       d->mgmtdev ? d->mgmtdev : "-", d->driver ? d->driver : "-",
		       d->chardev ? d->chardev : "-", asids, groups,
		       d->probe_error == -EBUSY ? "in use" : d->iommufd < 0 ? "-" : d->iommufd ? "yes" : "no");
	}
	if (json)
		puts("\n]");
	iommufd_vdpa_enum_free(e);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "vfio", no_argument, NULL, 'v' },
		{ "vdpa", no_argument, NULL, 'd' },
		{ 0 },
	};
	IOMMUFD_OPTS(iommufd_pci_filter, filter);
	const struct iommufd_pci_info *d;
	struct iommufd_pci_enum *e;
	bool json = false, first = true, vdpa = false;
	int c;

	while ((c = getopt_long(argc, argv, "jvd", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'v')
			filter.vfio_only = true;
		else if (c == 'd')
			vdpa = true;
		else
			return print_usage(stderr), 2;
	}
	if (optind != argc || (vdpa && filter.vfio_only))
		return print_usage(stderr), 2;
	if (vdpa)
		return list_vdpa(json);
	if (iommufd_pci_enum_new(&filter, &e) < 0)
		return fail("%s", iommufd_last_error());
	if (json)
		putchar('[');
	else
		printf("%-12s  %-9s  %-6s  %-12s  %5s  %-24s\n", "ADDRESS", "ID", "CLASS", "DRIVER", "GROUP", "VFIO CDEV");
	for (d = iommufd_pci_enum_first(e); d; d = iommufd_pci_enum_next(e)) {
		char group[16];

		if (json) {
			list_json(d, first);
			first = false;
			continue;
		}
		if (d->iommu_group < 0)
			snprintf(group, sizeof(group), "-");
		else
			snprintf(group, sizeof(group), "%d%s", d->iommu_group, d->noiommu ? "!" : "");
		printf("%-12s  %04x:%04x  %06x  %-12s  %5s  %-24s\n", d->addr, d->vendor, d->device,
		       d->class_code, d->driver ? d->driver : "-", group,
		       d->vfio_cdev ? d->vfio_cdev : d->vfio_cdev_missing ? "(no cdev support)" : "-");
	}
	if (json)
		puts("\n]");
	iommufd_pci_enum_free(e);
	return 0;
}

/* The one device at addr, or an exit status. */
static int find_one(const char *addr, struct iommufd_pci_enum **e, const struct iommufd_pci_info **d)
{
	IOMMUFD_OPTS(iommufd_pci_filter, filter, .addr = addr);

	if (iommufd_pci_enum_new(&filter, e) < 0)
		return fail("%s", iommufd_last_error());
	*d = iommufd_pci_enum_first(*e);
	if (!*d) {
		*e = iommufd_pci_enum_free(*e);
		return fail("no PCI device %s", addr);
	}
	return 0;
}

static const char *hw_type_name(uint32_t type)
{
	switch (type) {
	case IOMMUFD_HW_INFO_INTEL_VTD: return "Intel VT-d";
	case IOMMUFD_HW_INFO_ARM_SMMUV3: return "ARM SMMUv3";
	case IOMMUFD_HW_INFO_AMD: return "AMD IOMMU";
	case IOMMUFD_HW_INFO_SELFTEST: return "selftest mock";
	default: return "none";
	}
}

static void print_hw(const struct iommufd_hw_info *hw)
{
	printf("iommu:       %s (type %u)\n", hw_type_name(hw->type), hw->type);
	printf("pasid bits:  %u\n", hw->max_pasid_log2);
	printf("capabilities:%s%s%s%s%s\n", hw->capabilities ? "" : " none",
	       hw->capabilities & IOMMUFD_HW_CAP_DIRTY_TRACKING ? " dirty-tracking" : "",
	       hw->capabilities & IOMMUFD_HW_CAP_PASID_EXEC ? " pasid-exec" : "",
	       hw->capabilities & IOMMUFD_HW_CAP_PASID_PRIV ? " pasid-priv" : "",
	       hw->capabilities & IOMMUFD_HW_CAP_ATS_NOT_SUPPORTED ? " no-ats" : "");
	if (hw->type == IOMMUFD_HW_INFO_INTEL_VTD)
		printf("vtd:         cap 0x%016" PRIx64 " ecap 0x%016" PRIx64 "\n", hw->u.vtd.cap_reg,
		       hw->u.vtd.ecap_reg);
}

static int cmd_info(int argc, char **argv)
{
	const char *addr = argv[1];
	IOMMUFD_OPTS(iommufd_hw_info, hw);
	const struct iommufd_pci_info *d;
	struct iommufd_pci_enum *e;
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_iova_range *r = NULL;
	size_t n = 0;
	uint64_t align = 0;
	int rc;

	rc = find_one(addr, &e, &d);
	if (rc)
		return rc;
	printf("address:     %s\nid:          %04x:%04x (subsystem %04x:%04x)\nclass:       %06x\n",
	       d->addr, d->vendor, d->device, d->subsystem_vendor, d->subsystem_device, d->class_code);
	printf("driver:      %s\nnuma node:   %d\n", d->driver ? d->driver : "none", d->numa_node);
	if (d->iommu_group >= 0) {
		printf("iommu group: %d%s (", d->iommu_group, d->noiommu ? ", no-IOMMU" : "");
		for (size_t i = 0; i < d->group_size; i++)
			printf("%s%s", i ? " " : "", d->group_members[i]);
		puts(")");
	} else {
		puts("iommu group: none");
	}
	printf("vfio cdev:   %s\n", d->vfio_cdev ? d->vfio_cdev : "none");
	if (!d->vfio_cdev) {
		rc = fail("%s has no VFIO cdev: bind it first (iommufd bind %s)", d->addr, d->addr);
		goto out;
	}
	if (iommufd_ctx_new(NULL, &ctx) < 0) {
		rc = fail("%s", iommufd_last_error());
		goto out;
	}
	if (iommufd_device_open_cdev(ctx, d->vfio_cdev, NULL, &dev) < 0 ||
	    iommufd_device_get_hw_info(dev, &hw) < 0 || iommufd_ioas_new(ctx, NULL, &ioas) < 0 ||
	    iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL) < 0 ||
	    iommufd_ioas_get_iova_ranges(ioas, &r, &n, &align) < 0) {
		rc = fail("%s", iommufd_ctx_last_error(ctx));
		goto out;
	}
	print_hw(&hw);
	printf("iova align:  0x%" PRIx64 "\niova ranges:", align);
	for (size_t i = 0; i < n; i++)
		printf(" [0x%" PRIx64 ", 0x%" PRIx64 "]", r[i].start, r[i].last);
	putchar('\n');
	free(r);
	rc = 0;
out:
	iommufd_device_close(dev);
	if (ioas)
		iommufd_ioas_destroy(ioas);
	iommufd_ctx_unref(ctx);
	iommufd_pci_enum_free(e);
	return rc;
}

static int cmd_bind(int argc, char **argv)
{
	const char *addr = argv[1];
	char prev[64];

	if (iommufd_pci_bind_vfio(addr, prev, sizeof(prev)) < 0)
		return fail("%s", iommufd_last_error());
	printf("%s: %s -> vfio-pci\n", addr, *prev ? prev : "(no driver)");
	return 0;
}

static int cmd_unbind(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ "none", no_argument, NULL, 'n' },
		{ 0 },
	};
	const char *driver = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "d:n", opts, NULL)) != -1) {
		if (c == 'd')
			driver = optarg;
		else if (c == 'n')
			driver = "";
		else
			return print_usage(stderr), 2;
	}
	if (optind + 1 != argc)
		return print_usage(stderr), 2;
	if (iommufd_pci_unbind_vfio(argv[optind], driver) < 0)
		return fail("%s", iommufd_last_error());
	printf("%s: vfio-pci -> %s\n", argv[optind], !driver ? "(kernel's choice)" : *driver ? driver : "(no driver)");
	return 0;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	/* strtoull() takes "-2" as 2^64 - 2: a size has no sign */
	if (strchr(s, '-'))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'G': case 'g': shift += 10; /* fall through */
	case 'M': case 'm': shift += 10; /* fall through */
	case 'K': case 'k': shift += 10; end++; break;
	default: break;
	}
	if (*end || v > UINT64_MAX >> shift)
		return -1; /* trailing text, or more than 64 bits */
	v <<= shift;
	*out = v;
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "memlock", required_argument, NULL, 'm' },
		{ 0 },
	};
	static const char *const sev[] = { "info", "WARN", "ERROR" };
	IOMMUFD_OPTS(iommufd_diag_opts, dopts);
	struct iommufd_diag *d;
	const char *addr = NULL;
	int c;
	bool ok;

	while ((c = getopt_long(argc, argv, "m:", opts, NULL)) != -1) {
		if (c == 'm' && parse_size(optarg, &dopts.memlock_bytes) == 0)
			continue;
		if (c == 'm')
			return fail("--memlock: '%s' is not a size (e.g. 4G)", optarg);
		return print_usage(stderr), 2;
	}
	if (optind < argc)
		addr = argv[optind++];
	if (optind != argc)
		return print_usage(stderr), 2;
	if (iommufd_diag_run(addr, &dopts, &d) < 0)
		return fail("%s", iommufd_last_error());
	for (size_t i = 0; i < iommufd_diag_count(d); i++) {
		const struct iommufd_diag_finding *f = iommufd_diag_get(d, i);

		printf("%-5s %s: %s\n", sev[f->severity], f->subject, f->message);
		if (*f->fix)
			printf("      fix: %s\n", f->fix);
	}
	ok = iommufd_diag_ok(d);
	printf("%s\n", ok ? "ready" : "not ready");
	iommufd_diag_free(d);
	return ok ? 0 : 1;
}

static int cmd_features(int argc, char **argv)
{
	struct iommufd_ctx *ctx;

	if (iommufd_ctx_new(NULL, &ctx) < 0)
		return fail("%s", iommufd_last_error());
	for (int f = 0; f < IOMMUFD_FEATURE_COUNT; f++)
		printf("%-20s %s\n", iommufd_feature_name((enum iommufd_feature)f),
		       iommufd_ctx_has_feature(ctx, (enum iommufd_feature)f) ? "yes" : "no");
	iommufd_ctx_unref(ctx);
	return 0;
}

static int mdev_list(bool json)
{
	struct iommufd_mdev_enum *e;
	size_t nt, nm;

	if (iommufd_mdev_enum_new(&e) < 0)
		return fail("%s", iommufd_last_error());
	nt = iommufd_mdev_enum_type_count(e);
	nm = iommufd_mdev_enum_count(e);
	if (json) {
		printf("{\"types\": [");
		for (size_t i = 0; i < nt; i++) {
			const struct iommufd_mdev_type *t = iommufd_mdev_enum_type(e, i);

			printf("%s\n  {\"parent\": ", i ? "," : "");
			json_str(t->parent);
			printf(", \"type\": ");
			json_str(t->id);
			printf(", \"name\": ");
			json_str(t->name);
			printf(", \"device_api\": ");
			json_str(t->device_api);
			if (t->available >= 0)
				printf(", \"available\": %d}", t->available);
			else
				printf(", \"available\": null}");
		}
		printf("%s], \"instances\": [", nt ? "\n" : "");
		for (size_t i = 0; i < nm; i++) {
			const struct iommufd_mdev *m = iommufd_mdev_enum_get(e, i);

			printf("%s\n  {\"uuid\": ", i ? "," : "");
			json_str(m->uuid);
			printf(", \"parent\": ");
			json_str(m->parent);
			printf(", \"type\": ");
			json_str(m->type);
			printf(", \"vfio_cdev\": ");
			json_str(m->vfio_cdev);
			putchar('}');
		}
		printf("%s]}\n", nm ? "\n" : "");
	} else {
		printf("%-16s  %-16s  %9s  %-10s  %s\n", "PARENT", "TYPE", "AVAILABLE", "API", "NAME");
		for (size_t i = 0; i < nt; i++) {
			const struct iommufd_mdev_type *t = iommufd_mdev_enum_type(e, i);
			char avail[16] = "-";

			if (t->available >= 0)
				snprintf(avail, sizeof(avail), "%d", t->available);
			printf("%-16s  %-16s  %9s  %-10s  %s\n", t->parent, t->id, avail, t->device_api,
			       t->name ? t->name : "");
		}
		if (nm)
			printf("\n%-36s  %-16s  %-16s  %s\n", "UUID", "PARENT", "TYPE", "VFIO CDEV");
		for (size_t i = 0; i < nm; i++) {
			const struct iommufd_mdev *m = iommufd_mdev_enum_get(e, i);

			printf("%-36s  %-16s  %-16s  %s\n", m->uuid, m->parent, m->type,
			       m->vfio_cdev ? m->vfio_cdev : "-");
		}
	}
	iommufd_mdev_enum_free(e);
	return 0;
}

/* iommufd mdev list [--json] | create <parent> <type> [<uuid>] | remove <uuid> */
static int cmd_mdev(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	char uuid[37];

	if (!strcmp(sub, "list")) {
		if (argc == 2)
			return mdev_list(false);
		if (argc == 3 && (!strcmp(argv[2], "--json") || !strcmp(argv[2], "-j")))
			return mdev_list(true);
	} else if (!strcmp(sub, "create") && (argc == 4 || argc == 5)) {
		if (iommufd_mdev_create(argv[2], argv[3], argc == 5 ? argv[4] : NULL, uuid) < 0)
			return fail("%s", iommufd_last_error());
		printf("%s\n", uuid);
		return 0;
	} else if (!strcmp(sub, "remove") && argc == 3) {
		if (iommufd_mdev_remove(argv[2]) < 0)
			return fail("%s", iommufd_last_error());
		return 0;
	}
	fprintf(stderr, "iommufd: mdev: expected list [--json], create <parent> <type> [<uuid>], or remove <uuid>\n");
	return 2;
}

/*
 * The commands. A handler gets the words from the command's name on
 * (argv[0] is the name, for getopt's messages); the table checks the number
 * of words after the name when the handler does not parse them itself.
 */
struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;  /* what follows the name in the usage, or "" */
	int min_args;       /* words after the name: at least */
	int max_args;       /* at most; -1: the handler checks */
};

static const struct command commands[] = {
	{ "list", cmd_list, "[--json] [--vfio | --vdpa]", 0, -1 },
	{ "info", cmd_info, "<pci-address>", 1, 1 },
	{ "bind", cmd_bind, "<pci-address>", 1, 1 },
	{ "unbind", cmd_unbind, "<pci-address> [--driver <name> | --none]", 0, -1 },
	{ "check", cmd_check, "[<pci-address>] [--memlock <bytes>[K|M|G]]", 0, -1 },
	{ "features", cmd_features, "", 0, 0 },
	{ "mdev", cmd_mdev, "list [--json] | create <parent> <type> [<uuid>] | remove <uuid>", 1, 3 },
	{ "exec", cmd_exec, "[--device <pci-address>]... [--user <user>] [--memlock <bytes>[K|M|G]] [--rlimit-mode user|process] [--connect <socket>] -- <program> [<args>...]", 1, -1 },
	{ "serve", cmd_serve, "--socket <path> --device <pci-address>... --allow-uid <uid>... [--allow-gid <gid>]... [--rlimit-mode user|process] [--once]", 1, -1 },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_usage(FILE *f)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "%s iommufd %s%s%s\n", i ? "      " : "usage:", commands[i].name,
			commands[i].usage[0] ? " " : "", commands[i].usage);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;

	if (!name || !strcmp(name, "-h") || !strcmp(name, "--help")) {
		print_usage(name ? stdout : stderr);
		return name ? 0 : 2;
	}
	if (!strcmp(name, "--version")) {
		/* the library that runs, not the headers this was built with */
		printf("iommufd %s\n", iommufd_version());
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct command *c = &commands[i];
		int words = argc - 2;

		if (strcmp(name, c->name))
			continue;
		if (words < c->min_args || (c->max_args >= 0 && words > c->max_args))
			return print_usage(stderr), 2;
		return c->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "iommufd: unknown command '%s'\n", name);
	print_usage(stderr);
	return 2;
}
