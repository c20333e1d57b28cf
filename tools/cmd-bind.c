// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* `iommufd bind` and `iommufd unbind`: a PCI device to vfio-pci and back. */
#define _GNU_SOURCE
#include <string.h>

#include <iommufd/iommufd.h>

#include "cli.h"

/* The device's driver now (NULL when none or unknown), for JSON. */
static void driver_now(const char *addr, char *buf, size_t size)
{
	IOMMUFD_OPTS(iommufd_pci_filter, filter, .addr = addr);
	const struct iommufd_pci_info *d;
	struct iommufd_pci_enum *e;

	buf[0] = '\0';
	if (iommufd_pci_enum_new(&filter, &e) < 0)
		return;
	d = iommufd_pci_enum_first(e);
	if (d && d->driver)
		snprintf(buf, size, "%s", d->driver);
	iommufd_pci_enum_free(e);
}

static void result_json(const char *addr, const char *prev, const char *now)
{
	struct json *j = cli_json();

	json_object_begin(j);
	json_kstr(j, "address", addr);
	json_kstr(j, "previous_driver", prev && *prev ? prev : NULL);
	json_kstr(j, "driver", now && *now ? now : NULL);
	json_object_end(j);
	json_finish(j);
}

/* The one operand: the address. */
static int address_operand(int argc, char **argv, const char *shortopts, const struct option *opts,
			   const char **addr, int (*on_opt)(int c, void *data), void *data)
{
	int c;

	while ((c = cli_getopt(argc, argv, shortopts, opts)) != -1)
		if (c == '?' || !on_opt || on_opt(c, data) < 0)
			return CLI_USAGE;
	if (optind == argc)
		return cli_usage("missing device address");
	if (optind + 1 != argc)
		return cli_usage("unexpected argument '%s'", argv[optind + 1]);
	*addr = argv[optind];
	return CLI_OK;
}

int cmd_bind(int argc, char **argv)
{
	static const struct option opts[] = { { 0 } };
	const char *addr;
	char prev[64] = "", now[64];
	int rc = address_operand(argc, argv, ":", opts, &addr, NULL, NULL);

	if (rc)
		return rc;
	if (iommufd_pci_bind_vfio(addr, prev, sizeof(prev)) < 0)
		return cli_fail("%s", iommufd_last_error());
	if (cli.json) {
		driver_now(addr, now, sizeof(now));
		result_json(addr, prev, now);
	} else {
		fprintf(cli.out, "%s: %s -> vfio-pci\n", addr, *prev ? prev : "(no driver)");
	}
	return CLI_OK;
}

struct unbind_opts {
	const char *driver;
	int given;
};

static int unbind_opt(int c, void *data)
{
	struct unbind_opts *u = data;

	if (u->given++)
		return cli_usage("--driver and --none exclude each other, and each is given once"), -1;
	u->driver = c == 'n' ? "" : optarg;
	if (c == 'd' && !*optarg)
		return cli_usage("--driver needs a driver name (--none leaves the device without one)"), -1;
	return 0;
}

int cmd_unbind(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ "none", no_argument, NULL, 'n' },
		{ 0 },
	};
	struct unbind_opts u = { 0 };
	const char *addr;
	char now[64];
	int rc = address_operand(argc, argv, ":d:n", opts, &addr, unbind_opt, &u);

	if (rc)
		return rc;
	if (iommufd_pci_unbind_vfio(addr, u.driver) < 0)
		return cli_fail("%s", iommufd_last_error());
	if (cli.json) {
		driver_now(addr, now, sizeof(now));
		result_json(addr, "vfio-pci", now);
	} else {
		fprintf(cli.out, "%s: vfio-pci -> %s\n", addr,
			!u.driver ? "(kernel's choice)" : *u.driver ? u.driver : "(no driver)");
	}
	return CLI_OK;
}
