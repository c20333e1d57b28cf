/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The kernel-module seam of host setup: the only file that calls libkmod to
 * find and load modules for host/setup.c. Unit tests replace modules_host
 * (as they replace base/sys.c's sys_host) to model which modules exist and
 * what loading one does. */
#ifndef IOMMUFD_HOST_MODULES_H
#define IOMMUFD_HOST_MODULES_H

struct modules_ops {
	/* Whether the running kernel has the module called name (a module
	 * name, never an alias): 1 when it is loaded, built in, or a file of
	 * modules.dep; 0 when not; -errno when libkmod cannot say. */
	int (*find)(const char *name);
	/* Load the module called name with its dependencies and soft
	 * dependencies, as modprobe does; 0 when it is loaded or built in
	 * already. 0 or -errno (-ENOENT: no such module, -EPERM: no
	 * CAP_SYS_MODULE, -ENOMEM: no libkmod context). */
	int (*load)(const char *name);
};

extern const struct modules_ops modules_real;
/* What host/setup.c calls: &modules_real unless a test put a model here. */
extern const struct modules_ops *modules_host;

#endif
