/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Our own definitions of the kernel ABI of /dev/iommu and of the VFIO device
 * cdev, written from the documented uAPI (Linux 7.3). Private to the library.
 * Names carry a uapi_ prefix so that this header can sit next to the kernel's
 * <linux/iommufd.h> and <linux/vfio.h>; tests/abi checks every size and
 * offset here against the test kernel's `make headers` output.
 */
#ifndef IOMMUFD_LIB_UAPI_H
#define IOMMUFD_LIB_UAPI_H

#include <stdint.h>
#include <sys/ioctl.h>

#define UAPI_ALIGNED_U64 uint64_t __attribute__((aligned(8)))

/* ---- /dev/iommu ---- */
#define UAPI_IOMMUFD_TYPE ';'
#define UAPI_IOMMUFD_IO(nr) _IO(UAPI_IOMMUFD_TYPE, (nr))

enum {
	UAPI_IOMMU_DESTROY_NR = 0x80,
	UAPI_IOMMU_IOAS_ALLOC_NR = 0x81,
	UAPI_IOMMU_IOAS_ALLOW_IOVAS_NR = 0x82,
	UAPI_IOMMU_IOAS_COPY_NR = 0x83,
	UAPI_IOMMU_IOAS_IOVA_RANGES_NR = 0x84,
	UAPI_IOMMU_IOAS_MAP_NR = 0x85,
	UAPI_IOMMU_IOAS_UNMAP_NR = 0x86,
	UAPI_IOMMU_OPTION_NR = 0x87,
	UAPI_IOMMU_VFIO_IOAS_NR = 0x88,
	UAPI_IOMMU_HWPT_ALLOC_NR = 0x89,
	UAPI_IOMMU_GET_HW_INFO_NR = 0x8a,
	UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING_NR = 0x8b,
	UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NR = 0x8c,
	UAPI_IOMMU_HWPT_INVALIDATE_NR = 0x8d,
	UAPI_IOMMU_FAULT_QUEUE_ALLOC_NR = 0x8e,
	UAPI_IOMMU_IOAS_MAP_FILE_NR = 0x8f,
	UAPI_IOMMU_VIOMMU_ALLOC_NR = 0x90,
	UAPI_IOMMU_VDEVICE_ALLOC_NR = 0x91,
	UAPI_IOMMU_IOAS_CHANGE_PROCESS_NR = 0x92,
	UAPI_IOMMU_VEVENTQ_ALLOC_NR = 0x93,
	UAPI_IOMMU_HW_QUEUE_ALLOC_NR = 0x94,
	UAPI_IOMMU_IOAS_NOIOMMU_GET_PA_NR = 0x95,
	UAPI_IOMMU_TEST_CMD_NR = 0xa0,
};

