/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Names of vDPA devices and their vhost-vdpa nodes in sysfs, and the
 * queries of a node that both the device flavour (core/device-vdpa.c) and
 * discovery (host/vdpa-discover.c) make: this file issues them. */
#ifndef IOMMUFD_BASE_VDPA_NODE_H
#define IOMMUFD_BASE_VDPA_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iommufd_sys_ops;

#define SYSFS_VDPA "/sys/bus/vdpa/devices"

/* A plain device name: not empty, no "/", not starting with ".", < 64 bytes. */
bool vdpa_node_valid_name(const char *name);

/* The vhost-vdpa node of vDPA device @name ("/dev/vhost-vdpa-N") into @path;
 * 0, -ENOTTY when the device is not bound to vhost_vdpa, or -errno. */
int vdpa_node_chardev(const struct iommufd_sys_ops *sys, const char *name, char *path,
		      size_t len);

/* VHOST_GET_BACKEND_FEATURES of the open node @fd: 0, or -errno. */
int vdpa_node_backend_features(const struct iommufd_sys_ops *sys, int fd, uint64_t *features);
/* VHOST_VDPA_GET_AS_NUM of the open node @fd: 0, or -errno. */
int vdpa_node_num_as(const struct iommufd_sys_ops *sys, int fd, unsigned int *nas);

#endif
