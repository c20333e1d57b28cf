// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* IOMMUFD_BACKEND (base/backend-env.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#include "base/backend-env.h"
#include "base/error.h"

int backend_from_env(const char *who, enum iommufd_backend *out)
{
	const char *env = secure_getenv("IOMMUFD_BACKEND");

	if (!env || !*env || !strcasecmp(env, "auto"))
		*out = IOMMUFD_BACKEND_AUTO;
	else if (!strcasecmp(env, "iommufd"))
		*out = IOMMUFD_BACKEND_IOMMUFD;
	else if (!strcasecmp(env, "vfio-type1") || !strcasecmp(env, "vfio") || !strcasecmp(env, "type1") ||
		 !strcasecmp(env, "legacy"))
		*out = IOMMUFD_BACKEND_VFIO_TYPE1;
	else
		return error_fail(EINVAL, "%s: IOMMUFD_BACKEND=\"%.32s\" is not a backend (iommufd, vfio-type1 or auto)",
				  who, env);
	return 0;
}
