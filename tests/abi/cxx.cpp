// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
// The public headers compile as C++ and link from C++.
#include <iommufd/iommufd.h>

int main()
{
	const char *n = iommufd_feature_name(IOMMUFD_FEATURE_IOAS);
	return n && n[0] == 'i' ? 0 : 1;
}
