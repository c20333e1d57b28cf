// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* `iommufd mdev list | create | remove`: mediated devices. */
#define _GNU_SOURCE
#include <string.h>

#include <iommufd/iommufd.h>

#include "cli.h"

static void list_json(const struct iommufd_mdev_enum *e)
{
	struct json *j = cli_json();
	size_t nt = iommufd_mdev_enum_type_count(e), nm = iommufd_mdev_enum_count(e);

	json_object_begin(j);
	json_key(j, "types");
	json_array_begin(j);
	for (size_t i = 0; i < nt; i++) {
		const struct iommufd_mdev_type *t = iommufd_mdev_enum_type(e, i);

		if (!t)
			continue;
		json_object_begin(j);
		json_kstr(j, "parent", t->parent);
		json_kstr(j, "type", t->id);
		json_kstr(j, "name", t->name);
		json_kstr(j, "device_api", t->device_api);
		json_kstr(j, "description", t->description);
		json_kint_or_null(j, "available", t->available);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "instances");
	json_array_begin(j);
	for (size_t i = 0; i < nm; i++) {
		const struct iommufd_mdev *m = iommufd_mdev_enum_get(e, i);

		if (!m)
			continue;
		json_object_begin(j);
		json_kstr(j, "uuid", m->uuid);
		json_kstr(j, "parent", m->parent);
		json_kstr(j, "type", m->type);
		json_kstr(j, "vfio_cdev", m->vfio_cdev);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
	json_finish(j);
}

static void list_text(const struct iommufd_mdev_enum *e)
{
	size_t nt = iommufd_mdev_enum_type_count(e), nm = iommufd_mdev_enum_count(e);
	FILE *f = cli.out;

	fprintf(f, "%-16s  %-16s  %9s  %-10s  %s\n", "PARENT", "TYPE", "AVAILABLE", "API", "NAME");
	for (size_t i = 0; i < nt; i++) {
		const struct iommufd_mdev_type *t = iommufd_mdev_enum_type(e, i);
		char avail[16] = "-";

		if (!t)
			continue;
		if (t->available >= 0)
			snprintf(avail, sizeof(avail), "%d", t->available);
		fprintf(f, "%-16s  %-16s  %9s  %-10s  %s\n", t->parent, t->id, avail,
			t->device_api ? t->device_api : "-", t->name ? t->name : "");
	}
	if (nm)
		fprintf(f, "\n%-36s  %-16s  %-16s  %s\n", "UUID", "PARENT", "TYPE", "VFIO CDEV");
	for (size_t i = 0; i < nm; i++) {
		const struct iommufd_mdev *m = iommufd_mdev_enum_get(e, i);

		if (m)
			fprintf(f, "%-36s  %-16s  %-16s  %s\n", m->uuid, m->parent, m->type,
				m->vfio_cdev ? m->vfio_cdev : "-");
	}
}

int cmd_mdev(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0 },
	};
	struct iommufd_mdev_enum *e;
	const char *sub;
	char uuid[37];
	int c, n;

	while ((c = cli_getopt(argc, argv, ":j", opts)) != -1) {
		if (c != 'j')
			return CLI_USAGE;
		cli.json = true; /* `mdev list --json`, as before the global -j */
	}
	if (optind == argc)
		return cli_usage("missing subcommand (list, create or remove)");
	sub = argv[optind++];
	n = argc - optind;
	if (!strcmp(sub, "list")) {
		if (n)
			return cli_usage("list: unexpected argument '%s'", argv[optind]);
		if (iommufd_mdev_enum_new(&e) < 0)
			return cli_fail("%s", iommufd_last_error());
		if (cli.json)
			list_json(e);
		else
			list_text(e);
		iommufd_mdev_enum_free(e);
		return CLI_OK;
	}
	if (!strcmp(sub, "create")) {
		if (n < 2)
			return cli_usage("create: missing %s", n ? "type" : "parent and type");
		if (n > 3)
			return cli_usage("create: unexpected argument '%s'", argv[optind + 3]);
		if (iommufd_mdev_create(argv[optind], argv[optind + 1], n == 3 ? argv[optind + 2] : NULL, uuid) < 0)
			return cli_fail("%s", iommufd_last_error());
		if (cli.json) {
			struct json *j = cli_json();

			json_object_begin(j);
			json_kstr(j, "uuid", uuid);
			json_kstr(j, "parent", argv[optind]);
			json_kstr(j, "type", argv[optind + 1]);
			json_object_end(j);
			json_finish(j);
		} else {
			fprintf(cli.out, "%s\n", uuid);
		}
		return CLI_OK;
	}
	if (!strcmp(sub, "remove")) {
		if (n < 1)
			return cli_usage("remove: missing UUID");
		if (n > 1)
			return cli_usage("remove: unexpected argument '%s'", argv[optind + 1]);
		if (iommufd_mdev_remove(argv[optind]) < 0)
			return cli_fail("%s", iommufd_last_error());
		if (cli.json) {
			struct json *j = cli_json();

			json_object_begin(j);
			json_kstr(j, "removed", argv[optind]);
			json_object_end(j);
			json_finish(j);
		}
		return CLI_OK;
	}
	return cli_usage("unknown subcommand '%s' (list, create or remove)", sub);
}