#define UAPI_IOMMU_DESTROY UAPI_IOMMUFD_IO(UAPI_IOMMU_DESTROY_NR)
#define UAPI_IOMMU_IOAS_ALLOC UAPI_IOMMUFD_IO(UAPI_IOMMU_IOAS_ALLOC_NR)
#define UAPI_IOMMU_IOAS_ALLOW_IOVAS UAPI_IOMMUFD_IO(UAPI_IOMMU_IOAS_ALLOW_IOVAS_NR)
#define UAPI_IOMMU_IOAS_COPY UAPI_IOMMUFD_IO(UAPI_IOMMU_IOAS_COPY_NR)
#define UAPI_IOMMU_IOAS_IOVA_RANGES UAPI_IOMMUFD_IO(UAPI_IOMMU_IOAS_IOVA_RANGES_NR)
#define UAPI_IOMMU_IOAS_MAP UAPI_IOMMUFD_IO(UAPI_IOMMU_IOAS_MAP_NR)
#define UAPI_IOMMU_IOAS_UNMAP UAPI_IOMMUFD_IO(UAPI_IOMMU_IOAS_UNMAP_NR)
#define UAPI_IOMMU_OPTION UAPI_IOMMUFD_IO(UAPI_IOMMU_OPTION_NR)
#define UAPI_IOMMU_VFIO_IOAS UAPI_IOMMUFD_IO(UAPI_IOMMU_VFIO_IOAS_NR)
#define UAPI_IOMMU_GET_HW_INFO UAPI_IOMMUFD_IO(UAPI_IOMMU_GET_HW_INFO_NR)
#define UAPI_IOMMU_IOAS_MAP_FILE UAPI_IOMMUFD_IO(UAPI_IOMMU_IOAS_MAP_FILE_NR)
#define UAPI_IOMMU_IOAS_CHANGE_PROCESS UAPI_IOMMUFD_IO(UAPI_IOMMU_IOAS_CHANGE_PROCESS_NR)
#define UAPI_IOMMU_HWPT_ALLOC UAPI_IOMMUFD_IO(UAPI_IOMMU_HWPT_ALLOC_NR)
#define UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING UAPI_IOMMUFD_IO(UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING_NR)
#define UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP UAPI_IOMMUFD_IO(UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NR)
#define UAPI_IOMMU_HWPT_INVALIDATE UAPI_IOMMUFD_IO(UAPI_IOMMU_HWPT_INVALIDATE_NR)
#define UAPI_IOMMU_FAULT_QUEUE_ALLOC UAPI_IOMMUFD_IO(UAPI_IOMMU_FAULT_QUEUE_ALLOC_NR)
#define UAPI_IOMMU_VIOMMU_ALLOC UAPI_IOMMUFD_IO(UAPI_IOMMU_VIOMMU_ALLOC_NR)
#define UAPI_IOMMU_VDEVICE_ALLOC UAPI_IOMMUFD_IO(UAPI_IOMMU_VDEVICE_ALLOC_NR)
#define UAPI_IOMMU_VEVENTQ_ALLOC UAPI_IOMMUFD_IO(UAPI_IOMMU_VEVENTQ_ALLOC_NR)
#define UAPI_IOMMU_HW_QUEUE_ALLOC UAPI_IOMMUFD_IO(UAPI_IOMMU_HW_QUEUE_ALLOC_NR)
#define UAPI_IOMMU_IOAS_NOIOMMU_GET_PA UAPI_IOMMUFD_IO(UAPI_IOMMU_IOAS_NOIOMMU_GET_PA_NR)

struct uapi_iommu_destroy {
	uint32_t size;
	uint32_t id;
};

struct uapi_iommu_ioas_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_ioas_id;
};

struct uapi_iommu_iova_range {
	UAPI_ALIGNED_U64 start;
	UAPI_ALIGNED_U64 last;
};

struct uapi_iommu_ioas_iova_ranges {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	UAPI_ALIGNED_U64 allowed_iovas;
	UAPI_ALIGNED_U64 out_iova_alignment;
};

struct uapi_iommu_ioas_allow_iovas {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	UAPI_ALIGNED_U64 allowed_iovas;
};

#define UAPI_IOMMU_IOAS_MAP_FIXED_IOVA (1u << 0)
#define UAPI_IOMMU_IOAS_MAP_WRITEABLE (1u << 1)
#define UAPI_IOMMU_IOAS_MAP_READABLE (1u << 2)

struct uapi_iommu_ioas_map {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t reserved;
	UAPI_ALIGNED_U64 user_va;
	UAPI_ALIGNED_U64 length;
	UAPI_ALIGNED_U64 iova;
};

struct uapi_iommu_ioas_map_file {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	int32_t fd;
	UAPI_ALIGNED_U64 start;
	UAPI_ALIGNED_U64 length;
	UAPI_ALIGNED_U64 iova;
};

/* IOMMU_IOAS_NOIOMMU_GET_PA (7.3, CONFIG_IOMMUFD_NOIOMMU): the physical
 * address behind a mapped IOVA of an IOAS that a noiommu device is attached
 * to; length in: the most to report, out: the physically contiguous bytes. */
