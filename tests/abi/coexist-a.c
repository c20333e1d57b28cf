// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Our public headers first, then the kernel's: no name may clash. */
#include <iommufd/iommufd.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>

int main(void)
{
	struct iommu_ioas_map kmap = { .size = sizeof(kmap) };
	struct iommufd_iova_range r = { 0, 0 };

	return (int)(kmap.size == 0) + (int)r.start;
}
