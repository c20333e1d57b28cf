// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * PCI address parsing (base/pciaddr.c) on any string, checked against a
 * reference reading of "[dddd:]bb:dd.f": the same verdict, the canonical
 * form on success (which parses to itself), and the output untouched on
 * failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/pciaddr.h"
#include "fuzz.h"

/* hex digits, 1..max of them, from s[*i]; -1 when there are none or too many */
static long ref_hex(const char *s, size_t *i, int max)
{
	long v = 0;
	int n = 0;

	for (;;) {
		char c = s[*i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			break;
		if (++n > max)
			return -1;
		v = v * 16 + d;
		(*i)++;
	}
	return n ? v : -1;
}

static bool ref_parse(const char *s, char out[16])
{
	long f[3], fn;
	size_t i = 0;
	int nf = 0;

	if (strlen(s) > 15)
		return false;
	/* up to three colon-separated fields, then '.' and the function */
	for (;;) {
		long v = ref_hex(s, &i, nf == 0 ? 4 : 2);

		if (v < 0)
			return false;
		f[nf++] = v;
		if (s[i] == ':' && nf < 3) {
			i++;
			continue;
		}
		break;
	}
	if (nf < 2 || s[i++] != '.')
		return false;
	fn = ref_hex(s, &i, 1);
	if (fn < 0 || s[i] != '\0' || fn > 7)
		return false;
	if (nf == 2 && f[0] > 0xff)
		return false;
	if (nf == 2) {
		f[2] = f[1];
		f[1] = f[0];
		f[0] = 0;
	}
	if (f[2] > 0x1f)
		return false;
	snprintf(out, 16, "%04lx:%02lx:%02lx.%lx", f[0], f[1], f[2], fn);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[64], out[16], again[16], want[16];
	bool ok;
	int rc;

	if (size >= sizeof(in))
		return -1;
	memcpy(in, data, size);
	in[size] = '\0';
	memset(out, 'X', sizeof(out));
	rc = pciaddr_normalize(in, out);
	ok = ref_parse(in, want);
	FZ_CHECK(rc == 0 || rc == -EINVAL, "\"%s\": returned %d", in, rc);
	FZ_CHECK((rc == 0) == ok, "\"%s\": returned %d, the reference says %s", in, rc, ok ? want : "malformed");
	if (rc < 0) {
		for (size_t i = 0; i < sizeof(out); i++)
			FZ_CHECK(out[i] == 'X', "\"%s\": output changed on failure", in);
		return 0;
	}
	FZ_CHECK(!strcmp(out, want), "\"%s\": gave \"%s\", want \"%s\"", in, out, want);
	FZ_CHECK(pciaddr_normalize(out, again) == 0 && !strcmp(out, again), "\"%s\": canonical form does not parse to itself",
		 out);
	return 0;
}
