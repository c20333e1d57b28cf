// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The iommufd command's parts on their own: the JSON writer (tools/json.c)
 * read back by the strict reader of the tests (tests/common/json-check.c),
 * which must itself refuse what is not JSON; --memlock sizes
 * (tools/size.c); PCI names (tools/pci-names.c) over a fake udev hardware
 * database defined here in place of libudev's, present and absent.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libudev.h>

#include <iommufd/discover.h>

#include "cli.h"
#include "json-check.h"
#include "json.h"
#include "pci-names.h"

/* ---- the JSON writer, read back ---- */

struct capture {
	char *text;
	size_t len;
	FILE *f;
	struct json j;
};

static struct json *cap_begin(struct capture *c, bool pretty)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
	json_init(&c->j, c->f, pretty);
	return &c->j;
}

static struct jvalue *cap_end(struct capture *c)
{
	char err[128];
	struct jvalue *v;

	json_finish(&c->j);
	fclose(c->f);
	v = json_parse(c->text, err, sizeof(err));
	if (!v)
		fail_msg("not JSON (%s): %s", err, c->text);
	return v;
}

/* One document with every kind of value, compact and pretty. */
static void write_sample(struct json *j)
{
	json_object_begin(j);
	json_kstr(j, "s", "plain");
	json_kstr(j, "none", NULL);
	json_kint(j, "min", INT64_MIN);
	json_kint(j, "neg", -1);
	json_kuint(j, "max", UINT64_MAX);
	json_kbool(j, "t", true);
	json_kbool(j, "f", false);
	json_knull(j, "n");
	json_kint_or_null(j, "group", -1);
	json_kint_or_null(j, "node", 3);
	json_key(j, "empty_a");
	json_array_begin(j);
	json_array_end(j);
	json_key(j, "empty_o");
	json_object_begin(j);
	json_object_end(j);
	json_key(j, "list");
	json_array_begin(j);
	json_int(j, 1);
	json_string(j, "two");
	json_array_begin(j);
	json_null(j);
	json_array_end(j);
	json_object_begin(j);
	json_kstr(j, "k", "v");
	json_object_end(j);
	json_array_end(j);
	json_object_end(j);
}

static void check_sample(const struct jvalue *v)
{
	assert_int_equal(v->type, J_OBJECT);
	assert_int_equal(v->n, 13);
	assert_string_equal(json_get_str(v, "s"), "plain");
	assert_true(json_is_null(v, "none"));
	assert_string_equal(json_get(v, "min")->text, "-9223372036854775808");
	assert_string_equal(json_get(v, "neg")->text, "-1");
	assert_string_equal(json_get(v, "max")->text, "18446744073709551615");
	assert_true(json_get_bool(v, "t"));
	assert_int_equal(json_get(v, "f")->type, J_BOOL);
	assert_false(json_get_bool(v, "f"));
	assert_true(json_is_null(v, "n"));
	assert_true(json_is_null(v, "group"));
	assert_string_equal(json_get(v, "node")->text, "3");
	assert_int_equal(json_get(v, "empty_a")->type, J_ARRAY);
	assert_int_equal(json_get(v, "empty_a")->n, 0);
	assert_int_equal(json_get(v, "empty_o")->type, J_OBJECT);
	assert_int_equal(json_get(v, "empty_o")->n, 0);
	assert_int_equal(json_get(v, "list")->n, 4);
	assert_string_equal(json_at(json_get(v, "list"), 0)->text, "1");
	assert_string_equal(json_at(json_get(v, "list"), 1)->text, "two");
	assert_int_equal(json_at(json_at(json_get(v, "list"), 2), 0)->type, J_NULL);
	assert_string_equal(json_get_str(json_at(json_get(v, "list"), 3), "k"), "v");
}

