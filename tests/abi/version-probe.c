// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Print the headers' version (string and numbers) and the library's
 * (iommufd_version()) for version.sh; check IOMMUFD_VERSION_CHECK. */
#include <stdio.h>
#include <string.h>

#include <iommufd/version.h>

#if !IOMMUFD_VERSION_CHECK(IOMMUFD_VERSION_MAJOR, IOMMUFD_VERSION_MINOR, IOMMUFD_VERSION_MICRO)
#error "IOMMUFD_VERSION_CHECK is false for the headers' own version"
#endif
#if IOMMUFD_VERSION_CHECK(IOMMUFD_VERSION_MAJOR, IOMMUFD_VERSION_MINOR, IOMMUFD_VERSION_MICRO + 1)
#error "IOMMUFD_VERSION_CHECK is true for a newer micro version"
#endif
#if IOMMUFD_VERSION_CHECK(IOMMUFD_VERSION_MAJOR, IOMMUFD_VERSION_MINOR + 1, 0)
#error "IOMMUFD_VERSION_CHECK is true for a newer minor version"
#endif
#if IOMMUFD_VERSION_CHECK(IOMMUFD_VERSION_MAJOR + 1, 0, 0)
#error "IOMMUFD_VERSION_CHECK is true for a newer major version"
#endif
#if IOMMUFD_VERSION_MINOR > 0 && !IOMMUFD_VERSION_CHECK(IOMMUFD_VERSION_MAJOR, IOMMUFD_VERSION_MINOR - 1, 99)
#error "IOMMUFD_VERSION_CHECK is false for an older minor version"
#endif

int main(void)
{
	printf("%s\n%d.%d.%d\n%s\n", IOMMUFD_VERSION_STRING, IOMMUFD_VERSION_MAJOR,
	       IOMMUFD_VERSION_MINOR, IOMMUFD_VERSION_MICRO, iommufd_version());
	return 0;
}
