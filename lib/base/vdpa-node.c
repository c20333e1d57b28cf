// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Names of vDPA devices and their vhost-vdpa nodes in sysfs; shared node queries. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/sys.h"
#include "base/uapi.h"
#include "base/vdpa-node.h"

struct find_chardev {
	char name[64];
};

static int match_chardev(const char *name, void *data)
{
	struct find_chardev *f = data;

	if (strncmp(name, "vhost-vdpa-", 11) || !name[11])
		return 0;
	snprintf(f->name, sizeof(f->name), "%s", name);
	return 1;
}

int vdpa_node_chardev(const struct iommufd_sys_ops *sys, const char *name, char *path,
			size_t len)
{
	struct find_chardev f = { "" };
	char dir[256];
	int rc;

	snprintf(dir, sizeof(dir), SYSFS_VDPA "/%s", name);
	rc = sys_list_dir(sys, dir, match_chardev, &f);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return -ENOTTY; /* the device exists but is not bound to vhost_vdpa */
	snprintf(path, len, "/dev/%s", f.name);
	return 0;
}

bool vdpa_node_valid_name(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') && strlen(name) < 64;
}

int vdpa_node_backend_features(const struct iommufd_sys_ops *sys, int fd, uint64_t *features)
{
	return sys_ioctl(sys, fd, UAPI_VHOST_GET_BACKEND_FEATURES, features);
}

int vdpa_node_num_as(const struct iommufd_sys_ops *sys, int fd, unsigned int *nas)
{
	return sys_ioctl(sys, fd, UAPI_VHOST_VDPA_GET_AS_NUM, nas);
}
