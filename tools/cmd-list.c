// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Showing devices: `iommufd list` (PCI, vDPA) and `iommufd info`. Neither
 * opens a device unless --probe asks: opening a vhost-vdpa node, and
 * binding an opened VFIO node to an iommufd, reset the device.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/iommufd.h>

#include "cli.h"
#include "pci-names.h"

static void hex_field(struct json *j, const char *key, unsigned int v, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", width, v);
	json_kstr(j, key, buf);
}

/* The facts of one PCI device, as members of the open object. */
static void pci_json_members(struct json *j, const struct iommufd_pci_info *d, const struct pci_names *n)
{
	json_kstr(j, "address", d->addr);
	hex_field(j, "vendor", d->vendor, 4);
	hex_field(j, "device", d->device, 4);
	hex_field(j, "class", d->class_code, 6);
	hex_field(j, "subsystem_vendor", d->subsystem_vendor, 4);
	hex_field(j, "subsystem_device", d->subsystem_device, 4);
	json_kstr(j, "vendor_name", n->vendor);
	json_kstr(j, "device_name", n->device);
	json_kstr(j, "class_name", n->class_name);
	json_kstr(j, "driver", d->driver);
	json_kstr(j, "driver_override", d->driver_override);
	json_kint_or_null(j, "iommu_group", d->iommu_group);
	json_kbool(j, "noiommu", d->noiommu);
	json_kint_or_null(j, "numa_node", d->numa_node);
	json_key(j, "group_members");
	json_array_begin(j);
	for (size_t i = 0; i < d->group_size; i++)
		json_string(j, d->group_members[i]);
	json_array_end(j);
	json_kstr(j, "vfio_cdev", d->vfio_cdev);
	json_kstr(j, "vfio_group", d->vfio_group);
	json_kbool(j, "vfio_cdev_missing", d->vfio_cdev_missing);
}

static void vdpa_json(struct json *j, const struct iommufd_vdpa_info *d, bool probed)
{
	json_object_begin(j);
	json_kstr(j, "name", d->name);
	json_kstr(j, "mgmtdev", d->mgmtdev);
	json_kstr(j, "driver", d->driver);
	json_kstr(j, "chardev", d->chardev);
	json_kint_or_null(j, "virtio_id", d->virtio_id ? (int64_t)d->virtio_id : -1);
	json_kbool(j, "probed", probed && d->chardev && !d->probe_error);
	json_kint_or_null(j, "asids", d->num_asids ? (int64_t)d->num_asids : -1);
	json_kint_or_null(j, "groups", d->num_groups ? (int64_t)d->num_groups : -1);
	json_key(j, "iommufd");
	if (d->iommufd < 0)
		json_null(j);
	else
		json_bool(j, d->iommufd);
	json_kbool(j, "in_use", d->probe_error == -EBUSY);
	json_kstr(j, "probe_error", d->probe_error ? strerror(-d->probe_error) : NULL);
	json_object_end(j);
}

/* vDPA devices: their management device, and with --probe their ASID
 * count and iommufd support. */
