// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * lib/uapi.h against the test kernel's own headers (`make headers`): the size
 * of every struct, the offset and size of every field, and every ioctl
 * number and flag we define. One TAP line per struct.
 */
#include <stddef.h>
#include <stdio.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include <linux/vhost.h>
#include <linux/vdpa.h>

#include "uapi.h"

static int n, failed;
static const char *cur;
static int cur_bad;

static void begin(const char *name)
{
	cur = name;
	cur_bad = 0;
}

static void check(const char *what, unsigned long ours, unsigned long kernel)
{
	if (ours != kernel) {
		printf("# %s %s: ours %lu, kernel %lu\n", cur, what, ours, kernel);
		cur_bad = 1;
	}
}

static void end(void)
{
	n++;
	failed += cur_bad;
	printf("%sok %d - %s\n", cur_bad ? "not " : "", n, cur);
}

#define SIZE(ours, theirs) check("sizeof", sizeof(struct ours), sizeof(struct theirs))
#define FIELD(ours, theirs, fo, ft)                                                      \
	do {                                                                             \
		check("offsetof(" #fo ")", offsetof(struct ours, fo), offsetof(struct theirs, ft)); \
		check("sizeof(" #fo ")", sizeof(((struct ours *)0)->fo), sizeof(((struct theirs *)0)->ft)); \
	} while (0)
#define SAME(what, a, b) check(what, (unsigned long)(a), (unsigned long)(b))

int main(void)
{
	begin("iommu_destroy");
	SIZE(uapi_iommu_destroy, iommu_destroy);
	FIELD(uapi_iommu_destroy, iommu_destroy, size, size);
	FIELD(uapi_iommu_destroy, iommu_destroy, id, id);
	SAME("IOMMU_DESTROY", UAPI_IOMMU_DESTROY, IOMMU_DESTROY);
	end();

	begin("iommu_ioas_alloc");
	SIZE(uapi_iommu_ioas_alloc, iommu_ioas_alloc);
	FIELD(uapi_iommu_ioas_alloc, iommu_ioas_alloc, flags, flags);
	FIELD(uapi_iommu_ioas_alloc, iommu_ioas_alloc, out_ioas_id, out_ioas_id);
	SAME("IOMMU_IOAS_ALLOC", UAPI_IOMMU_IOAS_ALLOC, IOMMU_IOAS_ALLOC);
	end();

	begin("iommu_iova_range");
	SIZE(uapi_iommu_iova_range, iommu_iova_range);
	FIELD(uapi_iommu_iova_range, iommu_iova_range, start, start);
	FIELD(uapi_iommu_iova_range, iommu_iova_range, last, last);
	end();

	begin("iommu_ioas_iova_ranges");
	SIZE(uapi_iommu_ioas_iova_ranges, iommu_ioas_iova_ranges);
	FIELD(uapi_iommu_ioas_iova_ranges, iommu_ioas_iova_ranges, ioas_id, ioas_id);
	FIELD(uapi_iommu_ioas_iova_ranges, iommu_ioas_iova_ranges, num_iovas, num_iovas);
	FIELD(uapi_iommu_ioas_iova_ranges, iommu_ioas_iova_ranges, reserved, __reserved);
	FIELD(uapi_iommu_ioas_iova_ranges, iommu_ioas_iova_ranges, allowed_iovas, allowed_iovas);
	FIELD(uapi_iommu_ioas_iova_ranges, iommu_ioas_iova_ranges, out_iova_alignment, out_iova_alignment);
	SAME("IOMMU_IOAS_IOVA_RANGES", UAPI_IOMMU_IOAS_IOVA_RANGES, IOMMU_IOAS_IOVA_RANGES);
	end();

	begin("iommu_ioas_allow_iovas");
	SIZE(uapi_iommu_ioas_allow_iovas, iommu_ioas_allow_iovas);
	FIELD(uapi_iommu_ioas_allow_iovas, iommu_ioas_allow_iovas, ioas_id, ioas_id);
	FIELD(uapi_iommu_ioas_allow_iovas, iommu_ioas_allow_iovas, num_iovas, num_iovas);
	FIELD(uapi_iommu_ioas_allow_iovas, iommu_ioas_allow_iovas, allowed_iovas, allowed_iovas);
	SAME("IOMMU_IOAS_ALLOW_IOVAS", UAPI_IOMMU_IOAS_ALLOW_IOVAS, IOMMU_IOAS_ALLOW_IOVAS);
	end();

	begin("iommu_ioas_map");
	SIZE(uapi_iommu_ioas_map, iommu_ioas_map);
	FIELD(uapi_iommu_ioas_map, iommu_ioas_map, flags, flags);
	FIELD(uapi_iommu_ioas_map, iommu_ioas_map, ioas_id, ioas_id);
	FIELD(uapi_iommu_ioas_map, iommu_ioas_map, user_va, user_va);
	FIELD(uapi_iommu_ioas_map, iommu_ioas_map, length, length);
	FIELD(uapi_iommu_ioas_map, iommu_ioas_map, iova, iova);
	SAME("IOMMU_IOAS_MAP", UAPI_IOMMU_IOAS_MAP, IOMMU_IOAS_MAP);
	SAME("MAP_FIXED_IOVA", UAPI_IOMMU_IOAS_MAP_FIXED_IOVA, IOMMU_IOAS_MAP_FIXED_IOVA);
	SAME("MAP_WRITEABLE", UAPI_IOMMU_IOAS_MAP_WRITEABLE, IOMMU_IOAS_MAP_WRITEABLE);
	SAME("MAP_READABLE", UAPI_IOMMU_IOAS_MAP_READABLE, IOMMU_IOAS_MAP_READABLE);
	end();

	begin("iommu_ioas_map_file");
	SIZE(uapi_iommu_ioas_map_file, iommu_ioas_map_file);
	FIELD(uapi_iommu_ioas_map_file, iommu_ioas_map_file, fd, fd);
	FIELD(uapi_iommu_ioas_map_file, iommu_ioas_map_file, start, start);
	FIELD(uapi_iommu_ioas_map_file, iommu_ioas_map_file, length, length);
	FIELD(uapi_iommu_ioas_map_file, iommu_ioas_map_file, iova, iova);
	SAME("IOMMU_IOAS_MAP_FILE", UAPI_IOMMU_IOAS_MAP_FILE, IOMMU_IOAS_MAP_FILE);
	end();

	begin("iommu_ioas_copy");
	SIZE(uapi_iommu_ioas_copy, iommu_ioas_copy);
	FIELD(uapi_iommu_ioas_copy, iommu_ioas_copy, dst_ioas_id, dst_ioas_id);
	FIELD(uapi_iommu_ioas_copy, iommu_ioas_copy, src_ioas_id, src_ioas_id);
	FIELD(uapi_iommu_ioas_copy, iommu_ioas_copy, length, length);
	FIELD(uapi_iommu_ioas_copy, iommu_ioas_copy, dst_iova, dst_iova);
	FIELD(uapi_iommu_ioas_copy, iommu_ioas_copy, src_iova, src_iova);
	SAME("IOMMU_IOAS_COPY", UAPI_IOMMU_IOAS_COPY, IOMMU_IOAS_COPY);
	end();

	begin("iommu_ioas_unmap");
	SIZE(uapi_iommu_ioas_unmap, iommu_ioas_unmap);
	FIELD(uapi_iommu_ioas_unmap, iommu_ioas_unmap, ioas_id, ioas_id);
	FIELD(uapi_iommu_ioas_unmap, iommu_ioas_unmap, iova, iova);
	FIELD(uapi_iommu_ioas_unmap, iommu_ioas_unmap, length, length);
	SAME("IOMMU_IOAS_UNMAP", UAPI_IOMMU_IOAS_UNMAP, IOMMU_IOAS_UNMAP);
	end();

	begin("iommu_option");
	SIZE(uapi_iommu_option, iommu_option);
	FIELD(uapi_iommu_option, iommu_option, option_id, option_id);
	FIELD(uapi_iommu_option, iommu_option, op, op);
	FIELD(uapi_iommu_option, iommu_option, object_id, object_id);
	FIELD(uapi_iommu_option, iommu_option, val64, val64);
	SAME("IOMMU_OPTION", UAPI_IOMMU_OPTION, IOMMU_OPTION);
	SAME("RLIMIT_MODE", UAPI_IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_RLIMIT_MODE);
	SAME("HUGE_PAGES", UAPI_IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_HUGE_PAGES);
	SAME("OP_SET", UAPI_IOMMU_OPTION_OP_SET, IOMMU_OPTION_OP_SET);
	SAME("OP_GET", UAPI_IOMMU_OPTION_OP_GET, IOMMU_OPTION_OP_GET);
	end();

	begin("iommu_hw_info");
	SIZE(uapi_iommu_hw_info, iommu_hw_info);
	FIELD(uapi_iommu_hw_info, iommu_hw_info, dev_id, dev_id);
	FIELD(uapi_iommu_hw_info, iommu_hw_info, data_len, data_len);
	FIELD(uapi_iommu_hw_info, iommu_hw_info, data_uptr, data_uptr);
	FIELD(uapi_iommu_hw_info, iommu_hw_info, data_type, out_data_type);
	FIELD(uapi_iommu_hw_info, iommu_hw_info, out_max_pasid_log2, out_max_pasid_log2);
	FIELD(uapi_iommu_hw_info, iommu_hw_info, out_capabilities, out_capabilities);
	SAME("IOMMU_GET_HW_INFO", UAPI_IOMMU_GET_HW_INFO, IOMMU_GET_HW_INFO);
	end();

	begin("iommu_hw_info_vtd");
	SIZE(uapi_iommu_hw_info_vtd, iommu_hw_info_vtd);
	FIELD(uapi_iommu_hw_info_vtd, iommu_hw_info_vtd, flags, flags);
	FIELD(uapi_iommu_hw_info_vtd, iommu_hw_info_vtd, cap_reg, cap_reg);
	FIELD(uapi_iommu_hw_info_vtd, iommu_hw_info_vtd, ecap_reg, ecap_reg);
	end();

	begin("iommu_hw_info_arm_smmuv3");
	SIZE(uapi_iommu_hw_info_arm_smmuv3, iommu_hw_info_arm_smmuv3);
	FIELD(uapi_iommu_hw_info_arm_smmuv3, iommu_hw_info_arm_smmuv3, idr, idr);
	FIELD(uapi_iommu_hw_info_arm_smmuv3, iommu_hw_info_arm_smmuv3, iidr, iidr);
	FIELD(uapi_iommu_hw_info_arm_smmuv3, iommu_hw_info_arm_smmuv3, aidr, aidr);
	end();

	begin("iommu_hw_info_amd");
	SIZE(uapi_iommu_hw_info_amd, iommu_hw_info_amd);
	FIELD(uapi_iommu_hw_info_amd, iommu_hw_info_amd, efr, efr);
	FIELD(uapi_iommu_hw_info_amd, iommu_hw_info_amd, efr2, efr2);
	end();

	begin("iommu_ioas_change_process");
	SIZE(uapi_iommu_ioas_change_process, iommu_ioas_change_process);
	SAME("IOMMU_IOAS_CHANGE_PROCESS", UAPI_IOMMU_IOAS_CHANGE_PROCESS, IOMMU_IOAS_CHANGE_PROCESS);
	end();

	begin("vfio_device_info");
	SIZE(uapi_vfio_device_info, vfio_device_info);
	FIELD(uapi_vfio_device_info, vfio_device_info, flags, flags);
	FIELD(uapi_vfio_device_info, vfio_device_info, num_regions, num_regions);
	FIELD(uapi_vfio_device_info, vfio_device_info, num_irqs, num_irqs);
	FIELD(uapi_vfio_device_info, vfio_device_info, cap_offset, cap_offset);
	SAME("VFIO_DEVICE_GET_INFO", UAPI_VFIO_DEVICE_GET_INFO, VFIO_DEVICE_GET_INFO);
	SAME("VFIO_DEVICE_RESET", UAPI_VFIO_DEVICE_RESET, VFIO_DEVICE_RESET);
	end();

	begin("vfio_region_info");
	SIZE(uapi_vfio_region_info, vfio_region_info);
	FIELD(uapi_vfio_region_info, vfio_region_info, index, index);
	FIELD(uapi_vfio_region_info, vfio_region_info, size, size);
	FIELD(uapi_vfio_region_info, vfio_region_info, offset, offset);
	SAME("VFIO_DEVICE_GET_REGION_INFO", UAPI_VFIO_DEVICE_GET_REGION_INFO, VFIO_DEVICE_GET_REGION_INFO);
	end();

	begin("vfio_device_bind_iommufd");
	SIZE(uapi_vfio_device_bind_iommufd, vfio_device_bind_iommufd);
	FIELD(uapi_vfio_device_bind_iommufd, vfio_device_bind_iommufd, flags, flags);
	FIELD(uapi_vfio_device_bind_iommufd, vfio_device_bind_iommufd, iommufd, iommufd);
	FIELD(uapi_vfio_device_bind_iommufd, vfio_device_bind_iommufd, out_devid, out_devid);
	FIELD(uapi_vfio_device_bind_iommufd, vfio_device_bind_iommufd, token_uuid_ptr, token_uuid_ptr);
	SAME("VFIO_DEVICE_BIND_IOMMUFD", UAPI_VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_BIND_IOMMUFD);
	SAME("BIND_FLAG_TOKEN", UAPI_VFIO_DEVICE_BIND_FLAG_TOKEN, VFIO_DEVICE_BIND_FLAG_TOKEN);
	end();

	begin("vfio_device_attach_iommufd_pt");
	SIZE(uapi_vfio_device_attach_iommufd_pt, vfio_device_attach_iommufd_pt);
	FIELD(uapi_vfio_device_attach_iommufd_pt, vfio_device_attach_iommufd_pt, flags, flags);
	FIELD(uapi_vfio_device_attach_iommufd_pt, vfio_device_attach_iommufd_pt, pt_id, pt_id);
	FIELD(uapi_vfio_device_attach_iommufd_pt, vfio_device_attach_iommufd_pt, pasid, pasid);
	SAME("VFIO_DEVICE_ATTACH_IOMMUFD_PT", UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, VFIO_DEVICE_ATTACH_IOMMUFD_PT);
	SAME("ATTACH_PASID", UAPI_VFIO_DEVICE_ATTACH_PASID, VFIO_DEVICE_ATTACH_PASID);
	end();

	begin("vfio_device_detach_iommufd_pt");
	SIZE(uapi_vfio_device_detach_iommufd_pt, vfio_device_detach_iommufd_pt);
	FIELD(uapi_vfio_device_detach_iommufd_pt, vfio_device_detach_iommufd_pt, flags, flags);
	FIELD(uapi_vfio_device_detach_iommufd_pt, vfio_device_detach_iommufd_pt, pasid, pasid);
	SAME("VFIO_DEVICE_DETACH_IOMMUFD_PT", UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT, VFIO_DEVICE_DETACH_IOMMUFD_PT);
	SAME("DETACH_PASID", UAPI_VFIO_DEVICE_DETACH_PASID, VFIO_DEVICE_DETACH_PASID);
	end();

	begin("ioctl numbers of the feature probes");
	SAME("HWPT_ALLOC", UAPI_IOMMUFD_IO(UAPI_IOMMU_HWPT_ALLOC_NR), IOMMU_HWPT_ALLOC);
	SAME("GET_DIRTY_BITMAP", UAPI_IOMMUFD_IO(UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NR), IOMMU_HWPT_GET_DIRTY_BITMAP);
	SAME("HWPT_INVALIDATE", UAPI_IOMMUFD_IO(UAPI_IOMMU_HWPT_INVALIDATE_NR), IOMMU_HWPT_INVALIDATE);
	SAME("FAULT_QUEUE_ALLOC", UAPI_IOMMUFD_IO(UAPI_IOMMU_FAULT_QUEUE_ALLOC_NR), IOMMU_FAULT_QUEUE_ALLOC);
	SAME("VIOMMU_ALLOC", UAPI_IOMMUFD_IO(UAPI_IOMMU_VIOMMU_ALLOC_NR), IOMMU_VIOMMU_ALLOC);
	SAME("VDEVICE_ALLOC", UAPI_IOMMUFD_IO(UAPI_IOMMU_VDEVICE_ALLOC_NR), IOMMU_VDEVICE_ALLOC);
	SAME("VEVENTQ_ALLOC", UAPI_IOMMUFD_IO(UAPI_IOMMU_VEVENTQ_ALLOC_NR), IOMMU_VEVENTQ_ALLOC);
	SAME("HW_QUEUE_ALLOC", UAPI_IOMMUFD_IO(UAPI_IOMMU_HW_QUEUE_ALLOC_NR), IOMMU_HW_QUEUE_ALLOC);
	SAME("NOIOMMU_GET_PA", UAPI_IOMMUFD_IO(UAPI_IOMMU_IOAS_NOIOMMU_GET_PA_NR), IOMMU_IOAS_NOIOMMU_GET_PA);
	SAME("VFIO_IOAS", UAPI_IOMMUFD_IO(UAPI_IOMMU_VFIO_IOAS_NR), IOMMU_VFIO_IOAS);
	end();

	begin("vhost-vdpa");
	SAME("VHOST_SET_OWNER", UAPI_VHOST_SET_OWNER, VHOST_SET_OWNER);
	SAME("VHOST_GET_BACKEND_FEATURES", UAPI_VHOST_GET_BACKEND_FEATURES, VHOST_GET_BACKEND_FEATURES);
	SAME("VHOST_VDPA_GET_DEVICE_ID", UAPI_VHOST_VDPA_GET_DEVICE_ID, VHOST_VDPA_GET_DEVICE_ID);
	SAME("VHOST_VDPA_GET_AS_NUM", UAPI_VHOST_VDPA_GET_AS_NUM, VHOST_VDPA_GET_AS_NUM);
	SAME("VHOST_VDPA_GET_GROUP_NUM", UAPI_VHOST_VDPA_GET_GROUP_NUM, VHOST_VDPA_GET_GROUP_NUM);
	SAME("VDPA_CMD_DEV_GET", UAPI_VDPA_CMD_DEV_GET, VDPA_CMD_DEV_GET);
	SAME("VDPA_ATTR_MGMTDEV_BUS_NAME", UAPI_VDPA_ATTR_MGMTDEV_BUS_NAME, VDPA_ATTR_MGMTDEV_BUS_NAME);
	SAME("VDPA_ATTR_MGMTDEV_DEV_NAME", UAPI_VDPA_ATTR_MGMTDEV_DEV_NAME, VDPA_ATTR_MGMTDEV_DEV_NAME);
	SAME("VDPA_ATTR_DEV_NAME", UAPI_VDPA_ATTR_DEV_NAME, VDPA_ATTR_DEV_NAME);
	SAME("VDPA_ATTR_DEV_ID", UAPI_VDPA_ATTR_DEV_ID, VDPA_ATTR_DEV_ID);
	end();

	/* libiommufd's vDPA series (kernel-patches/): only in headers built with it */
#ifdef VHOST_VDPA_BIND_IOMMUFD
	begin("vhost_vdpa_bind_iommufd");
	SIZE(uapi_vhost_vdpa_bind_iommufd, vhost_vdpa_bind_iommufd);
	FIELD(uapi_vhost_vdpa_bind_iommufd, vhost_vdpa_bind_iommufd, argsz, argsz);
	FIELD(uapi_vhost_vdpa_bind_iommufd, vhost_vdpa_bind_iommufd, flags, flags);
	FIELD(uapi_vhost_vdpa_bind_iommufd, vhost_vdpa_bind_iommufd, iommufd, iommufd);
	FIELD(uapi_vhost_vdpa_bind_iommufd, vhost_vdpa_bind_iommufd, out_devid, out_devid);
	SAME("VHOST_VDPA_BIND_IOMMUFD", UAPI_VHOST_VDPA_BIND_IOMMUFD, VHOST_VDPA_BIND_IOMMUFD);
	SAME("VHOST_BACKEND_F_IOMMUFD", UAPI_VHOST_BACKEND_F_IOMMUFD, VHOST_BACKEND_F_IOMMUFD);
	end();

	begin("vhost_vdpa_attach_iommufd_pt");
	SIZE(uapi_vhost_vdpa_attach_iommufd_pt, vhost_vdpa_attach_iommufd_pt);
	FIELD(uapi_vhost_vdpa_attach_iommufd_pt, vhost_vdpa_attach_iommufd_pt, argsz, argsz);
	FIELD(uapi_vhost_vdpa_attach_iommufd_pt, vhost_vdpa_attach_iommufd_pt, flags, flags);
	FIELD(uapi_vhost_vdpa_attach_iommufd_pt, vhost_vdpa_attach_iommufd_pt, asid, asid);
	FIELD(uapi_vhost_vdpa_attach_iommufd_pt, vhost_vdpa_attach_iommufd_pt, pt_id, pt_id);
	SAME("VHOST_VDPA_ATTACH_IOMMUFD_PT", UAPI_VHOST_VDPA_ATTACH_IOMMUFD_PT, VHOST_VDPA_ATTACH_IOMMUFD_PT);
	end();

	begin("vhost_vdpa_detach_iommufd_pt");
	SIZE(uapi_vhost_vdpa_detach_iommufd_pt, vhost_vdpa_detach_iommufd_pt);
	FIELD(uapi_vhost_vdpa_detach_iommufd_pt, vhost_vdpa_detach_iommufd_pt, argsz, argsz);
	FIELD(uapi_vhost_vdpa_detach_iommufd_pt, vhost_vdpa_detach_iommufd_pt, flags, flags);
	FIELD(uapi_vhost_vdpa_detach_iommufd_pt, vhost_vdpa_detach_iommufd_pt, asid, asid);
	SAME("VHOST_VDPA_DETACH_IOMMUFD_PT", UAPI_VHOST_VDPA_DETACH_IOMMUFD_PT, VHOST_VDPA_DETACH_IOMMUFD_PT);
	end();
#endif

	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