struct uapi_iommu_ioas_noiommu_get_pa {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t reserved;
	UAPI_ALIGNED_U64 iova;
	UAPI_ALIGNED_U64 length;
	UAPI_ALIGNED_U64 out_phys;
};

struct uapi_iommu_ioas_copy {
	uint32_t size;
	uint32_t flags;
	uint32_t dst_ioas_id;
	uint32_t src_ioas_id;
	UAPI_ALIGNED_U64 length;
	UAPI_ALIGNED_U64 dst_iova;
	UAPI_ALIGNED_U64 src_iova;
};

struct uapi_iommu_ioas_unmap {
	uint32_t size;
	uint32_t ioas_id;
	UAPI_ALIGNED_U64 iova;
	UAPI_ALIGNED_U64 length;
};

#define UAPI_IOMMU_OPTION_RLIMIT_MODE 0
#define UAPI_IOMMU_OPTION_HUGE_PAGES 1
#define UAPI_IOMMU_OPTION_OP_SET 0
#define UAPI_IOMMU_OPTION_OP_GET 1

struct uapi_iommu_option {
	uint32_t size;
	uint32_t option_id;
	uint16_t op;
	uint16_t reserved;
	uint32_t object_id;
	UAPI_ALIGNED_U64 val64;
};

struct uapi_iommu_hw_info {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t data_len;
	UAPI_ALIGNED_U64 data_uptr;
	uint32_t data_type; /* in_data_type / out_data_type */
	uint8_t out_max_pasid_log2;
	uint8_t reserved[3];
	UAPI_ALIGNED_U64 out_capabilities;
};

struct uapi_iommu_hw_info_vtd {
	uint32_t flags;
	uint32_t reserved;
	UAPI_ALIGNED_U64 cap_reg;
	UAPI_ALIGNED_U64 ecap_reg;
};

struct uapi_iommu_hw_info_arm_smmuv3 {
	uint32_t flags;
	uint32_t reserved;
	uint32_t idr[6];
	uint32_t iidr;
	uint32_t aidr;
};

struct uapi_iommu_hw_info_amd {
	UAPI_ALIGNED_U64 efr;
	UAPI_ALIGNED_U64 efr2;
};

struct uapi_iommu_ioas_change_process {
	uint32_t size;
	uint32_t reserved;
};

/* HWPT allocation (IOMMU_HWPT_ALLOC) */
enum {
	UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0,
	UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
	UAPI_IOMMU_HWPT_FAULT_ID_VALID = 1 << 2,
	UAPI_IOMMU_HWPT_ALLOC_PASID = 1 << 3,
};

struct uapi_iommu_hwpt_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pt_id;
	uint32_t out_hwpt_id;
	uint32_t reserved;
	uint32_t data_type;
	uint32_t data_len;
	UAPI_ALIGNED_U64 data_uptr;
	uint32_t fault_id;
	uint32_t reserved2;
};

struct uapi_iommu_hwpt_vtd_s1 {
	UAPI_ALIGNED_U64 flags;
	UAPI_ALIGNED_U64 pgtbl_addr;
	uint32_t addr_width;
	uint32_t reserved;
};

struct uapi_iommu_hwpt_arm_smmuv3 {
	UAPI_ALIGNED_U64 ste[2];
};

struct uapi_iommu_hwpt_amd_guest {
	UAPI_ALIGNED_U64 dte[4];
};

/* Dirty tracking */
#define UAPI_IOMMU_HWPT_DIRTY_TRACKING_ENABLE 1u
#define UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR 1u

struct uapi_iommu_hwpt_set_dirty_tracking {
	uint32_t size;
	uint32_t flags;
	uint32_t hwpt_id;
	uint32_t reserved;
};

