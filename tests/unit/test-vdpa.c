// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The vDPA flavour of iommufd_device against the fake kernel: feature
 * probing (a kernel without the series gives -EOPNOTSUPP with the reason),
 * every vhost-vdpa call made to fail with the errno the series documents,
 * out-parameters untouched, no descriptor leaked, state unchanged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/mman.h>

#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "check.h"
#include "base/uapi.h"
#include "core/device.h"
#include "fake-kernel.h"
#include "host/netlink.h"

#define UNTOUCHED ((struct iommufd_device *)0x5a5a)

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx), 0);
	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &e->ioas), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	iommufd_device_close(e->dev);
	assert_int_equal(iommufd_ioas_destroy(e->ioas), 0);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	free(e);
	return 0;
}

static void test_open_ok(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &e->dev), 0);
	assert_true(iommufd_device_is_vdpa(e->dev));
	assert_int_equal(iommufd_device_get_num_asids(e->dev), 2);
	assert_int_not_equal(iommufd_device_get_id(e->dev), 0);
	iommufd_device_close(e->dev);
	e->dev = NULL;
	/* by character device too */
	assert_int_equal(iommufd_device_open_vdpa(e->ctx, "/dev/vhost-vdpa-0", NULL, &e->dev), 0);
}

static void test_without_series(void **state)
{
	struct env *e = *state;
	struct iommufd_device *dev = UNTOUCHED;

	fake_vdpa_without_series(1);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev),
		    "kernel-patches");
	assert_ptr_equal(dev, UNTOUCHED);
}

static void test_open_errors(void **state)
{
	struct env *e = *state;
	struct iommufd_device *dev = UNTOUCHED;
	IOMMUFD_OPTS(iommufd_device_opts, token, .vf_token = (const uint8_t *)"0123456789abcdef");

	assert_fails(e->ctx, ENODEV, iommufd_device_open_vdpa(e->ctx, "vdpa7", NULL, &dev), "vdpa dev add");
	assert_fails(e->ctx, ENODEV, iommufd_device_open_vdpa(e->ctx, "vdpa1", NULL, &dev), "vhost_vdpa");
	assert_fails(e->ctx, EINVAL, iommufd_device_open_vdpa(e->ctx, "../x", NULL, &dev), "not a device name");
	assert_fails(e->ctx, EINVAL, iommufd_device_open_vdpa(e->ctx, "vdpa0", &token, &dev), "vf_token");
	fake_inject(FAKE_OP_OPEN, EBUSY);
	assert_fails(e->ctx, EBUSY, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev), "in use by another open file");
	fake_inject(FAKE_OP_OPEN, EACCES);
	assert_fails(e->ctx, EACCES, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev), "permission");
	fake_inject(UAPI_VHOST_GET_BACKEND_FEATURES, ENOTTY);
	assert_fails(e->ctx, ENOTTY, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev), "not a vhost-vdpa");
	fake_inject(UAPI_VHOST_VDPA_GET_AS_NUM, EFAULT);
	assert_fails(e->ctx, EFAULT, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev), "GET_AS_NUM");
	assert_ptr_equal(dev, UNTOUCHED);
}

static void test_bind_errors(void **state)
{
	static const struct {
		int err;
		const char *words;
	} cases[] = {
		{ EBUSY, "IOTLB" },
		{ EOPNOTSUPP, "parent" },
		{ EBADFD, "not an iommufd" },
		{ ENOMEM, "VHOST_VDPA_BIND_IOMMUFD" },
	};
	struct env *e = *state;
	struct iommufd_device *dev = UNTOUCHED;
	struct fake_census before = fake_census();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_inject(UAPI_VHOST_VDPA_BIND_IOMMUFD, cases[i].err);
		assert_fails(e->ctx, cases[i].err, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev),
			    cases[i].words);
		assert_ptr_equal(dev, UNTOUCHED);
		assert_no_leak(before); /* the vhost-vdpa fd was closed */
	}
	/* the fd flavour: a bad descriptor, a failed dup */
	assert_fails(e->ctx, EBADF, iommufd_device_open_vdpa_fd(e->ctx, -1, NULL, &dev), "");
	fake_inject(FAKE_OP_DUP, EMFILE);
	assert_fails(e->ctx, EMFILE, iommufd_device_open_vdpa_fd(e->ctx, 3, NULL, &dev), "dup");
	assert_ptr_equal(dev, UNTOUCHED);
}

