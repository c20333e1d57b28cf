/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * The legacy VFIO backend's containers, for the device kind that opens
 * devices through their VFIO group (core/device-group.c). core/backend-type1.c
 * owns every container ioctl; the group kind owns the group ioctls.
 *
 * Each IOMMU group gets a container of its own when its first device is
 * opened: the group joins it (VFIO_GROUP_SET_CONTAINER, the kind's call),
 * then type1_container_enable() sets the IOMMU type, so the device fd can be
 * had at once and every device call works before any attach, as on
 * /dev/iommu. A group cannot leave its container while a device of it is
 * open, so an IOAS is not one container but a record of mappings that the
 * backend applies to the container of every group attached to it: attach
 * replays the record into the group's container, detach empties it (DMA is
 * blocked again), and each map and unmap goes to all of them.
 *
 * These calls record their explanation on failure (ctx_fail()).
 */
#ifndef IOMMUFD_CORE_TYPE1_H
#define IOMMUFD_CORE_TYPE1_H

#include <stdint.h>

struct iommufd_ctx;
struct type1_container;

/* Open a container of the context's backend node and check it (API
 * version, type1v2). @who names the device in messages. */
int type1_container_open(struct iommufd_ctx *ctx, const char *who, struct type1_container **out);
/* Its descriptor, for VFIO_GROUP_SET_CONTAINER. */
int type1_container_fd(const struct type1_container *c);
/* Once a group is in it: VFIO_SET_IOMMU (type1v2) and its IOMMU info
 * (page sizes, IOVA ranges, DMA entries available, dirty logging). */
int type1_container_enable(struct iommufd_ctx *ctx, struct type1_container *c, const char *who);
/* Close it, detached first if it is attached; NULL is a no-op. */
void type1_container_close(struct iommufd_ctx *ctx, struct type1_container *c);

/* Make the container translate like IOAS @pt_id: replay its mappings.
 * -ENOENT when no IOAS of the context has that ID, -EBUSY when attached. */
int type1_attach(struct iommufd_ctx *ctx, struct type1_container *c, uint32_t pt_id, const char *who);
/* Unmap everything from the container and leave its IOAS. */
int type1_detach(struct iommufd_ctx *ctx, struct type1_container *c, const char *who);

/* The legacy VFIO backend's way to open devices (core/device-group.c):
 * backend_ops.open_sysfs. */
struct iommufd_device;
struct iommufd_device_opts;
int device_group_open_sysfs(struct iommufd_ctx *ctx, const char *sysfs_path,
			    const struct iommufd_device_opts *opts, const char *name,
			    struct iommufd_device **out);

#endif
