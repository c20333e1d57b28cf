// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The kernel's headers first, then ours: no name may clash. */
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include <iommufd/iommufd.h>

int main(void)
{
	struct iommufd_iova_range r = { 0, 0 };

	return (int)r.last + (IOMMU_HWPT_ALLOC_NEST_PARENT != 1);
}