static void test_attach_detach(void **state)
{
	struct env *e = *state;
	uint32_t ioas = iommufd_ioas_get_id(e->ioas), hwpt = 0x5a5a;
	int fd;

	assert_int_equal(iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &e->dev), 0);
	fd = iommufd_device_get_fd(e->dev);

	/* the library's own checks: no ioctl reaches the kernel */
	assert_fails(e->ctx, EINVAL, iommufd_device_attach_asid(e->dev, 2, ioas), "out of range");
	assert_fails(e->ctx, EINVAL, iommufd_device_detach_asid(e->dev, 1), "not attached");
	assert_fails(e->ctx, EINVAL, iommufd_device_replace_asid(e->dev, 0, ioas), "not attached");

	/* kernel errors pass through with the reason; nothing changes */
	assert_fails(e->ctx, ENOENT, iommufd_device_attach_asid(e->dev, 1, 999), "no IOAS");
	fake_inject(UAPI_VHOST_VDPA_ATTACH_IOMMUFD_PT, EBUSY);
	assert_fails(e->ctx, EBUSY, iommufd_device_attach(e->dev, ioas, NULL, &hwpt), "running");
	assert_int_equal(hwpt, 0x5a5a);
	assert_int_equal(iommufd_device_get_asid_pt(e->dev, 0), 0);
	assert_int_equal(fake_vdpa_asid_pt(fd, 0), 0);

	/* ASID 0 through the VFIO-style calls */
	assert_int_equal(iommufd_device_attach(e->dev, ioas, NULL, &hwpt), 0);
	assert_int_equal(hwpt, ioas);
	assert_int_equal(fake_vdpa_asid_pt(fd, 0), ioas);
	assert_fails(e->ctx, EBUSY, iommufd_device_attach(e->dev, ioas, NULL, NULL), "replace");
	assert_int_equal(iommufd_device_replace(e->dev, ioas, NULL, NULL), 0);
	fake_inject(UAPI_VHOST_VDPA_DETACH_IOMMUFD_PT, EBUSY);
	assert_fails(e->ctx, EBUSY, iommufd_device_detach(e->dev), "running");
	assert_int_equal(iommufd_device_get_asid_pt(e->dev, 0), ioas);
	assert_int_equal(iommufd_device_detach(e->dev), 0);
	assert_int_equal(fake_vdpa_asid_pt(fd, 0), 0);

	/* the other ASID */
	assert_int_equal(iommufd_device_attach_asid(e->dev, 1, ioas), 0);
	assert_int_equal(iommufd_device_get_asid_pt(e->dev, 1), ioas);
	assert_int_equal(iommufd_device_get_asid_pt(e->dev, 0), 0);
	assert_int_equal(iommufd_device_detach_asid(e->dev, 1), 0);
	assert_int_equal(iommufd_device_get_asid_pt(e->dev, 7), 0);
}

static void test_vfio_only_calls(void **state)
{
	struct env *e = *state;
	IOMMUFD_OPTS(iommufd_device_info, info);
	IOMMUFD_OPTS(iommufd_region_info, r);
	struct iommufd_hw_info hw = { .sz = sizeof(hw) };

	assert_int_equal(iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &e->dev), 0);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_reset(e->dev), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_info(e->dev, &info), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_region_info(e->dev, 0, &r), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_hw_info(e->dev, &hw), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_attach_pasid(e->dev, 1, iommufd_ioas_get_id(e->ioas), NULL), "vDPA");
}

/* Every call the vDPA kind lacks is refused the same way: -EOPNOTSUPP, the
 * call and the device named, the kind's reason, nothing changed. */
