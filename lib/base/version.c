// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The version of the library that runs, from the generated header. */
#include <iommufd/version.h>

const char *iommufd_version(void)
{
	return IOMMUFD_VERSION_STRING;
}
