/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* UUIDs as sysfs names them (mdev instances). */
#ifndef IOMMUFD_BASE_UUID_H
#define IOMMUFD_BASE_UUID_H

/* Check that @in is exactly "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex
 * digits, either case) and write it in lower case to @out. Returns 0 or
 * -EINVAL (@out untouched). */
int uuid_normalize(const char *in, char out[37]);

#endif