static void test_refusals_name_call_and_kind(void **state)
{
	struct env *e = *state;
	struct iommufd_region_info r = { .sz = sizeof(r), .index = 77 };
	char buf[4] = "abc";
	void *addr = UNTOUCHED;

	assert_int_equal(iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &e->dev), 0);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_reset(e->dev), "VFIO_DEVICE_RESET on vdpa0: a vDPA device has");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_detach_pasid(e->dev, 1), "detach PASID on vdpa0: a vDPA device");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_region_info(e->dev, 0, &r),
		     "VFIO_DEVICE_GET_REGION_INFO on vdpa0: a vDPA device");
	assert_int_equal(r.index, 77);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_region_read(e->dev, 0, 0, buf, sizeof(buf)), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_region_write(e->dev, 0, 0, buf, sizeof(buf)), "vDPA");
	assert_string_equal(buf, "abc");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_mmap_region(e->dev, 0, 0, 4096, PROT_READ, &addr), "vDPA");
	assert_ptr_equal(addr, UNTOUCHED);
}

/* A kind whose table has nothing but a name (what a new kind starts from):
 * the dispatch refuses every call with the kind's name, the ASID calls say
 * the device has one address space, and the handle's lifetime still works. */
static const struct device_ops bare_ops = { .name = "bare" };

static void test_kind_without_entries(void **state)
{
	struct env *e = *state;
	IOMMUFD_OPTS(iommufd_device_info, info);
	struct iommufd_hw_info hw = { .sz = sizeof(hw) };
	uint32_t ioas = iommufd_ioas_get_id(e->ioas), hwpt = 99;
	struct iommufd_device *dev = calloc(1, sizeof(*dev));
	int fd = sys_open(&fake_sys, "/dev/vfio/devices/vfio0", O_RDWR);

	assert_non_null(dev);
	assert_true(fd >= 0);
	device_init(dev, &bare_ops, e->ctx, fd, 5, "bare0");
	e->dev = dev; /* the teardown closes it */
	assert_int_equal(iommufd_device_get_id(dev), 5);
	assert_int_equal(iommufd_device_get_fd(dev), fd);
	assert_false(iommufd_device_is_vdpa(dev));
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_attach(dev, ioas, NULL, &hwpt), "attach on bare0: not available on bare devices");
	assert_int_equal(hwpt, 99);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_replace(dev, ioas, NULL, NULL), "replace on bare0: not available on bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_detach(dev), "detach on bare0: not available on bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_attach_pasid(dev, 1, ioas, NULL), "bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_detach_pasid(dev, 1), "bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_info(dev, &info), "VFIO_DEVICE_GET_INFO on bare0: not available on bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_hw_info(dev, &hw), "bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_reset(dev), "bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_region_read(dev, 0, 0, &info, 4), "bare devices");
	assert_fails(e->ctx, EINVAL, iommufd_device_attach_asid(dev, 0, ioas), "not a vDPA device (bare devices attach with iommufd_device_attach())");
	assert_fails(e->ctx, EINVAL, iommufd_device_replace_asid(dev, 0, ioas), "bare devices");
	assert_fails(e->ctx, EINVAL, iommufd_device_detach_asid(dev, 0), "bare devices");
	assert_int_equal(iommufd_device_get_num_asids(dev), 1);
	assert_int_equal(iommufd_device_get_asid_pt(dev, 0), 0);
}

static void test_vfio_device_has_one_asid(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &e->dev), 0);
	assert_false(iommufd_device_is_vdpa(e->dev));
	assert_int_equal(iommufd_device_get_num_asids(e->dev), 1);
	assert_fails(e->ctx, EINVAL, iommufd_device_attach_asid(e->dev, 0, iommufd_ioas_get_id(e->ioas)),
		    "not a vDPA device");
}

/* Discovery through the fake as the host's system calls: sysfs, the probe of
 * the idle character device; the fake has no sockets, so no management
 * device. */
