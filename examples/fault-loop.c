// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * fault-loop: serve I/O page faults.
 *
 * A device that supports PRI asks the IOMMU for pages that are not mapped;
 * the IOMMU reports each request to a fault queue. This program is the
 * handler a VMM or a shared-virtual-addressing driver runs: poll the queue,
 * read the requests in batches, decide, and answer each request group once.
 *
 * The faulting device is the kernel's selftest mock (CONFIG_IOMMUFD_TEST),
 * driven from the simulated-device section below; with a PRI-capable device
 * only that section changes. Run it in the test VM:
 * tests/vm/rig run build/examples/fault-loop
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <iommufd/iommufd.h>

#include "mock-selftest.h" /* the simulated device */

/* ---- simulated device: the selftest mock (not part of a real handler) ---- */
static int mock(struct iommufd_ctx *ctx, struct mock_cmd *c)
{
	return mock_selftest_cmd(iommufd_ctx_get_fd(ctx), c);
}
/* ---- end of the simulated device ---- */

/* The handler's policy: addresses below 1 GiB are "guest memory" that can be
 * made present; anything else is a bad access. */
static uint32_t resolve(const struct iommufd_pgfault *pf)
{
	return pf->addr < (1ull << 30) ? IOMMUFD_FAULT_RESP_SUCCESS : IOMMUFD_FAULT_RESP_INVALID;
}

#define CHECK(call)                                                                               \
	do {                                                                                      \
		if ((call) < 0) {                                                                 \
			fprintf(stderr, "fault-loop: %s: %s\n", #call, iommufd_ctx_last_error(ctx)); \
			return 1;                                                                 \
		}                                                                                 \
	} while (0)

int main(void)
{
	static const uint64_t requests[] = { 0x10000, 0x3fff0000, 0x12345678000 };
	IOMMUFD_OPTS(iommufd_hwpt_opts, parent_opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_hwpt_data s1 = { .type = IOMMUFD_HWPT_DATA_SELFTEST };
	struct mock_cmd c = { .op = MOCK_OP_MOCK_DOMAIN };
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_hwpt *parent, *hwpt;
	struct iommufd_fault *fault;
	unsigned int answered = 0, refused = 0;
	uint32_t stdev_id, dev_id;

	if (iommufd_ctx_new(NULL, &ctx) < 0) {
		fprintf(stderr, "fault-loop: %s\n", iommufd_last_error());
		return 1;
	}
	if (!iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_FAULT_QUEUE) ||
	    !iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_TEST_CMD)) {
		fprintf(stderr, "fault-loop: needs fault queues and the selftest mock (CONFIG_IOMMUFD_TEST)\n");
		return 77;
	}
	CHECK(iommufd_ioas_new(ctx, NULL, &ioas));
	c.id = iommufd_ioas_get_id(ioas);
	if (mock(ctx, &c)) {
		if (mock_selftest_refused_by_old_kernel(errno)) {
			fprintf(stderr, "fault-loop: skipped: this kernel lacks a selftest mock that works beside a real IOMMU (mock device: EINVAL; fixed in 6.13)\n");
			return 77;
		}
		return perror("fault-loop: mock device"), 1;
	}
	stdev_id = c.mock_domain.out_stdev_id;
	dev_id = c.mock_domain.out_idev_id;

	/* A fault queue, and a page table that reports its faults there. */
	CHECK(iommufd_fault_new(ctx, NULL, &fault));
	CHECK(iommufd_hwpt_alloc(ctx, dev_id, iommufd_ioas_get_id(ioas), &parent_opts, &parent));
	{
		IOMMUFD_OPTS(iommufd_hwpt_opts, o, .fault_id = iommufd_fault_get_id(fault));

		CHECK(iommufd_hwpt_alloc_nested(ctx, dev_id, iommufd_hwpt_get_id(parent), &s1, &o, &hwpt));
	}
	c = (struct mock_cmd){ .op = MOCK_OP_MOCK_DOMAIN_REPLACE, .id = stdev_id,
			       .mock_domain_replace.pt_id = iommufd_hwpt_get_id(hwpt) };
	if (mock(ctx, &c))
		return perror("fault-loop: attach"), 1;

	/* The device raises three page requests, one group each. */
	for (uint32_t i = 0; i < 3; i++) {
		c = (struct mock_cmd){ .op = MOCK_OP_TRIGGER_IOPF,
				       .trigger_iopf = { .dev_id = dev_id, .pasid = 1, .grpid = i,
							 .perm = IOMMUFD_PGFAULT_PERM_READ, .addr = requests[i] } };
		if (mock(ctx, &c))
			return perror("fault-loop: page request"), 1;
	}

	/* The handler: poll, read a batch, answer each group. */
	while (answered + refused < 3) {
		struct pollfd p = { .fd = iommufd_fault_get_fd(fault), .events = POLLIN };
		struct iommufd_pgfault batch[8];
		size_t n;

		if (poll(&p, 1, 1000) != 1) {
			fprintf(stderr, "fault-loop: FAIL: no page request arrived\n");
			return 1;
		}
		CHECK(iommufd_fault_read(fault, batch, 8, &n));
		for (size_t i = 0; i < n; i++) {
			uint32_t code = resolve(&batch[i]);

			printf("page request: device %u pasid %u group %u addr 0x%" PRIx64 " -> %s\n",
			       batch[i].dev_id, batch[i].pasid, batch[i].grpid, batch[i].addr,
			       code == IOMMUFD_FAULT_RESP_SUCCESS ? "success" : "invalid");
			if (!(batch[i].flags & IOMMUFD_PGFAULT_LAST_PAGE))
				continue; /* answer a group once, at its last fault */
			CHECK(iommufd_fault_respond(fault, batch[i].cookie, code));
			if (code == IOMMUFD_FAULT_RESP_SUCCESS)
				answered++;
			else
				refused++;
		}
	}
	printf("answered %u page requests, refused %u\n", answered, refused);

	c = (struct mock_cmd){ .op = MOCK_OP_MOCK_DOMAIN_REPLACE, .id = stdev_id,
			       .mock_domain_replace.pt_id = iommufd_ioas_get_id(ioas) };
	mock(ctx, &c);
	CHECK(iommufd_hwpt_destroy(hwpt));
	CHECK(iommufd_hwpt_destroy(parent));
	CHECK(iommufd_fault_destroy(fault));
	mock_selftest_destroy(iommufd_ctx_get_fd(ctx), stdev_id);
	CHECK(iommufd_ioas_destroy(ioas));
	iommufd_ctx_unref(ctx);
	return answered == 2 && refused == 1 ? 0 : 1;
}
