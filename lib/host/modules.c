// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Finding and loading kernel modules by name with libkmod (host/modules.h). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <libkmod.h>

#include "host/modules.h"

/* The module object for name, looked up by name only (no alias). */
/* libkmod logs errors to stderr by default; the library never prints
 * (its callers read iommufd_last_error()). */
static void kmod_quiet(void *data, int priority, const char *file, int line, const char *fn,
		       const char *format, va_list args)
{
	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	(void)format;
	(void)args;
}

static int module_new(const char *name, struct kmod_ctx **k, struct kmod_module **mod)
{
	int rc;

	*k = kmod_new(NULL, NULL);
	if (!*k)
		return -ENOMEM;
	kmod_set_log_fn(*k, kmod_quiet, NULL);
	rc = kmod_module_new_from_name(*k, name, mod);
	if (rc < 0) {
		kmod_unref(*k);
		return rc;
	}
	return 0;
}

static int real_find(const char *name)
{
	struct kmod_module *mod;
	struct kmod_ctx *k;
	int rc = module_new(name, &k, &mod);

	if (rc < 0)
		return rc;
	rc = kmod_module_get_path(mod) || kmod_module_get_initstate(mod) >= 0;
	kmod_module_unref(mod);
	kmod_unref(k);
	return rc;
}

static int real_load(const char *name)
{
	struct kmod_module *mod;
	struct kmod_ctx *k;
	int rc = module_new(name, &k, &mod);

	if (rc < 0)
		return rc;
	rc = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	kmod_module_unref(mod);
	kmod_unref(k);
	return rc < 0 ? rc : 0;
}

const struct modules_ops modules_real = {
	.find = real_find,
	.load = real_load,
};

const struct modules_ops *modules_host = &modules_real;