static void test_enum(void **state)
{
	IOMMUFD_OPTS(iommufd_vdpa_filter, probe, .probe = true);
	IOMMUFD_OPTS(iommufd_vdpa_filter, one, .name = "vdpa1");
	struct iommufd_vdpa_enum *e, *untouched = (void *)0x5a5a;
	const struct iommufd_vdpa_info *d;
	struct {
		size_t sz;
		const char *name;
		bool probe;
		uint8_t pad_[7];
		uint64_t future;
	} big = { .sz = sizeof(big), .future = 1 };

	struct fake_census before = fake_census();

	(void)state;
	sys_host = &fake_sys;
	assert_int_equal(iommufd_vdpa_enum_new(&probe, &e), 0);
	assert_int_equal(iommufd_vdpa_enum_count(e), 2);
	d = iommufd_vdpa_enum_first(e); /* name order */
	assert_string_equal(d->name, "vdpa0");
	assert_string_equal(d->driver, "vhost_vdpa");
	assert_string_equal(d->chardev, "/dev/vhost-vdpa-0");
	assert_null(d->mgmtdev);
	assert_int_equal(d->num_asids, 2);
	assert_int_equal(d->num_groups, 2);
	assert_int_equal(d->virtio_id, 1);
	assert_int_equal(d->iommufd, 1);
	d = iommufd_vdpa_enum_next(e);
	assert_string_equal(d->name, "vdpa1");
	assert_string_equal(d->driver, "virtio_vdpa");
	assert_null(d->chardev);
	assert_int_equal(d->iommufd, -1);
	assert_null(iommufd_vdpa_enum_next(e));
	iommufd_vdpa_enum_free(e);
	assert_no_leak(before); /* the probe closed what it opened */

	/* no probe without asking; a busy device; a kernel without the series */
	assert_int_equal(iommufd_vdpa_enum_new(NULL, &e), 0);
	assert_int_equal(iommufd_vdpa_enum_first(e)->num_asids, 0);
	assert_int_equal(iommufd_vdpa_enum_first(e)->iommufd, -1);
	iommufd_vdpa_enum_free(e);
	fake_inject(FAKE_OP_OPEN, EBUSY);
	assert_int_equal(iommufd_vdpa_enum_new(&probe, &e), 0);
	assert_int_equal(iommufd_vdpa_enum_first(e)->probe_error, -EBUSY);
	iommufd_vdpa_enum_free(e);
	fake_vdpa_without_series(1);
	assert_int_equal(iommufd_vdpa_enum_new(&probe, &e), 0);
	assert_int_equal(iommufd_vdpa_enum_first(e)->iommufd, 0);
	assert_int_equal(iommufd_vdpa_enum_first(e)->num_asids, 2);
	iommufd_vdpa_enum_free(e);

	/* one device by name; a filter field this library does not know */
	assert_int_equal(iommufd_vdpa_enum_new(&one, &e), 0);
	assert_int_equal(iommufd_vdpa_enum_count(e), 1);
	iommufd_vdpa_enum_free(e);
	e = untouched;
	assert_errno(E2BIG, iommufd_vdpa_enum_new((const struct iommufd_vdpa_filter *)&big, &e));
	assert_ptr_equal(e, untouched);
	sys_host = &iommufd_sys_real;
}


/* ---- a scripted generic netlink peer in front of the fake kernel ---- */

#define NL_FD 900
#define NL_FAMILY 0x20

struct nl_dgram {
	char data[512];
	size_t len;
	uint32_t sender; /* sockaddr_nl.nl_pid: 0 is the kernel */
};

static struct {
	struct nl_dgram q[8]; /* answers to the vdpa dump */
	size_t n, pos;
	struct nl_dgram family; /* the answer to CTRL_CMD_GETFAMILY */
	bool family_pending;
	bool dumping;
	struct iommufd_sys_ops ops;
} NL;

/* Append a message to a datagram: header (type, nlmsg_len = 16 + body_len) and body. */
static void *nl_put_msg(struct nl_dgram *d, uint16_t type, uint32_t nlmsg_len, const void *body,
			size_t body_len)
{
	struct nlmsghdr h = { .nlmsg_len = nlmsg_len, .nlmsg_type = type, .nlmsg_seq = 1 };
	char *at = d->data + d->len;

	memcpy(at, &h, sizeof(h));
	memcpy(at + sizeof(h), body, body_len);
	d->len += NLMSG_ALIGN(sizeof(h) + body_len);
	return at;
}