struct uapi_iommu_hwpt_get_dirty_bitmap {
	uint32_t size;
	uint32_t hwpt_id;
	uint32_t flags;
	uint32_t reserved;
	UAPI_ALIGNED_U64 iova;
	UAPI_ALIGNED_U64 length;
	UAPI_ALIGNED_U64 page_size;
	UAPI_ALIGNED_U64 data;
};

/* Invalidation of a nested HWPT or a vIOMMU */
struct uapi_iommu_hwpt_invalidate {
	uint32_t size;
	uint32_t hwpt_id;
	UAPI_ALIGNED_U64 data_uptr;
	uint32_t data_type;
	uint32_t entry_len;
	uint32_t entry_num;
	uint32_t reserved;
};

/* I/O page fault queues */
struct uapi_iommu_fault_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_fault_id;
	uint32_t out_fault_fd;
};

struct uapi_iommu_hwpt_pgfault {
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pasid;
	uint32_t grpid;
	uint32_t perm;
	uint32_t reserved;
	UAPI_ALIGNED_U64 addr;
	uint32_t length;
	uint32_t cookie;
};

struct uapi_iommu_hwpt_page_response {
	uint32_t cookie;
	uint32_t code;
};

/* vIOMMU, vDEVICE, vEVENTQ, HW queue */
struct uapi_iommu_viommu_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t type;
	uint32_t dev_id;
	uint32_t hwpt_id;
	uint32_t out_viommu_id;
	uint32_t data_len;
	uint32_t reserved;
	UAPI_ALIGNED_U64 data_uptr;
};

struct uapi_iommu_vdevice_alloc {
	uint32_t size;
	uint32_t viommu_id;
	uint32_t dev_id;
	uint32_t out_vdevice_id;
	UAPI_ALIGNED_U64 virt_id;
};

struct uapi_iommu_veventq_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t veventq_depth;
	uint32_t out_veventq_id;
	uint32_t out_veventq_fd;
	uint32_t reserved;
};

#define UAPI_IOMMU_VEVENTQ_FLAG_LOST_EVENTS 1u

struct uapi_iommufd_vevent_header {
	uint32_t flags;
	uint32_t sequence;
};

struct uapi_iommu_hw_queue_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t index;
	uint32_t out_hw_queue_id;
	UAPI_ALIGNED_U64 nesting_parent_iova;
	UAPI_ALIGNED_U64 length;
};

/* ---- VFIO device cdev ---- */
#define UAPI_VFIO_TYPE ';'
#define UAPI_VFIO_BASE 100
#define UAPI_VFIO_DEVICE_GET_INFO _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 7)
#define UAPI_VFIO_DEVICE_GET_REGION_INFO _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 8)
#define UAPI_VFIO_DEVICE_GET_IRQ_INFO _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 9)
#define UAPI_VFIO_DEVICE_SET_IRQS _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 10)
#define UAPI_VFIO_DEVICE_RESET _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 11)
#define UAPI_VFIO_DEVICE_GET_PCI_HOT_RESET_INFO _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 12)
#define UAPI_VFIO_DEVICE_PCI_HOT_RESET _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 13)
#define UAPI_VFIO_DEVICE_BIND_IOMMUFD _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 18)
#define UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 19)
#define UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 20)

#define UAPI_VFIO_DEVICE_FLAGS_CAPS (1u << 7)

struct uapi_vfio_device_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t num_regions;
	uint32_t num_irqs;
	uint32_t cap_offset;
	uint32_t pad;
};


#define UAPI_VFIO_REGION_INFO_FLAG_READ (1u << 0)
#define UAPI_VFIO_REGION_INFO_FLAG_WRITE (1u << 1)
#define UAPI_VFIO_REGION_INFO_FLAG_MMAP (1u << 2)
#define UAPI_VFIO_REGION_INFO_FLAG_CAPS (1u << 3)

