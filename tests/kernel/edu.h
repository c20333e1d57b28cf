/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* QEMU's edu device for the kernel-tier tests (QEMU docs/specs/edu.rst):
 * bus mastering, BAR0, and its DMA engine. */
#ifndef TESTS_KERNEL_EDU_H
#define TESTS_KERNEL_EDU_H

#include <stdint.h>

#include <iommufd/iommufd.h>

#define EDU_BUFFER 0x40000 /* the device's internal 4 KiB buffer */
#define EDU_TO_RAM 2       /* edu_dma() cmd: from the buffer to memory */
#define XFER 512           /* bytes per DMA in the tests */

/* Enable bus mastering and map BAR0 (asserts on failure); returns BAR0. */
volatile uint8_t *edu_enable(struct iommufd_ctx *ctx, struct iommufd_device *dev, uint64_t *bar_size);
/* One DMA of XFER bytes from @src to @dst (cmd 0: into the device's
 * buffer; EDU_TO_RAM: out of it), waiting for it to finish. */
void edu_dma(volatile uint8_t *bar, uint64_t src, uint64_t dst, uint64_t cmd);

#endif