/* A generic netlink body: genlmsghdr and string attributes (type, value)... ended by 0. */
static size_t nl_body(char *out, ...)
{
	struct genlmsghdr g = { .cmd = 1, .version = 1 };
	size_t len = GENL_HDRLEN;
	va_list ap;
	int type;

	memcpy(out, &g, sizeof(g));
	va_start(ap, out);
	while ((type = va_arg(ap, int))) {
		const char *v = va_arg(ap, const char *);
		struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + strlen(v) + 1), .nla_type = (uint16_t)type };

		memset(out + len, 0, NLA_ALIGN(a.nla_len));
		memcpy(out + len, &a, sizeof(a));
		memcpy(out + len + NLA_HDRLEN, v, strlen(v) + 1);
		len += NLA_ALIGN(a.nla_len);
	}
	va_end(ap);
	return len;
}

static struct nl_dgram *nl_dgram_add(uint32_t sender)
{
	struct nl_dgram *d = &NL.q[NL.n++];

	memset(d, 0, sizeof(*d));
	d->sender = sender;
	return d;
}

static void nl_add_done(uint32_t sender)
{
	int zero = 0;

	nl_put_msg(nl_dgram_add(sender), NLMSG_DONE, NLMSG_LENGTH(sizeof(zero)), &zero, sizeof(zero));
}

static int nl_socket(int domain, int type, int protocol)
{
	(void)type;
	return domain == AF_NETLINK && protocol == NETLINK_GENERIC ? NL_FD : -EAFNOSUPPORT;
}

static ssize_t nl_send(int fd, const void *buf, size_t len)
{
	struct nlmsghdr h;

	assert_int_equal(fd, NL_FD);
	assert_true(len >= sizeof(h));
	memcpy(&h, buf, sizeof(h));
	if (h.nlmsg_type == GENL_ID_CTRL)
		NL.family_pending = true;
	else if (h.nlmsg_type == NL_FAMILY)
		NL.dumping = true;
	return (ssize_t)len;
}

static ssize_t nl_take(void *buf, size_t len, uint32_t *sender)
{
	struct nl_dgram *d;

	if (NL.family_pending) {
		NL.family_pending = false;
		d = &NL.family;
	} else if (NL.dumping && NL.pos < NL.n) {
		d = &NL.q[NL.pos++];
	} else {
		return -EAGAIN;
	}
	if (sender)
		*sender = d->sender;
	memcpy(buf, d->data, d->len < len ? d->len : len);
	return (ssize_t)(d->len < len ? d->len : len);
}

static ssize_t nl_recv(int fd, void *buf, size_t len, uint32_t *sender)
{
	assert_int_equal(fd, NL_FD);
	return nl_take(buf, len, sender);
}

static int nl_close(int fd)
{
	return fd == NL_FD ? 0 : fake_sys.close(fd);
}

/* The fake kernel with a netlink peer that knows the vdpa family. */
static void nl_install(void)
{
	uint16_t id = NL_FAMILY;
	struct {
		struct genlmsghdr g;
		struct nlattr a;
		uint16_t id, pad;
	} fam = { { .cmd = CTRL_CMD_NEWFAMILY }, { .nla_len = NLA_HDRLEN + 2, .nla_type = CTRL_ATTR_FAMILY_ID }, id, 0 };

	memset(&NL, 0, sizeof(NL));
	nl_put_msg(&NL.family, GENL_ID_CTRL, NLMSG_LENGTH(sizeof(fam)), &fam, sizeof(fam));
	NL.ops = fake_sys;
	NL.ops.socket = nl_socket;
	NL.ops.send = nl_send;
	NL.ops.recv = nl_recv;
	NL.ops.close = nl_close;
	sys_host = &NL.ops;
}

