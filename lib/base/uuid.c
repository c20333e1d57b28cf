// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* UUID syntax (base/uuid.h). */
#include <errno.h>
#include <string.h>

#include "base/uuid.h"

int uuid_normalize(const char *in, char out[37])
{
	char tmp[37];

	if (!in)
		return -EINVAL;
	for (int i = 0; i < 36; i++) {
		char c = in[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return -EINVAL;
		} else if (c >= '0' && c <= '9') {
		} else if (c >= 'a' && c <= 'f') {
		} else if (c >= 'A' && c <= 'F') {
			c = (char)(c - 'A' + 'a');
		} else {
			return -EINVAL; /* also the end of a short string */
		}
		tmp[i] = c;
	}
	if (in[36] != '\0')
		return -EINVAL;
	tmp[36] = '\0';
	memcpy(out, tmp, sizeof(tmp));
	return 0;
}