struct uapi_vfio_region_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t index;
	uint32_t cap_offset;
	UAPI_ALIGNED_U64 size;
	UAPI_ALIGNED_U64 offset;
};

/* The capability chain after a region's info: each entry starts with this
 * header; next is the offset of the following entry from the start of the
 * info struct, 0 at the end. */
struct uapi_vfio_info_cap_header {
	uint16_t id;
	uint16_t version;
	uint32_t next;
};

#define UAPI_VFIO_REGION_INFO_CAP_SPARSE_MMAP 1
#define UAPI_VFIO_REGION_INFO_CAP_TYPE 2
#define UAPI_VFIO_REGION_INFO_CAP_MSIX_MAPPABLE 3

struct uapi_vfio_region_sparse_mmap_area {
	UAPI_ALIGNED_U64 offset;
	UAPI_ALIGNED_U64 size;
};

struct uapi_vfio_region_info_cap_sparse_mmap {
	struct uapi_vfio_info_cap_header header;
	uint32_t nr_areas;
	uint32_t reserved;
	struct uapi_vfio_region_sparse_mmap_area areas[];
};

struct uapi_vfio_region_info_cap_type {
	struct uapi_vfio_info_cap_header header;
	uint32_t type;
	uint32_t subtype;
};

/* A device info capability (VFIO_DEVICE_GET_INFO's chain) */
#define UAPI_VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP 5

struct uapi_vfio_device_info_cap_pci_atomic_comp {
	struct uapi_vfio_info_cap_header header;
	uint32_t flags;
	uint32_t reserved;
};

#define UAPI_VFIO_IRQ_INFO_EVENTFD (1u << 0)
#define UAPI_VFIO_IRQ_INFO_MASKABLE (1u << 1)
#define UAPI_VFIO_IRQ_INFO_AUTOMASKED (1u << 2)
#define UAPI_VFIO_IRQ_INFO_NORESIZE (1u << 3)

struct uapi_vfio_irq_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t index;
	uint32_t count;
};

#define UAPI_VFIO_IRQ_SET_DATA_NONE (1u << 0)
#define UAPI_VFIO_IRQ_SET_DATA_BOOL (1u << 1)
#define UAPI_VFIO_IRQ_SET_DATA_EVENTFD (1u << 2)
#define UAPI_VFIO_IRQ_SET_ACTION_MASK (1u << 3)
#define UAPI_VFIO_IRQ_SET_ACTION_UNMASK (1u << 4)
#define UAPI_VFIO_IRQ_SET_ACTION_TRIGGER (1u << 5)

struct uapi_vfio_irq_set {
	uint32_t argsz;
	uint32_t flags;
	uint32_t index;
	uint32_t start;
	uint32_t count;
	uint8_t data[];
};

/* PCI hot reset: the affected devices (dev-ID form for cdev users) */
#define UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID (1u << 0)
#define UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED (1u << 1)
#define UAPI_VFIO_PCI_DEVID_OWNED 0u
#define UAPI_VFIO_PCI_DEVID_NOT_OWNED 0xffffffffu

struct uapi_vfio_pci_dependent_device {
	uint32_t devid; /* group_id in the legacy group form */
	uint16_t segment;
	uint8_t bus;
	uint8_t devfn;
};

struct uapi_vfio_pci_hot_reset_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t count;
	struct uapi_vfio_pci_dependent_device devices[];
};

struct uapi_vfio_pci_hot_reset {
	uint32_t argsz;
	uint32_t flags;
	uint32_t count;
	int32_t group_fds[];
};

#define UAPI_VFIO_DEVICE_BIND_FLAG_TOKEN (1u << 0)

struct uapi_vfio_device_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;
	int32_t iommufd;
	uint32_t out_devid;
	UAPI_ALIGNED_U64 token_uuid_ptr;
};

#define UAPI_VFIO_DEVICE_ATTACH_PASID (1u << 0)

struct uapi_vfio_device_attach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pt_id;
	uint32_t pasid;
};

