/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Names of vDPA devices and their vhost-vdpa nodes in sysfs. */
#ifndef IOMMUFD_BASE_VDPA_NODE_H
#define IOMMUFD_BASE_VDPA_NODE_H

#include <stdbool.h>
#include <stddef.h>

struct iommufd_sys_ops;

#define SYSFS_VDPA "/sys/bus/vdpa/devices"

/* A plain device name: not empty, no "/", not starting with ".", < 64 bytes. */
bool vdpa_node_valid_name(const char *name);

/* The vhost-vdpa node of vDPA device @name ("/dev/vhost-vdpa-N") into @path;
 * 0, -ENOTTY when the device is not bound to vhost_vdpa, or -errno. */
int vdpa_node_chardev(const struct iommufd_sys_ops *sys, const char *name, char *path,
		      size_t len);

#endif
