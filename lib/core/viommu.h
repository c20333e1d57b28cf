/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* vIOMMU internals other core objects use. */
#ifndef IOMMUFD_CORE_VIOMMU_H
#define IOMMUFD_CORE_VIOMMU_H

#include <iommufd/viommu.h>

/* The context of a vIOMMU, for the vEVENTQ in lib/core/fault.c. */
struct iommufd_ctx *viommu_ctx(const struct iommufd_viommu *v);

#endif