#define UAPI_VFIO_DEVICE_DETACH_PASID (1u << 0)

struct uapi_vfio_device_detach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pasid;
};

/* IOMMU_VFIO_IOAS: the IOAS the VFIO container API uses on an iommufd */
#define UAPI_IOMMU_VFIO_IOAS_GET 0
#define UAPI_IOMMU_VFIO_IOAS_SET 1
#define UAPI_IOMMU_VFIO_IOAS_CLEAR 2

struct uapi_iommu_vfio_ioas {
	uint32_t size;
	uint32_t ioas_id;
	uint16_t op;
	uint16_t reserved;
};

/* ---- VFIO containers and groups (/dev/vfio/vfio, /dev/vfio/N): the
 * legacy type1 backend (core/backend-type1.c, core/device-group.c) ---- */
#define UAPI_VFIO_API_VERSION 0
#define UAPI_VFIO_TYPE1v2_IOMMU 3
#define UAPI_VFIO_NOIOMMU_IOMMU 8
#define UAPI_VFIO_UNMAP_ALL 9
#define UAPI_VFIO_GET_API_VERSION _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 0)
#define UAPI_VFIO_CHECK_EXTENSION _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 1)
#define UAPI_VFIO_SET_IOMMU _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 2)
#define UAPI_VFIO_GROUP_GET_STATUS _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 3)
#define UAPI_VFIO_GROUP_SET_CONTAINER _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 4)
#define UAPI_VFIO_GROUP_UNSET_CONTAINER _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 5)
#define UAPI_VFIO_GROUP_GET_DEVICE_FD _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 6)
#define UAPI_VFIO_IOMMU_GET_INFO _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 12)
#define UAPI_VFIO_IOMMU_MAP_DMA _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 13)
#define UAPI_VFIO_IOMMU_UNMAP_DMA _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 14)
#define UAPI_VFIO_IOMMU_DIRTY_PAGES _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 17)

#define UAPI_VFIO_GROUP_FLAGS_VIABLE (1u << 0)
#define UAPI_VFIO_GROUP_FLAGS_CONTAINER_SET (1u << 1)

struct uapi_vfio_group_status {
	uint32_t argsz;
	uint32_t flags;
};

#define UAPI_VFIO_IOMMU_INFO_PGSIZES (1u << 0)
#define UAPI_VFIO_IOMMU_INFO_CAPS (1u << 1)

/* 24 bytes: the kernel's minimum is up to cap_offset (20), padded. */
struct uapi_vfio_iommu_type1_info {
	uint32_t argsz;
	uint32_t flags;
	UAPI_ALIGNED_U64 iova_pgsizes;
	uint32_t cap_offset;
	uint32_t pad;
};

#define UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE 1
#define UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION 2
#define UAPI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL 3

/* end is inclusive, like the library's last */
struct uapi_vfio_iova_range {
	UAPI_ALIGNED_U64 start;
	UAPI_ALIGNED_U64 end;
};

struct uapi_vfio_iommu_type1_info_cap_iova_range {
	struct uapi_vfio_info_cap_header header;
	uint32_t nr_iovas;
	uint32_t reserved;
	struct uapi_vfio_iova_range iova_ranges[];
};

struct uapi_vfio_iommu_type1_info_cap_migration {
	struct uapi_vfio_info_cap_header header;
	uint32_t flags;
	UAPI_ALIGNED_U64 pgsize_bitmap;
	UAPI_ALIGNED_U64 max_dirty_bitmap_size;
};

struct uapi_vfio_iommu_type1_info_dma_avail {
	struct uapi_vfio_info_cap_header header;
	uint32_t avail;
};

#define UAPI_VFIO_DMA_MAP_FLAG_READ (1u << 0)
#define UAPI_VFIO_DMA_MAP_FLAG_WRITE (1u << 1)