static int list_vdpa(bool probe)
{
	IOMMUFD_OPTS(iommufd_vdpa_filter, filter, .probe = probe);
	const struct iommufd_vdpa_info *d;
	struct iommufd_vdpa_enum *e;
	struct json *j = NULL;

	if (iommufd_vdpa_enum_new(&filter, &e) < 0)
		return cli_fail("%s", iommufd_last_error());
	if (cli.json) {
		j = cli_json();
		json_array_begin(j);
	} else {
		fprintf(cli.out, "%-10s  %-20s  %-12s  %-18s  %5s  %6s  %-7s\n", "NAME", "MGMTDEV", "DRIVER",
			"CHARDEV", "ASIDS", "GROUPS", "IOMMUFD");
	}
	for (d = iommufd_vdpa_enum_first(e); d; d = iommufd_vdpa_enum_next(e)) {
		char asids[16], groups[16];

		if (j) {
			vdpa_json(j, d, probe);
			continue;
		}
		snprintf(asids, sizeof(asids), d->num_asids ? "%u" : "-", d->num_asids);
		snprintf(groups, sizeof(groups), d->num_groups ? "%u" : "-", d->num_groups);
		fprintf(cli.out, "%-10s  %-20s  %-12s  %-18s  %5s  %6s  %-7s\n", d->name,
			d->mgmtdev ? d->mgmtdev : "-", d->driver ? d->driver : "-",
			d->chardev ? d->chardev : "-", asids, groups,
			d->probe_error == -EBUSY ? "in use" : d->iommufd < 0 ? "-" : d->iommufd ? "yes" : "no");
	}
	if (j) {
		json_array_end(j);
		json_finish(j);
	} else if (!probe && iommufd_vdpa_enum_first(e)) {
		fputs("(ASIDS, GROUPS and IOMMUFD need --probe, which opens and so resets idle devices)\n", cli.out);
	}
	iommufd_vdpa_enum_free(e);
	return CLI_OK;
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "vfio", no_argument, NULL, 'v' },
		{ "vdpa", no_argument, NULL, 'd' },
		{ "probe", no_argument, NULL, 'P' },
		{ 0 },
	};
	IOMMUFD_OPTS(iommufd_pci_filter, filter);
	const struct iommufd_pci_info *d;
	struct iommufd_pci_enum *e;
	struct pci_names_db *db;
	struct json *j = NULL;
	bool vdpa = false, probe = false;
	int c;

	while ((c = cli_getopt(argc, argv, ":jvdP", opts)) != -1) {
		switch (c) {
		case 'j': cli.json = true; break;
		case 'v': filter.vfio_only = true; break;
		case 'd': vdpa = true; break;
		case 'P': probe = true; break;
		default: return CLI_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	if (vdpa && filter.vfio_only)
		return cli_usage("--vfio and --vdpa exclude each other");
	if (probe && !vdpa)
		return cli_usage("--probe applies to --vdpa only (PCI listing never opens a device)");
	if (vdpa)
		return list_vdpa(probe);
	if (iommufd_pci_enum_new(&filter, &e) < 0)
		return cli_fail("%s", iommufd_last_error());
	db = pci_names_open();
	if (cli.json) {
		j = cli_json();
		json_array_begin(j);
	} else {
		fprintf(cli.out, "%-12s  %-9s  %-6s  %-12s  %5s  %-24s  %s\n", "ADDRESS", "ID", "CLASS", "DRIVER",
			"GROUP", "VFIO CDEV", "NAME");
	}
	for (d = iommufd_pci_enum_first(e); d; d = iommufd_pci_enum_next(e)) {
		struct pci_names n;
		char group[16], name[256];

		pci_names_lookup(db, d, &n);
		if (j) {
			json_object_begin(j);
			pci_json_members(j, d, &n);
			json_object_end(j);
			pci_names_clear(&n);
			continue;
		}
		if (d->iommu_group < 0)
			snprintf(group, sizeof(group), "-");
		else
			snprintf(group, sizeof(group), "%d%s", d->iommu_group, d->noiommu ? "!" : "");
		pci_names_describe(&n, d, name, sizeof(name));
		fprintf(cli.out, "%-12s  %04x:%04x  %06x  %-12s  %5s  %-24s  %s\n", d->addr, d->vendor, d->device,
			d->class_code, d->driver ? d->driver : "-", group,
			d->vfio_cdev ? d->vfio_cdev : d->vfio_cdev_missing ? "(no cdev support)" : "-",
			*name ? name : "-");
		pci_names_clear(&n);
	}
	if (j) {
		json_array_end(j);
		json_finish(j);
	}
	pci_names_close(db);
	iommufd_pci_enum_free(e);
	return CLI_OK;
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

static const struct {
	uint64_t bit;
	const char *name;
} hw_caps[] = {
	{ IOMMUFD_HW_CAP_DIRTY_TRACKING, "dirty-tracking" },
	{ IOMMUFD_HW_CAP_PASID_EXEC, "pasid-exec" },
	{ IOMMUFD_HW_CAP_PASID_PRIV, "pasid-priv" },
	{ IOMMUFD_HW_CAP_ATS_NOT_SUPPORTED, "no-ats" },
};

/* What the probe found. */
struct probe {
	struct iommufd_hw_info hw;
	/* Why the IOMMU's hw info is unknown (the library's explanation: the
	 * legacy VFIO backend has none); "" when it is known. */
	char hw_error[256];
	struct iommufd_iova_range *ranges;
	size_t n;
	uint64_t align;
};

static void hex64(struct json *j, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
	json_kstr(j, key, buf);
}

static void probe_json(struct json *j, const struct probe *p)
{
	json_object_begin(j);
	if (p->hw_error[0]) {
		json_key(j, "type");
		json_null(j);
		json_key(j, "type_id");
		json_null(j);
		json_key(j, "pasid_bits");
		json_null(j);
	} else {
		json_kstr(j, "type", hw_type_name(p->hw.type));
		json_kuint(j, "type_id", p->hw.type);
		json_kuint(j, "pasid_bits", p->hw.max_pasid_log2);
	}
	json_kstr(j, "hw_info_error", p->hw_error[0] ? p->hw_error : NULL);
	json_key(j, "capabilities");
	json_array_begin(j);
	for (size_t i = 0; i < sizeof(hw_caps) / sizeof(hw_caps[0]); i++)
		if (p->hw.capabilities & hw_caps[i].bit)
			json_string(j, hw_caps[i].name);
	json_array_end(j);
	if (p->hw.type == IOMMUFD_HW_INFO_INTEL_VTD) {
		json_key(j, "vtd");
		json_object_begin(j);
		hex64(j, "cap_reg", p->hw.u.vtd.cap_reg);
		hex64(j, "ecap_reg", p->hw.u.vtd.ecap_reg);
		json_object_end(j);
	}
	json_kuint(j, "iova_alignment", p->align);
	json_key(j, "iova_ranges");
	json_array_begin(j);
	for (size_t i = 0; i < p->n; i++) {
		json_object_begin(j);
		json_kuint(j, "start", p->ranges[i].start);
		json_kuint(j, "last", p->ranges[i].last);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void probe_print(const struct probe *p)
{
	const struct iommufd_hw_info *hw = &p->hw;
	FILE *f = cli.out;

	if (p->hw_error[0]) {
		fprintf(f, "iommu:       unknown (%s)\n", p->hw_error);
	} else {
		fprintf(f, "iommu:       %s (type %u)\n", hw_type_name(hw->type), hw->type);
		fprintf(f, "pasid bits:  %u\n", hw->max_pasid_log2);
	}
	fputs("capabilities:", f);
	if (!hw->capabilities)
		fputs(" none", f);
	for (size_t i = 0; i < sizeof(hw_caps) / sizeof(hw_caps[0]); i++)
		if (hw->capabilities & hw_caps[i].bit)
			fprintf(f, " %s", hw_caps[i].name);
	fputc('\n', f);
	if (hw->type == IOMMUFD_HW_INFO_INTEL_VTD)
		fprintf(f, "vtd:         cap 0x%016" PRIx64 " ecap 0x%016" PRIx64 "\n", hw->u.vtd.cap_reg,
			hw->u.vtd.ecap_reg);
	fprintf(f, "iova align:  0x%" PRIx64 "\niova ranges:", p->align);
	for (size_t i = 0; i < p->n; i++)
		fprintf(f, " [0x%" PRIx64 ", 0x%" PRIx64 "]", p->ranges[i].start, p->ranges[i].last);
	fputc('\n', f);
}

/* Open the device, attach it to a new IOAS and read what the IOMMU says.
 * On the legacy VFIO backend the device is opened through its group, and
 * the IOMMU's hw info is unknown: the library says why. */
static int probe_device(const struct iommufd_pci_info *d, struct probe *p)
{
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	int rc = CLI_OK, hw;

	memset(p, 0, sizeof(*p));
	p->hw.sz = sizeof(p->hw);
	if (!d->vfio_cdev && !d->vfio_group)
		return cli_fail("%s is not on vfio-pci: bind it first (iommufd bind %s)", d->addr, d->addr);
	if (iommufd_ctx_new(NULL, &ctx) < 0)
		return cli_fail("%s", iommufd_last_error());
	if (d->vfio_cdev ? iommufd_device_open_cdev(ctx, d->vfio_cdev, NULL, &dev) < 0 :
			   iommufd_device_open_pci(ctx, d->addr, NULL, &dev) < 0) {
		rc = cli_fail("%s", iommufd_ctx_last_error(ctx));
		goto out;
	}
	hw = iommufd_device_get_hw_info(dev, &p->hw);
	if (hw == -EOPNOTSUPP && iommufd_ctx_get_backend(ctx) == IOMMUFD_BACKEND_VFIO_TYPE1) {
		snprintf(p->hw_error, sizeof(p->hw_error), "%s", iommufd_ctx_last_error(ctx));
		memset(&p->hw, 0, sizeof(p->hw));
		p->hw.sz = sizeof(p->hw);
		hw = 0;
	}
	if (hw < 0 || iommufd_ioas_new(ctx, NULL, &ioas) < 0 ||
	    iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL) < 0 ||
	    iommufd_ioas_get_iova_ranges(ioas, &p->ranges, &p->n, &p->align) < 0)
		rc = cli_fail("%s", iommufd_ctx_last_error(ctx));
out:
	iommufd_device_close(dev);
	if (ioas)
		iommufd_ioas_destroy(ioas);
	iommufd_ctx_unref(ctx);
	return rc;
}

static void info_print(const struct iommufd_pci_info *d, const struct pci_names *n)
{
	FILE *f = cli.out;
	char name[256];

	fprintf(f, "address:     %s\n", d->addr);
	pci_names_describe(n, d, name, sizeof(name));
	if (*name)
		fprintf(f, "name:        %s\n", name);
	fprintf(f, "id:          %04x:%04x (subsystem %04x:%04x)\n", d->vendor, d->device, d->subsystem_vendor,
		d->subsystem_device);
	if (n->class_name)
		fprintf(f, "class:       %06x (%s)\n", d->class_code, n->class_name);
	else
		fprintf(f, "class:       %06x\n", d->class_code);
	fprintf(f, "driver:      %s\n", d->driver ? d->driver : "none");
	if (d->numa_node >= 0)
		fprintf(f, "numa node:   %d\n", d->numa_node);
	else
		fprintf(f, "numa node:   unknown\n");
	if (d->iommu_group >= 0) {
		fprintf(f, "iommu group: %d%s (", d->iommu_group, d->noiommu ? ", no-IOMMU" : "");
		for (size_t i = 0; i < d->group_size; i++)
			fprintf(f, "%s%s", i ? " " : "", d->group_members[i]);
		fputs(")\n", f);
	} else {
		fputs("iommu group: none\n", f);
	}
	fprintf(f, "vfio cdev:   %s\n", d->vfio_cdev ? d->vfio_cdev : "none");
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "probe", no_argument, NULL, 'P' },
		{ 0 },
	};
	IOMMUFD_OPTS(iommufd_pci_filter, filter);
	const struct iommufd_pci_info *d;
	struct iommufd_pci_enum *e;
	struct pci_names_db *db;
	struct pci_names n;
	struct probe p = { 0 };
	bool probe = false;
	int c, rc = CLI_OK;

	while ((c = cli_getopt(argc, argv, ":P", opts)) != -1) {
		if (c != 'P')
			return CLI_USAGE;
		probe = true;
	}
	if (optind == argc)
		return cli_usage("missing device address");
	if (optind + 1 != argc)
		return cli_usage("unexpected argument '%s'", argv[optind + 1]);
	filter.addr = argv[optind];
	if (iommufd_pci_enum_new(&filter, &e) < 0)
		return cli_fail("%s", iommufd_last_error());
	d = iommufd_pci_enum_first(e);
	if (!d) {
		iommufd_pci_enum_free(e);
		return cli_fail("no PCI device %s", argv[optind]);
	}
	/* probe first: a failure is then the command's one line, and JSON
	 * output is one document either way */
	if (probe && cli.json && (rc = probe_device(d, &p)) != CLI_OK)
		goto out;
	db = pci_names_open();
	pci_names_lookup(db, d, &n);
	pci_names_close(db);
	if (cli.json) {
		struct json *j = cli_json();

		json_object_begin(j);
		pci_json_members(j, d, &n);
		json_kbool(j, "probed", probe);
		json_key(j, "iommu");
		if (probe)
			probe_json(j, &p);
		else
			json_null(j);
		json_object_end(j);
		json_finish(j);
	} else {
		info_print(d, &n);
		if (!probe)
			fprintf(cli.out, "iommu:       not probed (--probe opens and binds the device, which resets it)\n");
		else if ((rc = probe_device(d, &p)) == CLI_OK)
			probe_print(&p);
	}
	pci_names_clear(&n);
out:
	free(p.ranges);
	iommufd_pci_enum_free(e);
	return rc;
}