/* The management device of vdpa0 from the first enumeration, "" for none. */
static void enum_mgmtdev(char *out, size_t size)
{
	struct iommufd_vdpa_enum *e;
	const struct iommufd_vdpa_info *d;

	assert_int_equal(iommufd_vdpa_enum_new(NULL, &e), 0);
	d = iommufd_vdpa_enum_first(e);
	assert_non_null(d);
	assert_string_equal(d->name, "vdpa0");
	snprintf(out, size, "%s", d->mgmtdev ? d->mgmtdev : "");
	iommufd_vdpa_enum_free(e);
}

#define VDPA0_ATTRS UAPI_VDPA_ATTR_DEV_NAME, "vdpa0", UAPI_VDPA_ATTR_MGMTDEV_BUS_NAME, "pci", \
		    UAPI_VDPA_ATTR_MGMTDEV_DEV_NAME

/* The kernel's answer fills the management device. */
static void test_netlink_kernel(void **state)
{
	char body[256], mgmt[128];
	size_t n = nl_body(body, VDPA0_ATTRS, "0000:00:07.0", 0);

	(void)state;
	nl_install();
	nl_put_msg(nl_dgram_add(0), NL_FAMILY, (uint32_t)NLMSG_LENGTH(n), body, n);
	nl_add_done(0);
	enum_mgmtdev(mgmt, sizeof(mgmt));
	assert_string_equal(mgmt, "pci/0000:00:07.0");
	sys_host = &iommufd_sys_real;
}

/* A datagram from another process (any process may send to our port) is not
 * the kernel's answer. */
static void test_netlink_foreign_sender(void **state)
{
	char body[256], mgmt[128];
	size_t n = nl_body(body, VDPA0_ATTRS, "forged", 0);

	(void)state;
	nl_install();
	nl_put_msg(nl_dgram_add(4242), NL_FAMILY, (uint32_t)NLMSG_LENGTH(n), body, n);
	nl_add_done(0);
	enum_mgmtdev(mgmt, sizeof(mgmt));
	assert_string_equal(mgmt, "");
	sys_host = &iommufd_sys_real;
}

/* A message of 16 to 19 bytes (a header, no room for the generic netlink
 * header): its attributes are not read from whatever follows it, here the
 * bytes an earlier, ignored message left in the buffer. */
static void test_netlink_short_message(void **state)
{
	char body[256], mgmt[128];
	size_t n = nl_body(body, VDPA0_ATTRS, "stale", 0);

	(void)state;
	for (uint32_t len = NLMSG_HDRLEN; len < NLMSG_LENGTH(GENL_HDRLEN); len++) {
		nl_install();
		/* another family's message, its attributes where a short one would look */
		nl_put_msg(nl_dgram_add(0), NL_FAMILY + 1, (uint32_t)NLMSG_LENGTH(n), body, n);
		nl_put_msg(nl_dgram_add(0), NL_FAMILY, len, "\0\0\0", len - NLMSG_HDRLEN);
		nl_add_done(0);
		enum_mgmtdev(mgmt, sizeof(mgmt));
		print_message("# nlmsg_len %u: mgmtdev '%s'\n", len, mgmt);
		assert_string_equal(mgmt, "");
	}
	sys_host = &iommufd_sys_real;
}

static void count_attr(uint16_t type, const void *data, size_t len, void *arg)
{
	(void)type;
	(void)data;
	(void)len;
	(*(int *)arg)++;
}

/* netlink_next() and netlink_attrs() on their own, each message in a heap
 * block of exactly its size (ASan sees any byte read past it). */
