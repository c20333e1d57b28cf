// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The strict sysfs value parsers (host/sysfs.c) on any string, checked
 * against host/sysfs.h: a reference verdict (0, -EINVAL for malformed text,
 * -ERANGE for well-formed text out of range) and value, *out untouched on
 * failure, errno untouched always. The first byte picks the bound of
 * sysfs_parse_hex().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "host/sysfs.h"
#include "fuzz.h"

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* strip one trailing newline; false when anything else follows the digits */
static size_t body_len(const char *s)
{
	size_t n = strlen(s);

	return n && s[n - 1] == '\n' ? n - 1 : n;
}

static int ref_hex(const char *s, uint32_t max, uint32_t *out)
{
	size_t n = body_len(s), i = 0, digits;
	uint64_t v = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	digits = n - i;
	if (!digits)
		return -EINVAL;
	for (size_t k = i; k < n; k++)
		if (!is_hex(s[k]))
			return -EINVAL;
	if (digits > 8)
		return -ERANGE;
	for (size_t k = i; k < n; k++)
		v = v * 16 + (uint64_t)(s[k] <= '9' ? s[k] - '0' : (s[k] | 0x20) - 'a' + 10);
	if (v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

static int ref_int(const char *s, int *out)
{
	size_t n = body_len(s), i = s[0] == '-';
	long long v = 0;
	bool big = false;

	if (i >= n)
		return -EINVAL;
	for (size_t k = i; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -EINVAL;
		if (v > 10000000000ll)
			big = true;
		else
			v = v * 10 + (s[k] - '0');
	}
	if (i)
		v = -v;
	if (big || v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t maxes[] = { UINT32_MAX, 0xffff, 0xff, 0, 0x7fffffff, 0x1000 };
	char s[80];
	uint32_t max, hv = 0xdeadbeef, rhv = 0;
	int iv = 0x5a5a5a5a, riv = 0, rc, want;

	if (!size || size > sizeof(s))
		return -1;
	max = maxes[data[0] % (sizeof(maxes) / sizeof(maxes[0]))];
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	errno = 12345;
	rc = sysfs_parse_hex(s, max, &hv);
	FZ_CHECK(errno == 12345, "hex \"%s\": errno changed", s);
	want = ref_hex(s, max, &rhv);
	FZ_CHECK(rc == want, "hex \"%s\" (max 0x%x): returned %d, want %d", s, max, rc, want);
	FZ_CHECK(rc ? hv == 0xdeadbeef : hv == rhv, "hex \"%s\": value 0x%x, want 0x%x", s, hv, rc ? 0xdeadbeef : rhv);

	rc = sysfs_parse_int(s, &iv);
	FZ_CHECK(errno == 12345, "int \"%s\": errno changed", s);
	want = ref_int(s, &riv);
	FZ_CHECK(rc == want, "int \"%s\": returned %d, want %d", s, rc, want);
	FZ_CHECK(rc ? iv == 0x5a5a5a5a : iv == riv, "int \"%s\": value %d, want %d", s, iv, rc ? 0x5a5a5a5a : riv);
	return 0;
}