struct uapi_vfio_iommu_type1_dma_map {
	uint32_t argsz;
	uint32_t flags;
	UAPI_ALIGNED_U64 vaddr;
	UAPI_ALIGNED_U64 iova;
	UAPI_ALIGNED_U64 size;
};

#define UAPI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP (1u << 0)
#define UAPI_VFIO_DMA_UNMAP_FLAG_ALL (1u << 1)

struct uapi_vfio_iommu_type1_dma_unmap {
	uint32_t argsz;
	uint32_t flags;
	UAPI_ALIGNED_U64 iova;
	UAPI_ALIGNED_U64 size;
};

/* One bit per pgsize page; size is the bitmap's in bytes. */
struct uapi_vfio_bitmap {
	UAPI_ALIGNED_U64 pgsize;
	UAPI_ALIGNED_U64 size;
	UAPI_ALIGNED_U64 data; /* __u64 __user * */
};

/* VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP: the unmap followed by its bitmap. */
struct uapi_vfio_dma_unmap_dirty {
	struct uapi_vfio_iommu_type1_dma_unmap unmap;
	struct uapi_vfio_bitmap bitmap;
};

#define UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_START (1u << 0)
#define UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP (1u << 1)
#define UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP (1u << 2)

struct uapi_vfio_iommu_type1_dirty_bitmap {
	uint32_t argsz;
	uint32_t flags;
};

struct uapi_vfio_iommu_type1_dirty_bitmap_get {
	UAPI_ALIGNED_U64 iova;
	UAPI_ALIGNED_U64 size;
	struct uapi_vfio_bitmap bitmap;
};

/* VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP: the header followed by the range. */
struct uapi_vfio_dirty_get {
	struct uapi_vfio_iommu_type1_dirty_bitmap hdr;
	struct uapi_vfio_iommu_type1_dirty_bitmap_get range;
};

/* ---- VFIO device features (VFIO_DEVICE_FEATURE) ---- */
#define UAPI_VFIO_DEVICE_FEATURE _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 17)
#define UAPI_VFIO_MIG_GET_PRECOPY_INFO _IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + 21)

#define UAPI_VFIO_DEVICE_FEATURE_MASK 0xffffu
#define UAPI_VFIO_DEVICE_FEATURE_GET (1u << 16)
#define UAPI_VFIO_DEVICE_FEATURE_SET (1u << 17)
#define UAPI_VFIO_DEVICE_FEATURE_PROBE (1u << 18)

struct uapi_vfio_device_feature {
	uint32_t argsz;
	uint32_t flags;
	uint8_t data[];
};

#define UAPI_VFIO_DEVICE_FEATURE_PCI_VF_TOKEN 0
#define UAPI_VFIO_DEVICE_FEATURE_MIGRATION 1
#define UAPI_VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE 2
#define UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY 3
#define UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP 4
#define UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_EXIT 5
#define UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_START 6
#define UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP 7
#define UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT 8
#define UAPI_VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9
#define UAPI_VFIO_DEVICE_FEATURE_BUS_MASTER 10
#define UAPI_VFIO_DEVICE_FEATURE_DMA_BUF 11
#define UAPI_VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2 12
#define UAPI_VFIO_DEVICE_FEATURE_ZPCI_ERROR 13

#define UAPI_VFIO_MIGRATION_STOP_COPY (1u << 0)
#define UAPI_VFIO_MIGRATION_P2P (1u << 1)
#define UAPI_VFIO_MIGRATION_PRE_COPY (1u << 2)

struct uapi_vfio_device_feature_migration {
	UAPI_ALIGNED_U64 flags;
};

struct uapi_vfio_device_feature_mig_state {
	uint32_t device_state;
	int32_t data_fd;
};

struct uapi_vfio_device_feature_mig_data_size {
	UAPI_ALIGNED_U64 stop_copy_length;
};

#define UAPI_VFIO_PRECOPY_INFO_REINIT (1u << 0)