static void test_netlink_lengths(void **state)
{
	char body[256];
	size_t n = nl_body(body, UAPI_VDPA_ATTR_MGMTDEV_BUS_NAME, "pci", UAPI_VDPA_ATTR_DEV_NAME, "vdpa0", 0);
	struct nl_dgram d = { .len = 0 };
	struct nlmsghdr h;
	struct nlattr a;
	size_t off;
	char *m;
	int calls;

	(void)state;
	/* 16 to 19 bytes: a header, no generic netlink header */
	for (uint32_t len = NLMSG_HDRLEN; len < NLMSG_LENGTH(GENL_HDRLEN); len++) {
		m = calloc(1, len);
		assert_non_null(m);
		memcpy(m, &(struct nlmsghdr){ .nlmsg_len = len, .nlmsg_type = NL_FAMILY }, NLMSG_HDRLEN);
		calls = 0;
		assert_int_equal(netlink_attrs(m, len, count_attr, &calls), -EBADMSG);
		assert_int_equal(calls, 0);
		off = 0;
		assert_int_equal(netlink_next(m, len, &off, &h), 1);
		assert_int_equal(off, len);
		free(m);
	}
	/* nlmsg_len past what arrived, or shorter than a header; a cut header */
	nl_put_msg(&d, NL_FAMILY, (uint32_t)NLMSG_LENGTH(n), body, n);
	off = 0;
	assert_int_equal(netlink_next(d.data, d.len - 1, &off, &h), -EBADMSG);
	assert_int_equal(off, 0);
	assert_int_equal(netlink_next(d.data, NLMSG_HDRLEN - 1, &off, &h), -EBADMSG);
	assert_int_equal(netlink_attrs(d.data, d.len - 1, count_attr, &calls), -EBADMSG);
	assert_int_equal(netlink_attrs(d.data, NLMSG_HDRLEN - 1, count_attr, &calls), -EBADMSG);
	((struct nlmsghdr *)d.data)->nlmsg_len = 8;
	assert_int_equal(netlink_next(d.data, d.len, &off, &h), -EBADMSG);
	/* whole: both attributes, then the end */
	((struct nlmsghdr *)d.data)->nlmsg_len = (uint32_t)NLMSG_LENGTH(n);
	m = malloc(d.len);
	assert_non_null(m);
	memcpy(m, d.data, d.len);
	calls = 0;
	assert_int_equal(netlink_attrs(m, d.len, count_attr, &calls), 0);
	assert_int_equal(calls, 2);
	assert_int_equal(netlink_next(m, d.len, &off, &h), 1);
	assert_int_equal(netlink_next(m, d.len, &off, &h), 0);
	/* the last attribute's padding missing is fine; a length past the message
	 * or below the attribute header is not */
	calls = 0;
	((struct nlmsghdr *)m)->nlmsg_len -= 2; /* "vdpa0\0" + 2 of padding */
	assert_int_equal(netlink_attrs(m, d.len, count_attr, &calls), 0);
	assert_int_equal(calls, 2);
	((struct nlmsghdr *)m)->nlmsg_len -= 1;
	calls = 0;
	assert_int_equal(netlink_attrs(m, d.len, count_attr, &calls), -EBADMSG);
	assert_int_equal(calls, 1);
	((struct nlmsghdr *)m)->nlmsg_len = (uint32_t)NLMSG_LENGTH(n);
	memcpy(&a, m + NLMSG_LENGTH(GENL_HDRLEN), sizeof(a));
	a.nla_len = 3;
	memcpy(m + NLMSG_LENGTH(GENL_HDRLEN), &a, sizeof(a));
	calls = 0;
	assert_int_equal(netlink_attrs(m, d.len, count_attr, &calls), -EBADMSG);
	assert_int_equal(calls, 0);
	/* an attribute header cut by the message's end */
	((struct nlmsghdr *)m)->nlmsg_len = (uint32_t)NLMSG_LENGTH(GENL_HDRLEN) + 2;
	assert_int_equal(netlink_attrs(m, d.len, count_attr, &calls), -EBADMSG);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_series, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_only_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_device_has_one_asid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_name_call_and_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kind_without_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enum, setup, teardown),
		cmocka_unit_test(test_netlink_kernel),
		cmocka_unit_test(test_netlink_foreign_sender),
		cmocka_unit_test(test_netlink_short_message),
		cmocka_unit_test(test_netlink_lengths),
	};

	return cmocka_run_group_tests_name("vdpa", tests, NULL, NULL);
}
