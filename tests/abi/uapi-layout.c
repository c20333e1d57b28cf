// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * lib/base/uapi.h against the test kernel's own headers (`make headers`): the size
 * of every struct, the offset and size of every field, and every ioctl
 * number and flag we define. One TAP line per struct.
 */
#include <stddef.h>
#include <stdio.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include <linux/vhost.h>
#include <linux/vdpa.h>

#include <iommufd/migration.h>

#include <iommufd/device.h>
#include <iommufd/irq.h>

#include "base/uapi.h"

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
/* a flexible array member: its offset (it has no size) */
#define FLEX(ours, theirs, fo, ft) check("offsetof(" #fo ")", offsetof(struct ours, fo), offsetof(struct theirs, ft))
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

	begin("iommu_ioas_noiommu_get_pa");
	SIZE(uapi_iommu_ioas_noiommu_get_pa, iommu_ioas_noiommu_get_pa);
	FIELD(uapi_iommu_ioas_noiommu_get_pa, iommu_ioas_noiommu_get_pa, flags, flags);
	FIELD(uapi_iommu_ioas_noiommu_get_pa, iommu_ioas_noiommu_get_pa, ioas_id, ioas_id);
	FIELD(uapi_iommu_ioas_noiommu_get_pa, iommu_ioas_noiommu_get_pa, reserved, __reserved);
	FIELD(uapi_iommu_ioas_noiommu_get_pa, iommu_ioas_noiommu_get_pa, iova, iova);
	FIELD(uapi_iommu_ioas_noiommu_get_pa, iommu_ioas_noiommu_get_pa, length, length);
	FIELD(uapi_iommu_ioas_noiommu_get_pa, iommu_ioas_noiommu_get_pa, out_phys, out_phys);
	SAME("IOMMU_IOAS_NOIOMMU_GET_PA", UAPI_IOMMU_IOAS_NOIOMMU_GET_PA, IOMMU_IOAS_NOIOMMU_GET_PA);
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
	FIELD(uapi_vfio_region_info, vfio_region_info, cap_offset, cap_offset);
	SAME("VFIO_REGION_INFO_FLAG_READ", UAPI_VFIO_REGION_INFO_FLAG_READ, VFIO_REGION_INFO_FLAG_READ);
	SAME("VFIO_REGION_INFO_FLAG_WRITE", UAPI_VFIO_REGION_INFO_FLAG_WRITE, VFIO_REGION_INFO_FLAG_WRITE);
	SAME("VFIO_REGION_INFO_FLAG_MMAP", UAPI_VFIO_REGION_INFO_FLAG_MMAP, VFIO_REGION_INFO_FLAG_MMAP);
	SAME("VFIO_REGION_INFO_FLAG_CAPS", UAPI_VFIO_REGION_INFO_FLAG_CAPS, VFIO_REGION_INFO_FLAG_CAPS);
	end();

	begin("vfio_info_cap_header");
	SIZE(uapi_vfio_info_cap_header, vfio_info_cap_header);
	FIELD(uapi_vfio_info_cap_header, vfio_info_cap_header, id, id);
	FIELD(uapi_vfio_info_cap_header, vfio_info_cap_header, version, version);
	FIELD(uapi_vfio_info_cap_header, vfio_info_cap_header, next, next);
	end();

	begin("vfio_region_info_cap_sparse_mmap");
	SIZE(uapi_vfio_region_info_cap_sparse_mmap, vfio_region_info_cap_sparse_mmap);
	FIELD(uapi_vfio_region_info_cap_sparse_mmap, vfio_region_info_cap_sparse_mmap, nr_areas, nr_areas);
	FLEX(uapi_vfio_region_info_cap_sparse_mmap, vfio_region_info_cap_sparse_mmap, areas, areas);
	SIZE(uapi_vfio_region_sparse_mmap_area, vfio_region_sparse_mmap_area);
	FIELD(uapi_vfio_region_sparse_mmap_area, vfio_region_sparse_mmap_area, offset, offset);
	FIELD(uapi_vfio_region_sparse_mmap_area, vfio_region_sparse_mmap_area, size, size);
	SAME("VFIO_REGION_INFO_CAP_SPARSE_MMAP", UAPI_VFIO_REGION_INFO_CAP_SPARSE_MMAP, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	end();

	begin("vfio_region_info_cap_type");
	SIZE(uapi_vfio_region_info_cap_type, vfio_region_info_cap_type);
	FIELD(uapi_vfio_region_info_cap_type, vfio_region_info_cap_type, type, type);
	FIELD(uapi_vfio_region_info_cap_type, vfio_region_info_cap_type, subtype, subtype);
	SAME("VFIO_REGION_INFO_CAP_TYPE", UAPI_VFIO_REGION_INFO_CAP_TYPE, VFIO_REGION_INFO_CAP_TYPE);
	SAME("VFIO_REGION_INFO_CAP_MSIX_MAPPABLE", UAPI_VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
	end();

	begin("vfio_device_info_cap_pci_atomic_comp");
	SIZE(uapi_vfio_device_info_cap_pci_atomic_comp, vfio_device_info_cap_pci_atomic_comp);
	FIELD(uapi_vfio_device_info_cap_pci_atomic_comp, vfio_device_info_cap_pci_atomic_comp, flags, flags);
	SAME("VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP", UAPI_VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP, VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP);
	SAME("VFIO_PCI_ATOMIC_COMP32", IOMMUFD_DEVICE_ATOMIC_COMP32, VFIO_PCI_ATOMIC_COMP32);
	SAME("VFIO_PCI_ATOMIC_COMP64", IOMMUFD_DEVICE_ATOMIC_COMP64, VFIO_PCI_ATOMIC_COMP64);
	SAME("VFIO_PCI_ATOMIC_COMP128", IOMMUFD_DEVICE_ATOMIC_COMP128, VFIO_PCI_ATOMIC_COMP128);
	SAME("VFIO_DEVICE_FLAGS_CAPS", UAPI_VFIO_DEVICE_FLAGS_CAPS, VFIO_DEVICE_FLAGS_CAPS);
	end();

	begin("vfio_irq_info");
	SIZE(uapi_vfio_irq_info, vfio_irq_info);
	FIELD(uapi_vfio_irq_info, vfio_irq_info, flags, flags);
	FIELD(uapi_vfio_irq_info, vfio_irq_info, index, index);
	FIELD(uapi_vfio_irq_info, vfio_irq_info, count, count);
	SAME("VFIO_IRQ_INFO_EVENTFD", UAPI_VFIO_IRQ_INFO_EVENTFD, VFIO_IRQ_INFO_EVENTFD);
	SAME("VFIO_IRQ_INFO_MASKABLE", UAPI_VFIO_IRQ_INFO_MASKABLE, VFIO_IRQ_INFO_MASKABLE);
	SAME("VFIO_IRQ_INFO_AUTOMASKED", UAPI_VFIO_IRQ_INFO_AUTOMASKED, VFIO_IRQ_INFO_AUTOMASKED);
	SAME("VFIO_IRQ_INFO_NORESIZE", UAPI_VFIO_IRQ_INFO_NORESIZE, VFIO_IRQ_INFO_NORESIZE);
	SAME("VFIO_DEVICE_GET_IRQ_INFO", UAPI_VFIO_DEVICE_GET_IRQ_INFO, VFIO_DEVICE_GET_IRQ_INFO);
	/* core/device-vfio.c passes these bits through to iommufd_irq_info.flags */
	SAME("IOMMUFD_IRQ_EVENTFD", IOMMUFD_IRQ_EVENTFD, VFIO_IRQ_INFO_EVENTFD);
	SAME("IOMMUFD_IRQ_MASKABLE", IOMMUFD_IRQ_MASKABLE, VFIO_IRQ_INFO_MASKABLE);
	SAME("IOMMUFD_IRQ_AUTOMASKED", IOMMUFD_IRQ_AUTOMASKED, VFIO_IRQ_INFO_AUTOMASKED);
	SAME("IOMMUFD_IRQ_NORESIZE", IOMMUFD_IRQ_NORESIZE, VFIO_IRQ_INFO_NORESIZE);
	SAME("IOMMUFD_REGION_READ", IOMMUFD_REGION_READ, VFIO_REGION_INFO_FLAG_READ);
	SAME("IOMMUFD_REGION_WRITE", IOMMUFD_REGION_WRITE, VFIO_REGION_INFO_FLAG_WRITE);
	SAME("IOMMUFD_REGION_MMAP", IOMMUFD_REGION_MMAP, VFIO_REGION_INFO_FLAG_MMAP);
	end();

	begin("vfio_irq_set");
	SIZE(uapi_vfio_irq_set, vfio_irq_set);
	FIELD(uapi_vfio_irq_set, vfio_irq_set, flags, flags);
	FIELD(uapi_vfio_irq_set, vfio_irq_set, index, index);
	FIELD(uapi_vfio_irq_set, vfio_irq_set, start, start);
	FIELD(uapi_vfio_irq_set, vfio_irq_set, count, count);
	FLEX(uapi_vfio_irq_set, vfio_irq_set, data, data);
	SAME("VFIO_IRQ_SET_DATA_NONE", UAPI_VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_NONE);
	SAME("VFIO_IRQ_SET_DATA_BOOL", UAPI_VFIO_IRQ_SET_DATA_BOOL, VFIO_IRQ_SET_DATA_BOOL);
	SAME("VFIO_IRQ_SET_DATA_EVENTFD", UAPI_VFIO_IRQ_SET_DATA_EVENTFD, VFIO_IRQ_SET_DATA_EVENTFD);
	SAME("VFIO_IRQ_SET_ACTION_MASK", UAPI_VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_MASK);
	SAME("VFIO_IRQ_SET_ACTION_UNMASK", UAPI_VFIO_IRQ_SET_ACTION_UNMASK, VFIO_IRQ_SET_ACTION_UNMASK);
	SAME("VFIO_IRQ_SET_ACTION_TRIGGER", UAPI_VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_IRQ_SET_ACTION_TRIGGER);
	SAME("VFIO_DEVICE_SET_IRQS", UAPI_VFIO_DEVICE_SET_IRQS, VFIO_DEVICE_SET_IRQS);
	end();

	begin("vfio_pci_hot_reset_info");
	SIZE(uapi_vfio_pci_dependent_device, vfio_pci_dependent_device);
	FIELD(uapi_vfio_pci_dependent_device, vfio_pci_dependent_device, devid, devid);
	FIELD(uapi_vfio_pci_dependent_device, vfio_pci_dependent_device, segment, segment);
	FIELD(uapi_vfio_pci_dependent_device, vfio_pci_dependent_device, bus, bus);
	FIELD(uapi_vfio_pci_dependent_device, vfio_pci_dependent_device, devfn, devfn);
	SIZE(uapi_vfio_pci_hot_reset_info, vfio_pci_hot_reset_info);
	FIELD(uapi_vfio_pci_hot_reset_info, vfio_pci_hot_reset_info, flags, flags);
	FIELD(uapi_vfio_pci_hot_reset_info, vfio_pci_hot_reset_info, count, count);
	FLEX(uapi_vfio_pci_hot_reset_info, vfio_pci_hot_reset_info, devices, devices);
	SAME("VFIO_PCI_HOT_RESET_FLAG_DEV_ID", UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID, VFIO_PCI_HOT_RESET_FLAG_DEV_ID);
	SAME("VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED", UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED, VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED);
	SAME("VFIO_PCI_DEVID_OWNED", UAPI_VFIO_PCI_DEVID_OWNED, VFIO_PCI_DEVID_OWNED);
	SAME("VFIO_PCI_DEVID_NOT_OWNED", UAPI_VFIO_PCI_DEVID_NOT_OWNED, (uint32_t)VFIO_PCI_DEVID_NOT_OWNED);
	SAME("VFIO_DEVICE_GET_PCI_HOT_RESET_INFO", UAPI_VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO);
	end();

	begin("vfio_pci_hot_reset");
	SIZE(uapi_vfio_pci_hot_reset, vfio_pci_hot_reset);
	FIELD(uapi_vfio_pci_hot_reset, vfio_pci_hot_reset, flags, flags);
	FIELD(uapi_vfio_pci_hot_reset, vfio_pci_hot_reset, count, count);
	FLEX(uapi_vfio_pci_hot_reset, vfio_pci_hot_reset, group_fds, group_fds);
	SAME("VFIO_DEVICE_PCI_HOT_RESET", UAPI_VFIO_DEVICE_PCI_HOT_RESET, VFIO_DEVICE_PCI_HOT_RESET);
	end();

	begin("vfio_device_feature");
	SIZE(uapi_vfio_device_feature, vfio_device_feature);
	FIELD(uapi_vfio_device_feature, vfio_device_feature, argsz, argsz);
	FIELD(uapi_vfio_device_feature, vfio_device_feature, flags, flags);
	FLEX(uapi_vfio_device_feature, vfio_device_feature, data, data);
	SAME("VFIO_DEVICE_FEATURE", UAPI_VFIO_DEVICE_FEATURE, VFIO_DEVICE_FEATURE);
	SAME("FEATURE_MASK", UAPI_VFIO_DEVICE_FEATURE_MASK, VFIO_DEVICE_FEATURE_MASK);
	SAME("FEATURE_GET", UAPI_VFIO_DEVICE_FEATURE_GET, VFIO_DEVICE_FEATURE_GET);
	SAME("FEATURE_SET", UAPI_VFIO_DEVICE_FEATURE_SET, VFIO_DEVICE_FEATURE_SET);
	SAME("FEATURE_PROBE", UAPI_VFIO_DEVICE_FEATURE_PROBE, VFIO_DEVICE_FEATURE_PROBE);
	SAME("PCI_VF_TOKEN", UAPI_VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, VFIO_DEVICE_FEATURE_PCI_VF_TOKEN);
	SAME("MIGRATION", UAPI_VFIO_DEVICE_FEATURE_MIGRATION, VFIO_DEVICE_FEATURE_MIGRATION);
	SAME("MIG_DEVICE_STATE", UAPI_VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE);
	SAME("LOW_POWER_ENTRY", UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);
	SAME("LOW_POWER_ENTRY_WITH_WAKEUP", UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
	     VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP);
	SAME("LOW_POWER_EXIT", UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, VFIO_DEVICE_FEATURE_LOW_POWER_EXIT);
	SAME("DMA_LOGGING_START", UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_START, VFIO_DEVICE_FEATURE_DMA_LOGGING_START);
	SAME("DMA_LOGGING_STOP", UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP);
	SAME("DMA_LOGGING_REPORT", UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT);
	SAME("MIG_DATA_SIZE", UAPI_VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, VFIO_DEVICE_FEATURE_MIG_DATA_SIZE);
	SAME("BUS_MASTER", UAPI_VFIO_DEVICE_FEATURE_BUS_MASTER, VFIO_DEVICE_FEATURE_BUS_MASTER);
	SAME("DMA_BUF", UAPI_VFIO_DEVICE_FEATURE_DMA_BUF, VFIO_DEVICE_FEATURE_DMA_BUF);
	SAME("MIG_PRECOPY_INFOv2", UAPI_VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2, VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2);
	SAME("ZPCI_ERROR", UAPI_VFIO_DEVICE_FEATURE_ZPCI_ERROR, VFIO_DEVICE_FEATURE_ZPCI_ERROR);
	end();

	begin("vfio migration");
	SIZE(uapi_vfio_device_feature_migration, vfio_device_feature_migration);
	FIELD(uapi_vfio_device_feature_migration, vfio_device_feature_migration, flags, flags);
	SAME("MIGRATION_STOP_COPY", UAPI_VFIO_MIGRATION_STOP_COPY, VFIO_MIGRATION_STOP_COPY);
	SAME("MIGRATION_P2P", UAPI_VFIO_MIGRATION_P2P, VFIO_MIGRATION_P2P);
	SAME("MIGRATION_PRE_COPY", UAPI_VFIO_MIGRATION_PRE_COPY, VFIO_MIGRATION_PRE_COPY);
	SIZE(uapi_vfio_device_feature_mig_state, vfio_device_feature_mig_state);
	FIELD(uapi_vfio_device_feature_mig_state, vfio_device_feature_mig_state, device_state, device_state);
	FIELD(uapi_vfio_device_feature_mig_state, vfio_device_feature_mig_state, data_fd, data_fd);
	SIZE(uapi_vfio_device_feature_mig_data_size, vfio_device_feature_mig_data_size);
	FIELD(uapi_vfio_device_feature_mig_data_size, vfio_device_feature_mig_data_size, stop_copy_length, stop_copy_length);
	SIZE(uapi_vfio_precopy_info, vfio_precopy_info);
	FIELD(uapi_vfio_precopy_info, vfio_precopy_info, argsz, argsz);
	FIELD(uapi_vfio_precopy_info, vfio_precopy_info, flags, flags);
	FIELD(uapi_vfio_precopy_info, vfio_precopy_info, initial_bytes, initial_bytes);
	FIELD(uapi_vfio_precopy_info, vfio_precopy_info, dirty_bytes, dirty_bytes);
	SAME("PRECOPY_INFO_REINIT", UAPI_VFIO_PRECOPY_INFO_REINIT, VFIO_PRECOPY_INFO_REINIT);
	SAME("VFIO_MIG_GET_PRECOPY_INFO", UAPI_VFIO_MIG_GET_PRECOPY_INFO, VFIO_MIG_GET_PRECOPY_INFO);
	/* the library's states are the kernel's */
	SAME("STATE_ERROR", IOMMUFD_MIG_STATE_ERROR, VFIO_DEVICE_STATE_ERROR);
	SAME("STATE_STOP", IOMMUFD_MIG_STATE_STOP, VFIO_DEVICE_STATE_STOP);
	SAME("STATE_RUNNING", IOMMUFD_MIG_STATE_RUNNING, VFIO_DEVICE_STATE_RUNNING);
	SAME("STATE_STOP_COPY", IOMMUFD_MIG_STATE_STOP_COPY, VFIO_DEVICE_STATE_STOP_COPY);
	SAME("STATE_RESUMING", IOMMUFD_MIG_STATE_RESUMING, VFIO_DEVICE_STATE_RESUMING);
	SAME("STATE_RUNNING_P2P", IOMMUFD_MIG_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_RUNNING_P2P);
	SAME("STATE_PRE_COPY", IOMMUFD_MIG_STATE_PRE_COPY, VFIO_DEVICE_STATE_PRE_COPY);
	SAME("STATE_PRE_COPY_P2P", IOMMUFD_MIG_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_PRE_COPY_P2P);
	end();

	begin("vfio low power, DMA logging, dma-buf");
	SIZE(uapi_vfio_device_low_power_entry_with_wakeup, vfio_device_low_power_entry_with_wakeup);
	FIELD(uapi_vfio_device_low_power_entry_with_wakeup, vfio_device_low_power_entry_with_wakeup, wakeup_eventfd, wakeup_eventfd);
	FIELD(uapi_vfio_device_low_power_entry_with_wakeup, vfio_device_low_power_entry_with_wakeup, reserved, reserved);
	SIZE(uapi_vfio_device_feature_dma_logging_control, vfio_device_feature_dma_logging_control);
	FIELD(uapi_vfio_device_feature_dma_logging_control, vfio_device_feature_dma_logging_control, page_size, page_size);
	FIELD(uapi_vfio_device_feature_dma_logging_control, vfio_device_feature_dma_logging_control, num_ranges, num_ranges);
	FIELD(uapi_vfio_device_feature_dma_logging_control, vfio_device_feature_dma_logging_control, reserved, __reserved);
	FIELD(uapi_vfio_device_feature_dma_logging_control, vfio_device_feature_dma_logging_control, ranges, ranges);
	SIZE(uapi_vfio_device_feature_dma_logging_range, vfio_device_feature_dma_logging_range);
	FIELD(uapi_vfio_device_feature_dma_logging_range, vfio_device_feature_dma_logging_range, iova, iova);
	FIELD(uapi_vfio_device_feature_dma_logging_range, vfio_device_feature_dma_logging_range, length, length);
	SIZE(uapi_vfio_device_feature_dma_logging_report, vfio_device_feature_dma_logging_report);
	FIELD(uapi_vfio_device_feature_dma_logging_report, vfio_device_feature_dma_logging_report, iova, iova);
	FIELD(uapi_vfio_device_feature_dma_logging_report, vfio_device_feature_dma_logging_report, length, length);
	FIELD(uapi_vfio_device_feature_dma_logging_report, vfio_device_feature_dma_logging_report, page_size, page_size);
	FIELD(uapi_vfio_device_feature_dma_logging_report, vfio_device_feature_dma_logging_report, bitmap, bitmap);
	SIZE(uapi_vfio_region_dma_range, vfio_region_dma_range);
	FIELD(uapi_vfio_region_dma_range, vfio_region_dma_range, offset, offset);
	FIELD(uapi_vfio_region_dma_range, vfio_region_dma_range, length, length);
	SIZE(uapi_vfio_device_feature_dma_buf, vfio_device_feature_dma_buf);
	FIELD(uapi_vfio_device_feature_dma_buf, vfio_device_feature_dma_buf, region_index, region_index);
	FIELD(uapi_vfio_device_feature_dma_buf, vfio_device_feature_dma_buf, open_flags, open_flags);
	FIELD(uapi_vfio_device_feature_dma_buf, vfio_device_feature_dma_buf, flags, flags);
	FIELD(uapi_vfio_device_feature_dma_buf, vfio_device_feature_dma_buf, nr_ranges, nr_ranges);
	FLEX(uapi_vfio_device_feature_dma_buf, vfio_device_feature_dma_buf, dma_ranges, dma_ranges);
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

	begin("iommu_vfio_ioas");
	SIZE(uapi_iommu_vfio_ioas, iommu_vfio_ioas);
	FIELD(uapi_iommu_vfio_ioas, iommu_vfio_ioas, size, size);
	FIELD(uapi_iommu_vfio_ioas, iommu_vfio_ioas, ioas_id, ioas_id);
	FIELD(uapi_iommu_vfio_ioas, iommu_vfio_ioas, op, op);
	FIELD(uapi_iommu_vfio_ioas, iommu_vfio_ioas, reserved, __reserved);
	SAME("IOMMU_VFIO_IOAS", UAPI_IOMMU_VFIO_IOAS, IOMMU_VFIO_IOAS);
	SAME("IOMMU_VFIO_IOAS_GET", UAPI_IOMMU_VFIO_IOAS_GET, IOMMU_VFIO_IOAS_GET);
	SAME("IOMMU_VFIO_IOAS_SET", UAPI_IOMMU_VFIO_IOAS_SET, IOMMU_VFIO_IOAS_SET);
	SAME("IOMMU_VFIO_IOAS_CLEAR", UAPI_IOMMU_VFIO_IOAS_CLEAR, IOMMU_VFIO_IOAS_CLEAR);
	end();

	begin("VFIO containers and groups (legacy VFIO backend)");
	SAME("VFIO_API_VERSION", UAPI_VFIO_API_VERSION, VFIO_API_VERSION);
	SAME("VFIO_TYPE1v2_IOMMU", UAPI_VFIO_TYPE1v2_IOMMU, VFIO_TYPE1v2_IOMMU);
	SAME("VFIO_NOIOMMU_IOMMU", UAPI_VFIO_NOIOMMU_IOMMU, VFIO_NOIOMMU_IOMMU);
	SAME("VFIO_UNMAP_ALL", UAPI_VFIO_UNMAP_ALL, VFIO_UNMAP_ALL);
	SAME("VFIO_GET_API_VERSION", UAPI_VFIO_GET_API_VERSION, VFIO_GET_API_VERSION);
	SAME("VFIO_CHECK_EXTENSION", UAPI_VFIO_CHECK_EXTENSION, VFIO_CHECK_EXTENSION);
	SAME("VFIO_SET_IOMMU", UAPI_VFIO_SET_IOMMU, VFIO_SET_IOMMU);
	SAME("VFIO_GROUP_GET_STATUS", UAPI_VFIO_GROUP_GET_STATUS, VFIO_GROUP_GET_STATUS);
	SAME("VFIO_GROUP_SET_CONTAINER", UAPI_VFIO_GROUP_SET_CONTAINER, VFIO_GROUP_SET_CONTAINER);
	SAME("VFIO_GROUP_UNSET_CONTAINER", UAPI_VFIO_GROUP_UNSET_CONTAINER, VFIO_GROUP_UNSET_CONTAINER);
	SAME("VFIO_GROUP_GET_DEVICE_FD", UAPI_VFIO_GROUP_GET_DEVICE_FD, VFIO_GROUP_GET_DEVICE_FD);
	SAME("VFIO_IOMMU_GET_INFO", UAPI_VFIO_IOMMU_GET_INFO, VFIO_IOMMU_GET_INFO);
	SAME("VFIO_IOMMU_MAP_DMA", UAPI_VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_MAP_DMA);
	SAME("VFIO_IOMMU_UNMAP_DMA", UAPI_VFIO_IOMMU_UNMAP_DMA, VFIO_IOMMU_UNMAP_DMA);
	SAME("VFIO_IOMMU_DIRTY_PAGES", UAPI_VFIO_IOMMU_DIRTY_PAGES, VFIO_IOMMU_DIRTY_PAGES);
	SAME("DIRTY_PAGES_FLAG_START", UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_START, VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
	SAME("DIRTY_PAGES_FLAG_STOP", UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
	SAME("DIRTY_PAGES_FLAG_GET_BITMAP", UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP, VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP);
	SAME("VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP", UAPI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP);
	SAME("VFIO_GROUP_FLAGS_VIABLE", UAPI_VFIO_GROUP_FLAGS_VIABLE, VFIO_GROUP_FLAGS_VIABLE);
	SAME("VFIO_GROUP_FLAGS_CONTAINER_SET", UAPI_VFIO_GROUP_FLAGS_CONTAINER_SET, VFIO_GROUP_FLAGS_CONTAINER_SET);
	SAME("VFIO_IOMMU_INFO_PGSIZES", UAPI_VFIO_IOMMU_INFO_PGSIZES, VFIO_IOMMU_INFO_PGSIZES);
	SAME("VFIO_IOMMU_INFO_CAPS", UAPI_VFIO_IOMMU_INFO_CAPS, VFIO_IOMMU_INFO_CAPS);
	SAME("CAP_IOVA_RANGE", UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	SAME("CAP_MIGRATION", UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	SAME("DMA_AVAIL", UAPI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	SAME("VFIO_DMA_MAP_FLAG_READ", UAPI_VFIO_DMA_MAP_FLAG_READ, VFIO_DMA_MAP_FLAG_READ);
	SAME("VFIO_DMA_MAP_FLAG_WRITE", UAPI_VFIO_DMA_MAP_FLAG_WRITE, VFIO_DMA_MAP_FLAG_WRITE);
	SAME("VFIO_DMA_UNMAP_FLAG_ALL", UAPI_VFIO_DMA_UNMAP_FLAG_ALL, VFIO_DMA_UNMAP_FLAG_ALL);
	SIZE(uapi_vfio_group_status, vfio_group_status);
	FIELD(uapi_vfio_group_status, vfio_group_status, flags, flags);
	SIZE(uapi_vfio_iommu_type1_info, vfio_iommu_type1_info);
	FIELD(uapi_vfio_iommu_type1_info, vfio_iommu_type1_info, flags, flags);
	FIELD(uapi_vfio_iommu_type1_info, vfio_iommu_type1_info, iova_pgsizes, iova_pgsizes);
	FIELD(uapi_vfio_iommu_type1_info, vfio_iommu_type1_info, cap_offset, cap_offset);
	SIZE(uapi_vfio_iova_range, vfio_iova_range);
	FIELD(uapi_vfio_iova_range, vfio_iova_range, start, start);
	FIELD(uapi_vfio_iova_range, vfio_iova_range, end, end);
	SIZE(uapi_vfio_iommu_type1_info_cap_iova_range, vfio_iommu_type1_info_cap_iova_range);
	FIELD(uapi_vfio_iommu_type1_info_cap_iova_range, vfio_iommu_type1_info_cap_iova_range, nr_iovas, nr_iovas);
	SIZE(uapi_vfio_iommu_type1_info_cap_migration, vfio_iommu_type1_info_cap_migration);
	FIELD(uapi_vfio_iommu_type1_info_cap_migration, vfio_iommu_type1_info_cap_migration, pgsize_bitmap, pgsize_bitmap);
	FIELD(uapi_vfio_iommu_type1_info_cap_migration, vfio_iommu_type1_info_cap_migration, max_dirty_bitmap_size, max_dirty_bitmap_size);
	SIZE(uapi_vfio_iommu_type1_info_dma_avail, vfio_iommu_type1_info_dma_avail);
	FIELD(uapi_vfio_iommu_type1_info_dma_avail, vfio_iommu_type1_info_dma_avail, avail, avail);
	SIZE(uapi_vfio_iommu_type1_dma_map, vfio_iommu_type1_dma_map);
	FIELD(uapi_vfio_iommu_type1_dma_map, vfio_iommu_type1_dma_map, flags, flags);
	FIELD(uapi_vfio_iommu_type1_dma_map, vfio_iommu_type1_dma_map, vaddr, vaddr);
	FIELD(uapi_vfio_iommu_type1_dma_map, vfio_iommu_type1_dma_map, iova, iova);
	FIELD(uapi_vfio_iommu_type1_dma_map, vfio_iommu_type1_dma_map, size, size);
	SIZE(uapi_vfio_iommu_type1_dma_unmap, vfio_iommu_type1_dma_unmap);
	FIELD(uapi_vfio_iommu_type1_dma_unmap, vfio_iommu_type1_dma_unmap, iova, iova);
	FIELD(uapi_vfio_iommu_type1_dma_unmap, vfio_iommu_type1_dma_unmap, size, size);
	SIZE(uapi_vfio_bitmap, vfio_bitmap);
	FIELD(uapi_vfio_bitmap, vfio_bitmap, pgsize, pgsize);
	FIELD(uapi_vfio_bitmap, vfio_bitmap, size, size);
	FIELD(uapi_vfio_bitmap, vfio_bitmap, data, data);
	SIZE(uapi_vfio_iommu_type1_dirty_bitmap, vfio_iommu_type1_dirty_bitmap);
	FIELD(uapi_vfio_iommu_type1_dirty_bitmap, vfio_iommu_type1_dirty_bitmap, flags, flags);
	SIZE(uapi_vfio_iommu_type1_dirty_bitmap_get, vfio_iommu_type1_dirty_bitmap_get);
	FIELD(uapi_vfio_iommu_type1_dirty_bitmap_get, vfio_iommu_type1_dirty_bitmap_get, iova, iova);
	FIELD(uapi_vfio_iommu_type1_dirty_bitmap_get, vfio_iommu_type1_dirty_bitmap_get, size, size);
	FIELD(uapi_vfio_iommu_type1_dirty_bitmap_get, vfio_iommu_type1_dirty_bitmap_get, bitmap, bitmap);
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

	begin("iommu_hwpt_alloc");
	SIZE(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc);
	FIELD(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc, size, size);
	FIELD(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc, flags, flags);
	FIELD(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc, dev_id, dev_id);
	FIELD(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc, pt_id, pt_id);
	FIELD(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc, out_hwpt_id, out_hwpt_id);
	FIELD(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc, reserved, __reserved);
	FIELD(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc, data_type, data_type);
	FIELD(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc, data_len, data_len);
	FIELD(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc, data_uptr, data_uptr);
	FIELD(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc, fault_id, fault_id);
	FIELD(uapi_iommu_hwpt_alloc, iommu_hwpt_alloc, reserved2, __reserved2);
	SAME("IOMMU_HWPT_ALLOC", UAPI_IOMMU_HWPT_ALLOC, IOMMU_HWPT_ALLOC);
	SAME("IOMMU_HWPT_ALLOC_NEST_PARENT", UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_ALLOC_NEST_PARENT);
	SAME("IOMMU_HWPT_ALLOC_DIRTY_TRACKING", UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	SAME("IOMMU_HWPT_ALLOC_PASID", UAPI_IOMMU_HWPT_ALLOC_PASID, IOMMU_HWPT_ALLOC_PASID);
	SAME("IOMMU_HWPT_FAULT_ID_VALID", UAPI_IOMMU_HWPT_FAULT_ID_VALID, IOMMU_HWPT_FAULT_ID_VALID);
	end();

	begin("iommu_hwpt_vtd_s1");
	SIZE(uapi_iommu_hwpt_vtd_s1, iommu_hwpt_vtd_s1);
	FIELD(uapi_iommu_hwpt_vtd_s1, iommu_hwpt_vtd_s1, flags, flags);
	FIELD(uapi_iommu_hwpt_vtd_s1, iommu_hwpt_vtd_s1, pgtbl_addr, pgtbl_addr);
	FIELD(uapi_iommu_hwpt_vtd_s1, iommu_hwpt_vtd_s1, addr_width, addr_width);
	FIELD(uapi_iommu_hwpt_vtd_s1, iommu_hwpt_vtd_s1, reserved, __reserved);
	end();

	begin("iommu_hwpt_arm_smmuv3");
	SIZE(uapi_iommu_hwpt_arm_smmuv3, iommu_hwpt_arm_smmuv3);
	FIELD(uapi_iommu_hwpt_arm_smmuv3, iommu_hwpt_arm_smmuv3, ste, ste);
	end();

	begin("iommu_hwpt_amd_guest");
	SIZE(uapi_iommu_hwpt_amd_guest, iommu_hwpt_amd_guest);
	FIELD(uapi_iommu_hwpt_amd_guest, iommu_hwpt_amd_guest, dte, dte);
	end();

	begin("iommu_hwpt_set_dirty_tracking");
	SIZE(uapi_iommu_hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking);
	FIELD(uapi_iommu_hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking, size, size);
	FIELD(uapi_iommu_hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking, flags, flags);
	FIELD(uapi_iommu_hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking, hwpt_id, hwpt_id);
	FIELD(uapi_iommu_hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking, reserved, __reserved);
	SAME("IOMMU_HWPT_SET_DIRTY_TRACKING", UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING, IOMMU_HWPT_SET_DIRTY_TRACKING);
	SAME("IOMMU_HWPT_DIRTY_TRACKING_ENABLE", UAPI_IOMMU_HWPT_DIRTY_TRACKING_ENABLE, IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
	end();

	begin("iommu_hwpt_get_dirty_bitmap");
	SIZE(uapi_iommu_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap);
	FIELD(uapi_iommu_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, size, size);
	FIELD(uapi_iommu_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, hwpt_id, hwpt_id);
	FIELD(uapi_iommu_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, flags, flags);
	FIELD(uapi_iommu_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, reserved, __reserved);
	FIELD(uapi_iommu_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, iova, iova);
	FIELD(uapi_iommu_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, length, length);
	FIELD(uapi_iommu_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, page_size, page_size);
	FIELD(uapi_iommu_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, data, data);
	SAME("IOMMU_HWPT_GET_DIRTY_BITMAP", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP, IOMMU_HWPT_GET_DIRTY_BITMAP);
	SAME("IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	end();

	begin("iommu_hwpt_invalidate");
	SIZE(uapi_iommu_hwpt_invalidate, iommu_hwpt_invalidate);
	FIELD(uapi_iommu_hwpt_invalidate, iommu_hwpt_invalidate, size, size);
	FIELD(uapi_iommu_hwpt_invalidate, iommu_hwpt_invalidate, hwpt_id, hwpt_id);
	FIELD(uapi_iommu_hwpt_invalidate, iommu_hwpt_invalidate, data_uptr, data_uptr);
	FIELD(uapi_iommu_hwpt_invalidate, iommu_hwpt_invalidate, data_type, data_type);
	FIELD(uapi_iommu_hwpt_invalidate, iommu_hwpt_invalidate, entry_len, entry_len);
	FIELD(uapi_iommu_hwpt_invalidate, iommu_hwpt_invalidate, entry_num, entry_num);
	FIELD(uapi_iommu_hwpt_invalidate, iommu_hwpt_invalidate, reserved, __reserved);
	SAME("IOMMU_HWPT_INVALIDATE", UAPI_IOMMU_HWPT_INVALIDATE, IOMMU_HWPT_INVALIDATE);
	end();

	begin("iommu_fault_alloc");
	SIZE(uapi_iommu_fault_alloc, iommu_fault_alloc);
	FIELD(uapi_iommu_fault_alloc, iommu_fault_alloc, size, size);
	FIELD(uapi_iommu_fault_alloc, iommu_fault_alloc, flags, flags);
	FIELD(uapi_iommu_fault_alloc, iommu_fault_alloc, out_fault_id, out_fault_id);
	FIELD(uapi_iommu_fault_alloc, iommu_fault_alloc, out_fault_fd, out_fault_fd);
	SAME("IOMMU_FAULT_QUEUE_ALLOC", UAPI_IOMMU_FAULT_QUEUE_ALLOC, IOMMU_FAULT_QUEUE_ALLOC);
	end();

	begin("iommu_hwpt_pgfault");
	SIZE(uapi_iommu_hwpt_pgfault, iommu_hwpt_pgfault);
	FIELD(uapi_iommu_hwpt_pgfault, iommu_hwpt_pgfault, flags, flags);
	FIELD(uapi_iommu_hwpt_pgfault, iommu_hwpt_pgfault, dev_id, dev_id);
	FIELD(uapi_iommu_hwpt_pgfault, iommu_hwpt_pgfault, pasid, pasid);
	FIELD(uapi_iommu_hwpt_pgfault, iommu_hwpt_pgfault, grpid, grpid);
	FIELD(uapi_iommu_hwpt_pgfault, iommu_hwpt_pgfault, perm, perm);
	FIELD(uapi_iommu_hwpt_pgfault, iommu_hwpt_pgfault, reserved, __reserved);
	FIELD(uapi_iommu_hwpt_pgfault, iommu_hwpt_pgfault, addr, addr);
	FIELD(uapi_iommu_hwpt_pgfault, iommu_hwpt_pgfault, length, length);
	FIELD(uapi_iommu_hwpt_pgfault, iommu_hwpt_pgfault, cookie, cookie);
	end();

	begin("iommu_hwpt_page_response");
	SIZE(uapi_iommu_hwpt_page_response, iommu_hwpt_page_response);
	FIELD(uapi_iommu_hwpt_page_response, iommu_hwpt_page_response, cookie, cookie);
	FIELD(uapi_iommu_hwpt_page_response, iommu_hwpt_page_response, code, code);
	end();

	begin("iommu_viommu_alloc");
	SIZE(uapi_iommu_viommu_alloc, iommu_viommu_alloc);
	FIELD(uapi_iommu_viommu_alloc, iommu_viommu_alloc, size, size);
	FIELD(uapi_iommu_viommu_alloc, iommu_viommu_alloc, flags, flags);
	FIELD(uapi_iommu_viommu_alloc, iommu_viommu_alloc, type, type);
	FIELD(uapi_iommu_viommu_alloc, iommu_viommu_alloc, dev_id, dev_id);
	FIELD(uapi_iommu_viommu_alloc, iommu_viommu_alloc, hwpt_id, hwpt_id);
	FIELD(uapi_iommu_viommu_alloc, iommu_viommu_alloc, out_viommu_id, out_viommu_id);
	FIELD(uapi_iommu_viommu_alloc, iommu_viommu_alloc, data_len, data_len);
	FIELD(uapi_iommu_viommu_alloc, iommu_viommu_alloc, reserved, __reserved);
	FIELD(uapi_iommu_viommu_alloc, iommu_viommu_alloc, data_uptr, data_uptr);
	SAME("IOMMU_VIOMMU_ALLOC", UAPI_IOMMU_VIOMMU_ALLOC, IOMMU_VIOMMU_ALLOC);
	end();

	begin("iommu_vdevice_alloc");
	SIZE(uapi_iommu_vdevice_alloc, iommu_vdevice_alloc);
	FIELD(uapi_iommu_vdevice_alloc, iommu_vdevice_alloc, size, size);
	FIELD(uapi_iommu_vdevice_alloc, iommu_vdevice_alloc, viommu_id, viommu_id);
	FIELD(uapi_iommu_vdevice_alloc, iommu_vdevice_alloc, dev_id, dev_id);
	FIELD(uapi_iommu_vdevice_alloc, iommu_vdevice_alloc, out_vdevice_id, out_vdevice_id);
	FIELD(uapi_iommu_vdevice_alloc, iommu_vdevice_alloc, virt_id, virt_id);
	SAME("IOMMU_VDEVICE_ALLOC", UAPI_IOMMU_VDEVICE_ALLOC, IOMMU_VDEVICE_ALLOC);
	end();

	begin("iommu_veventq_alloc");
	SIZE(uapi_iommu_veventq_alloc, iommu_veventq_alloc);
	FIELD(uapi_iommu_veventq_alloc, iommu_veventq_alloc, size, size);
	FIELD(uapi_iommu_veventq_alloc, iommu_veventq_alloc, flags, flags);
	FIELD(uapi_iommu_veventq_alloc, iommu_veventq_alloc, viommu_id, viommu_id);
	FIELD(uapi_iommu_veventq_alloc, iommu_veventq_alloc, type, type);
	FIELD(uapi_iommu_veventq_alloc, iommu_veventq_alloc, veventq_depth, veventq_depth);
	FIELD(uapi_iommu_veventq_alloc, iommu_veventq_alloc, out_veventq_id, out_veventq_id);
	FIELD(uapi_iommu_veventq_alloc, iommu_veventq_alloc, out_veventq_fd, out_veventq_fd);
	FIELD(uapi_iommu_veventq_alloc, iommu_veventq_alloc, reserved, __reserved);
	SAME("IOMMU_VEVENTQ_ALLOC", UAPI_IOMMU_VEVENTQ_ALLOC, IOMMU_VEVENTQ_ALLOC);
	end();

	begin("iommufd_vevent_header");
	SIZE(uapi_iommufd_vevent_header, iommufd_vevent_header);
	FIELD(uapi_iommufd_vevent_header, iommufd_vevent_header, flags, flags);
	FIELD(uapi_iommufd_vevent_header, iommufd_vevent_header, sequence, sequence);
	SAME("IOMMU_VEVENTQ_FLAG_LOST_EVENTS", UAPI_IOMMU_VEVENTQ_FLAG_LOST_EVENTS, IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
	end();

	begin("iommu_hw_queue_alloc");
	SIZE(uapi_iommu_hw_queue_alloc, iommu_hw_queue_alloc);
	FIELD(uapi_iommu_hw_queue_alloc, iommu_hw_queue_alloc, size, size);
	FIELD(uapi_iommu_hw_queue_alloc, iommu_hw_queue_alloc, flags, flags);
	FIELD(uapi_iommu_hw_queue_alloc, iommu_hw_queue_alloc, viommu_id, viommu_id);
	FIELD(uapi_iommu_hw_queue_alloc, iommu_hw_queue_alloc, type, type);
	FIELD(uapi_iommu_hw_queue_alloc, iommu_hw_queue_alloc, index, index);
	FIELD(uapi_iommu_hw_queue_alloc, iommu_hw_queue_alloc, out_hw_queue_id, out_hw_queue_id);
	FIELD(uapi_iommu_hw_queue_alloc, iommu_hw_queue_alloc, nesting_parent_iova, nesting_parent_iova);
	FIELD(uapi_iommu_hw_queue_alloc, iommu_hw_queue_alloc, length, length);
	SAME("IOMMU_HW_QUEUE_ALLOC", UAPI_IOMMU_HW_QUEUE_ALLOC, IOMMU_HW_QUEUE_ALLOC);
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
