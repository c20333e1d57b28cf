/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* PCI addresses as callers write them and as sysfs names them. */
#ifndef IOMMUFD_BASE_PCIADDR_H
#define IOMMUFD_BASE_PCIADDR_H

/* Parse a PCI address "[dddd:]bb:dd.f" into the canonical "dddd:bb:dd.f".
 * 0 or -EINVAL; out untouched on failure. */
int pciaddr_normalize(const char *in, char out[16]);

#endif
