/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file iommufd.h
 * @brief Umbrella header: includes every libiommufd header.
 *
 * Each header has a "Thread safety" and a "System calls" paragraph for the
 * objects it declares; common.h has the rules they share.
 */
#ifndef IOMMUFD_IOMMUFD_H
#define IOMMUFD_IOMMUFD_H

#include <iommufd/common.h>
#include <iommufd/version.h>
#include <iommufd/ctx.h>
#include <iommufd/ioas.h>
#include <iommufd/device.h>
#include <iommufd/irq.h>
#include <iommufd/mdev.h>
#include <iommufd/feature.h>
#include <iommufd/migration.h>
#include <iommufd/hwpt.h>
#include <iommufd/viommu.h>
#include <iommufd/fault.h>
#include <iommufd/discover.h>
#include <iommufd/setup.h>
#include <iommufd/diag.h>
#include <iommufd/passfd.h>
#include <iommufd/dma.h>

#endif
