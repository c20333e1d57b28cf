// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* PCI address parsing: "[dddd:]bb:dd.f" -> canonical "dddd:bb:dd.f". */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/pciaddr.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse 1..max hex digits from *s; advance *s. */
static int parse_hex(const char **s, int max, unsigned int *out)
{
	unsigned int v = 0;
	int n = 0, d;

	while ((d = hexval(**s)) >= 0) {
		if (++n > max)
			return -EINVAL;
		v = v * 16 + (unsigned int)d;
		(*s)++;
	}
	if (n == 0)
		return -EINVAL;
	*out = v;
	return 0;
}

int pciaddr_normalize(const char *in, char out[16])
{
	unsigned int a, b, dom = 0, bus, dev, fn;
	const char *s = in;

	if (!in || strlen(in) > 15)
		return -EINVAL;
	/* Either dom:bus:dev.fn or bus:dev.fn: read two colon-separated fields first. */
	if (parse_hex(&s, 4, &a) || *s++ != ':')
		return -EINVAL;
	if (parse_hex(&s, 2, &b))
		return -EINVAL;
	if (*s == ':') {
		s++;
		dom = a;
		bus = b;
		if (parse_hex(&s, 2, &dev))
			return -EINVAL;
	} else {
		if (a > 0xff)
			return -EINVAL;
		bus = a;
		dev = b;
	}
	if (*s++ != '.' || parse_hex(&s, 1, &fn) || *s != '\0')
		return -EINVAL;
	if (dev > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(out, 16, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}