static void test_writer_values(void **state)
{
	struct capture c;
	struct jvalue *v;

	(void)state;
	write_sample(cap_begin(&c, false));
	v = cap_end(&c);
	check_sample(v);
	/* compact: one line, ", " and ": " as the iommufd command always wrote */
	assert_non_null(strstr(c.text, "{\"s\": \"plain\", \"none\": null, "));
	assert_ptr_equal(strchr(c.text, '\n'), c.text + c.len - 1);
	json_free(v);
	free(c.text);

	write_sample(cap_begin(&c, true));
	v = cap_end(&c);
	check_sample(v);
	assert_non_null(strstr(c.text, "{\n    \"s\": \"plain\",\n    \"none\": null,\n"));
	assert_non_null(strstr(c.text, "\"empty_a\": [],\n"));
	assert_non_null(strstr(c.text, "        {\n            \"k\": \"v\"\n        }\n    ]\n}\n"));
	json_free(v);
	free(c.text);
}

/* Each input string, written and read back, is the expected text. */
static void test_writer_escapes(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;     /* decoded */
		const char *written;  /* as the writer put it, or NULL */
	} cases[] = {
		{ "quote\" backslash\\ slash/", 0, "quote\" backslash\\ slash/", "\"quote\\\" backslash\\\\ slash/\"" },
		{ "\b\f\n\r\t", 0, "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
		{ "\x01\x1f\x7f", 0, "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "nul\0inside", 10, "nul\0inside", "\"nul\\u0000inside\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 0, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", NULL },
		{ "\xef\xbf\xbf\xf4\x8f\xbf\xbf", 0, "\xef\xbf\xbf\xf4\x8f\xbf\xbf", NULL }, /* U+FFFF, U+10FFFF */
		/* not UTF-8: each bad byte becomes U+FFFD */
		{ "a\xff" "b", 0, "a\xef\xbf\xbd" "b", "\"a\\ufffdb\"" },
		{ "\xc0\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd", NULL },             /* overlong '/' */
		{ "\xe0\x80\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", NULL }, /* overlong, 3 bytes */
		{ "\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", NULL }, /* surrogate U+D800 */
		{ "\xf4\x90\x80\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", NULL }, /* past U+10FFFF */
		{ "\xc3", 0, "\xef\xbf\xbd", NULL },                              /* cut short */
		{ "\xe2\x82", 0, "\xef\xbf\xbd\xef\xbf\xbd", NULL },
		{ "\x80x", 0, "\xef\xbf\xbdx", NULL },                            /* lone continuation */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		size_t want_len = cases[i].len ? cases[i].len : strlen(cases[i].want);
		struct capture c;
		struct jvalue *v;

		json_string_len(cap_begin(&c, false), cases[i].in, len);
		v = cap_end(&c);
		assert_int_equal(v->type, J_STRING);
		assert_int_equal(v->len, want_len);
		assert_memory_equal(v->text, cases[i].want, want_len);
		if (cases[i].written) {
			c.text[c.len - 1] = '\0';
			assert_string_equal(c.text, cases[i].written);
		}
		json_free(v);
		free(c.text);
	}
}

/* ---- the reader refuses what is not JSON ---- */

static void test_reader_refuses(void **state)
{
	static const char *const bad[] = {
		"", " ", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "{\"a\":1,\"a\":2}",
		"\"raw\ttab\"", "\"raw\nline\"", "\"bad \xff byte\"", "\"overlong \xc0\xaf\"",
		"\"surrogate \xed\xa0\x80\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\x41\"",
		"\"\\u12g4\"", "\"open", "01", "-", "1.", ".5", "1e", "+1", "NaN", "Infinity", "tru", "nul",
		"[1] [2]", "{} x", "[", "{", "'single'", "[\"a\"", "{\"k\\u0000\":1}",
	};
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jvalue *v = json_parse(bad[i], err, sizeof(err));

		if (v)
			fail_msg("accepted %s", bad[i]);
		assert_string_not_equal(err, "");
	}
	{
		/* deeper than the reader's limit */
		char deep[200];

		memset(deep, '[', sizeof(deep) - 1);
		deep[sizeof(deep) - 1] = '\0';
		assert_null(json_parse(deep, err, sizeof(err)));
	}
}

