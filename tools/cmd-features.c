// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* `iommufd features` and `iommufd version`: what the kernel offers through
 * the context's IOMMU backend (/dev/iommu, or VFIO containers for the
 * legacy one), and which library and backend speak to it. */
#define _GNU_SOURCE
#include <string.h>

#include <iommufd/iommufd.h>

#include "cli.h"

static int no_operands(int argc, char **argv)
{
	static const struct option opts[] = { { 0 } };

	if (cli_getopt(argc, argv, ":", opts) != -1)
		return CLI_USAGE;
	if (optind != argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	return CLI_OK;
}

/* "iommufd", "vfio-type1": the context's backend by the name
 * IOMMUFD_BACKEND takes. */
static const char *backend_of(const struct iommufd_ctx *ctx)
{
	return iommufd_backend_name(iommufd_ctx_get_backend(ctx));
}

static void features_json(struct json *j, struct iommufd_ctx *ctx)
{
	json_object_begin(j);
	for (int f = 0; f < IOMMUFD_FEATURE_COUNT; f++) {
		const char *name = iommufd_feature_name((enum iommufd_feature)f);

		if (name)
			json_kbool(j, name, iommufd_ctx_has_feature(ctx, (enum iommufd_feature)f));
	}
	json_object_end(j);
}

int cmd_features(int argc, char **argv)
{
	struct iommufd_ctx *ctx;
	int rc = no_operands(argc, argv);

	if (rc)
		return rc;
	if (iommufd_ctx_new(NULL, &ctx) < 0)
		return cli_fail("%s", iommufd_last_error());
	if (cli.json) {
		struct json *j = cli_json();

		features_json(j, ctx);
		json_finish(j);
	} else {
		fprintf(cli.out, "backend: %s\n", backend_of(ctx));
		for (int f = 0; f < IOMMUFD_FEATURE_COUNT; f++) {
			const char *name = iommufd_feature_name((enum iommufd_feature)f);

			if (name)
				fprintf(cli.out, "%-20s %s\n", name,
					iommufd_ctx_has_feature(ctx, (enum iommufd_feature)f) ? "yes" : "no");
		}
	}
	iommufd_ctx_unref(ctx);
	return CLI_OK;
}

int cli_print_version(bool short_form)
{
	struct iommufd_ctx *ctx = NULL;
	const char *why = NULL;
	struct json *j;

	/* the library that runs, not the headers this was built with */
	if (short_form && !cli.json) {
		fprintf(cli.out, "iommufd %s\n", iommufd_version());
		return CLI_OK;
	}
	if (iommufd_ctx_new(NULL, &ctx) < 0)
		why = iommufd_last_error();
	if (!cli.json) {
		fprintf(cli.out, "iommufd %s\n", iommufd_version());
		if (!ctx) {
			fprintf(cli.out, "backend:  unknown (%s)\nfeatures: unknown\n", why);
			return CLI_OK;
		}
		fprintf(cli.out, "backend:  %s\nfeatures:", backend_of(ctx));
		for (int f = 0; f < IOMMUFD_FEATURE_COUNT; f++)
			if (iommufd_feature_name((enum iommufd_feature)f) &&
			    iommufd_ctx_has_feature(ctx, (enum iommufd_feature)f))
				fprintf(cli.out, " %s", iommufd_feature_name((enum iommufd_feature)f));
		fputc('\n', cli.out);
		iommufd_ctx_unref(ctx);
		return CLI_OK;
	}
	j = cli_json();
	json_object_begin(j);
	json_kstr(j, "version", iommufd_version());
	json_kstr(j, "backend", ctx ? backend_of(ctx) : NULL);
	json_key(j, "features");
	if (ctx)
		features_json(j, ctx);
	else
		json_null(j);
	json_kstr(j, "backend_error", why);
	json_object_end(j);
	json_finish(j);
	iommufd_ctx_unref(ctx);
	return CLI_OK;
}

int cmd_version(int argc, char **argv)
{
	int rc = no_operands(argc, argv);

	return rc ? rc : cli_print_version(false);
}