struct uapi_vfio_precopy_info {
	uint32_t argsz;
	uint32_t flags;
	UAPI_ALIGNED_U64 initial_bytes;
	UAPI_ALIGNED_U64 dirty_bytes;
};

struct uapi_vfio_device_low_power_entry_with_wakeup {
	int32_t wakeup_eventfd;
	uint32_t reserved;
};

struct uapi_vfio_device_feature_dma_logging_control {
	UAPI_ALIGNED_U64 page_size;
	uint32_t num_ranges;
	uint32_t reserved;
	UAPI_ALIGNED_U64 ranges;
};

struct uapi_vfio_device_feature_dma_logging_range {
	UAPI_ALIGNED_U64 iova;
	UAPI_ALIGNED_U64 length;
};

struct uapi_vfio_device_feature_dma_logging_report {
	UAPI_ALIGNED_U64 iova;
	UAPI_ALIGNED_U64 length;
	UAPI_ALIGNED_U64 page_size;
	UAPI_ALIGNED_U64 bitmap;
};

struct uapi_vfio_region_dma_range {
	uint64_t offset;
	uint64_t length;
};

struct uapi_vfio_device_feature_dma_buf {
	uint32_t region_index;
	uint32_t open_flags;
	uint32_t flags;
	uint32_t nr_ranges;
	struct uapi_vfio_region_dma_range dma_ranges[];
};

/* ---- vhost-vdpa (/dev/vhost-vdpa-N) ---- */
#define UAPI_VHOST_VIRTIO 0xAF
#define UAPI_VHOST_SET_OWNER _IO(UAPI_VHOST_VIRTIO, 0x01)
#define UAPI_VHOST_GET_BACKEND_FEATURES _IOR(UAPI_VHOST_VIRTIO, 0x26, uint64_t)
#define UAPI_VHOST_VDPA_GET_DEVICE_ID _IOR(UAPI_VHOST_VIRTIO, 0x70, uint32_t)
#define UAPI_VHOST_VDPA_GET_AS_NUM _IOR(UAPI_VHOST_VIRTIO, 0x7A, unsigned int)
#define UAPI_VHOST_VDPA_GET_GROUP_NUM _IOR(UAPI_VHOST_VIRTIO, 0x81, uint32_t)

/* libiommufd's kernel series (kernel-patches/): vhost-vdpa on iommufd */
#define UAPI_VHOST_BACKEND_F_IOMMUFD 0x9

struct uapi_vhost_vdpa_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;
	int32_t iommufd;
	uint32_t out_devid;
};

struct uapi_vhost_vdpa_attach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t asid;
	uint32_t pt_id;
};

struct uapi_vhost_vdpa_detach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t asid;
};

#define UAPI_VHOST_VDPA_BIND_IOMMUFD \
	_IOWR(UAPI_VHOST_VIRTIO, 0x86, struct uapi_vhost_vdpa_bind_iommufd)
#define UAPI_VHOST_VDPA_ATTACH_IOMMUFD_PT \
	_IOWR(UAPI_VHOST_VIRTIO, 0x87, struct uapi_vhost_vdpa_attach_iommufd_pt)
#define UAPI_VHOST_VDPA_DETACH_IOMMUFD_PT \
	_IOW(UAPI_VHOST_VIRTIO, 0x88, struct uapi_vhost_vdpa_detach_iommufd_pt)

/* The vdpa generic netlink family (iproute2's `vdpa`), for discovery */
#define UAPI_VDPA_GENL_NAME "vdpa"
#define UAPI_VDPA_CMD_DEV_GET 5
#define UAPI_VDPA_ATTR_MGMTDEV_BUS_NAME 1
#define UAPI_VDPA_ATTR_MGMTDEV_DEV_NAME 2
#define UAPI_VDPA_ATTR_DEV_NAME 4
#define UAPI_VDPA_ATTR_DEV_ID 5

#endif