static void test_reader_accepts(void **state)
{
	static const char *const good[] = {
		"0", "-0", "1.5e-3", "-12E+2", "true", "null", " [ ] ", "{}", "\"\\u00e9\\ud83d\\ude00\\/\"",
		"{\"a\": [1, {\"b\": null}], \"c\": \"\"}",
	};
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct jvalue *v = json_parse(good[i], err, sizeof(err));

		if (!v)
			fail_msg("refused %s: %s", good[i], err);
		json_free(v);
	}
	{
		struct jvalue *v = json_parse("\"\\u00e9\\ud83d\\ude00\"", err, sizeof(err));

		assert_non_null(v);
		assert_string_equal(v->text, "\xc3\xa9\xf0\x9f\x98\x80");
		json_free(v);
	}
}

/* ---- sizes ---- */

static void test_sizes(void **state)
{
	static const struct {
		const char *s;
		int rc;
		uint64_t v;
	} cases[] = {
		{ "0", 0, 0 }, { "4096", 0, 4096 }, { "4k", 0, 4096 }, { "4K", 0, 4096 }, { "2M", 0, 2 << 20 },
		{ "1G", 0, 1 << 30 }, { "0x10", 0, 16 }, { "010", 0, 8 },
		{ "16777215G", 0, 16777215ULL << 30 }, { "17179869183G", 0, 17179869183ULL << 30 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "17179869184G", -1, 0 }, /* 2^64: wrapped to 0 once */
		{ "18446744073709551616", -1, 0 }, { "18014398509481984K", -1, 0 },
		{ "-2", -1, 0 }, { "-0", -1, 0 }, { "+5", -1, 0 }, { " 5", -1, 0 }, { "", -1, 0 },
		{ "G", -1, 0 }, { "4T", -1, 0 }, { "4GB", -1, 0 }, { "4 G", -1, 0 }, { "lots", -1, 0 },
		{ "0x", -1, 0 }, { "08", -1, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 12345;
		int rc = cli_parse_size(cases[i].s, &v);

		if (rc != cases[i].rc)
			fail_msg("'%s': %d, want %d", cases[i].s, rc, cases[i].rc);
		assert_true(v == (rc == 0 ? cases[i].v : 12345)); /* untouched on failure */
	}
}

/* ---- PCI names over a fake hwdb ---- */

struct udev {
	int dummy;
};
struct udev_hwdb {
	int dummy;
};
struct udev_list_entry {
	const char *name, *value;
	struct udev_list_entry *next;
};

static bool hwdb_present;
static int udev_refs, hwdb_refs;
static char last_modalias[128];
static struct udev the_udev;
static struct udev_hwdb the_hwdb;
static struct udev_list_entry props[8];

struct udev *udev_new(void)
{
	udev_refs++;
	return &the_udev;
}

struct udev *udev_unref(struct udev *u)
{
	if (u)
		udev_refs--;
	return NULL;
}

struct udev_hwdb *udev_hwdb_new(struct udev *u)
{
	assert_ptr_equal(u, &the_udev);
	if (!hwdb_present)
		return NULL;
	hwdb_refs++;
	return &the_hwdb;
}

struct udev_hwdb *udev_hwdb_unref(struct udev_hwdb *h)
{
	if (h)
		hwdb_refs--;
	return NULL;
}

/* The properties for a modalias the fake knows: the edu device's vendor
 * has a name, the NVMe controller and its class too. */
struct udev_list_entry *udev_hwdb_get_properties_list_entry(struct udev_hwdb *h, const char *modalias,
							    unsigned int flags)
{
	size_t n = 0;

	assert_ptr_equal(h, &the_hwdb);
	assert_int_equal(flags, 0);
	snprintf(last_modalias, sizeof(last_modalias), "%s", modalias);
	memset(props, 0, sizeof(props));
	if (!strncmp(modalias, "pci:v00001B36d00000010", 22)) {
		props[n++] = (struct udev_list_entry){ "ID_PCI_CLASS_FROM_DATABASE", "Mass storage controller", NULL };
		props[n++] = (struct udev_list_entry){ "ID_VENDOR_FROM_DATABASE", "Red Hat, Inc.", NULL };
		props[n++] = (struct udev_list_entry){ "ID_PCI_SUBCLASS_FROM_DATABASE", "Non-Volatile memory controller", NULL };
		props[n++] = (struct udev_list_entry){ "ID_MODEL_FROM_DATABASE", "QEMU NVM Express Controller", NULL };
		props[n++] = (struct udev_list_entry){ "ID_PCI_INTERFACE_FROM_DATABASE", "NVM Express", NULL };
	} else if (!strncmp(modalias, "pci:v00001234", 13)) {
		props[n++] = (struct udev_list_entry){ "ID_VENDOR_FROM_DATABASE", "Technical Corp.", NULL };
		props[n++] = (struct udev_list_entry){ "ID_PCI_CLASS_FROM_DATABASE", "Unassigned class", NULL };
		props[n++] = (struct udev_list_entry){ "ID_MODEL_FROM_DATABASE", "", NULL }; /* empty: no name */
	}
	for (size_t i = 0; i + 1 < n; i++)
		props[i].next = &props[i + 1];
	return n ? &props[0] : NULL;
}

struct udev_list_entry *udev_list_entry_get_next(struct udev_list_entry *e)
{
	return e ? e->next : NULL;
}

const char *udev_list_entry_get_name(struct udev_list_entry *e)
{
	return e ? e->name : NULL;
}

const char *udev_list_entry_get_value(struct udev_list_entry *e)
{
	return e ? e->value : NULL;
}

static const struct iommufd_pci_info nvme = {
	.addr = "0000:00:04.0", .vendor = 0x1b36, .device = 0x0010, .subsystem_vendor = 0x1af4,
	.subsystem_device = 0x1100, .class_code = 0x010802,
};
static const struct iommufd_pci_info edu = {
	.addr = "0000:00:03.0", .vendor = 0x1234, .device = 0x11e8, .class_code = 0x00ff00,
};
static const struct iommufd_pci_info unknown = {
	.addr = "0000:00:05.0", .vendor = 0xabcd, .device = 0x0001, .class_code = 0xff0000,
};

static void test_names(void **state)
{
	struct pci_names_db *db;
	struct pci_names n;
	char buf[128];

	(void)state;
	pci_names_modalias(&nvme, buf, sizeof(buf));
	assert_string_equal(buf, "pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02");

	hwdb_present = true;
	db = pci_names_open();
	assert_non_null(db);
	pci_names_lookup(db, &nvme, &n);
	assert_string_equal(last_modalias, "pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02");
	assert_string_equal(n.vendor, "Red Hat, Inc.");
	assert_string_equal(n.device, "QEMU NVM Express Controller");
	assert_string_equal(n.class_name, "Non-Volatile memory controller"); /* the subclass, as lspci */
	pci_names_describe(&n, &nvme, buf, sizeof(buf));
	assert_string_equal(buf, "Red Hat, Inc. QEMU NVM Express Controller");
	pci_names_clear(&n);
	assert_null(n.vendor);

	pci_names_lookup(db, &edu, &n);
	assert_string_equal(n.vendor, "Technical Corp.");
	assert_null(n.device);
	assert_string_equal(n.class_name, "Unassigned class");
	pci_names_describe(&n, &edu, buf, sizeof(buf));
	assert_string_equal(buf, "Technical Corp. Device 11e8");
	pci_names_clear(&n);

	pci_names_lookup(db, &unknown, &n);
	assert_null(n.vendor);
	assert_null(n.device);
	assert_null(n.class_name);
	pci_names_describe(&n, &unknown, buf, sizeof(buf));
	assert_string_equal(buf, "");
	pci_names_close(db);
	assert_int_equal(udev_refs, 0);
	assert_int_equal(hwdb_refs, 0);
}

/* No hwdb.bin: no database, every name NULL, nothing leaked. */
static void test_names_without_hwdb(void **state)
{
	struct pci_names n;
	char buf[64] = "x";

	(void)state;
	hwdb_present = false;
	assert_null(pci_names_open());
	assert_int_equal(udev_refs, 0);
	pci_names_lookup(NULL, &nvme, &n);
	assert_null(n.vendor);
	assert_null(n.device);
	assert_null(n.class_name);
	pci_names_describe(&n, &nvme, buf, sizeof(buf));
	assert_string_equal(buf, "");
	pci_names_clear(&n);
	pci_names_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_values),
		cmocka_unit_test(test_writer_escapes),
		cmocka_unit_test(test_reader_refuses),
		cmocka_unit_test(test_reader_accepts),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_names_without_hwdb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
