// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The fd-passing message parser (base/passfd-msg.c, passfd_parse()) on any
 * bytes: the first byte says how many descriptors came with the message
 * (0..63), the rest is the message, in a buffer of exactly its size.
 * Checked: the verdict is 0, -EPROTO or -EPROTONOSUPPORT, a refusal always
 * with a reason; an accepted request or reply has at most 32 entries, one
 * descriptor per entry (none for a request), canonical distinct names, at
 * most one iommufd, and encodes back to exactly the bytes that came; an
 * accepted refusal has an errno and a printable reason of at most 256 bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#include "base/passfd-msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct passfd_msg m;
	static unsigned char again[PASSFD_MSG_MAX];
	struct iommufd_passfd_set set;
	char why[256] = "";
	unsigned char *buf;
	size_t nfds, len, n_iommufd = 0;
	int rc;

	if (size < 1)
		return 0;
	nfds = data[0] & 63;
	len = size - 1;
	buf = malloc(len ? len : 1);
	FZ_CHECK(buf, "malloc");
	memcpy(buf, data + 1, len);
	memset(&m, 0xa5, sizeof(m));
	rc = passfd_parse(buf, len, nfds, &m, why, sizeof(why));
	FZ_CHECK(rc == 0 || rc == -EPROTO || rc == -EPROTONOSUPPORT, "verdict %d", rc);
	if (rc) {
		FZ_CHECK(why[0], "a refusal without a reason");
		free(buf);
		return 0;
	}
	switch (m.type) {
	case PASSFD_REFUSAL:
		FZ_CHECK(nfds == 0, "a refusal with descriptors");
		FZ_CHECK(m.status > 0 && m.status < 4096, "status %d", m.status);
		FZ_CHECK(strlen(m.reason) <= PASSFD_REASON_MAX, "reason of %zu bytes", strlen(m.reason));
		for (const char *c = m.reason; *c; c++)
			FZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f, "control character in the reason");
		break;
	case PASSFD_REQUEST:
	case PASSFD_REPLY:
		FZ_CHECK(m.count <= IOMMUFD_PASSFD_MAX_FDS, "%zu entries", m.count);
		FZ_CHECK(nfds == (m.type == PASSFD_REPLY ? m.count : 0), "%zu descriptors for %zu entries", nfds,
			 m.count);
		memset(&set, 0, sizeof(set));
		for (size_t i = 0; i < m.count; i++) {
			char canon[IOMMUFD_PASSFD_NAME_MAX], r[160];

			FZ_CHECK(passfd_name_canon(m.e[i].kind, m.e[i].name, canon, r, sizeof(r)) == 0,
				 "entry %zu accepted with a bad name: %s", i, r);
			FZ_CHECK(!strcmp(canon, m.e[i].name), "entry %zu not canonical", i);
			FZ_CHECK(passfd_set_index(&set, m.e[i].kind, m.e[i].name) < 0, "entry %zu twice", i);
			n_iommufd += m.e[i].kind == IOMMUFD_PASSFD_IOMMUFD;
			passfd_set_put(&set, m.e[i].kind, m.e[i].name, -1);
		}
		FZ_CHECK(n_iommufd <= 1, "%zu iommufd entries", n_iommufd);
		FZ_CHECK(passfd_encode(again, m.type, &set, 0, NULL) == len && !memcmp(again, buf, len),
			 "accepted bytes that do not encode back to themselves");
		break;
	default:
		FZ_CHECK(0, "accepted type %d", (int)m.type);
	}
	free(buf);
	return 0;
}
