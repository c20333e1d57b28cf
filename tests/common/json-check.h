/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * A strict JSON reader for tests (RFC 8259): the whole text must be one
 * value with nothing but white space around it; strings must be valid
 * UTF-8 with no raw control character, escapes well-formed (a \u surrogate
 * must be paired); numbers as the grammar says (no leading zeros, no "+",
 * no NaN); no trailing commas; objects without duplicate names. The tree
 * it builds lets a test look values up. Used by tests/tools/test-json.c
 * (the command's writer read back) and tests/kernel/test-cli.c (the
 * command's output in the VM, where there is no python).
 */
#ifndef IOMMUFD_TESTS_JSON_CHECK_H
#define IOMMUFD_TESTS_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT };

struct jvalue {
	enum jtype type;
	bool boolean;          /* J_BOOL */
	double number;         /* J_NUMBER */
	char *text;            /* J_STRING: decoded (UTF-8, NUL-terminated); J_NUMBER: as written */
	size_t len;            /* J_STRING: bytes of text (it may hold NUL) */
	size_t n;              /* J_ARRAY, J_OBJECT: entries */
	char **keys;           /* J_OBJECT: names */
	struct jvalue **items; /* J_ARRAY, J_OBJECT: values */
};

/* Parse text; NULL and a reason ("offset 12: expected ':'") in err when it
 * is not valid JSON. */
struct jvalue *json_parse(const char *text, char *err, size_t errsz);
void json_free(struct jvalue *v);

/* The member key of object o, NULL when o is not an object or has none. */
const struct jvalue *json_get(const struct jvalue *o, const char *key);
/* Element i of array a, or NULL. */
const struct jvalue *json_at(const struct jvalue *a, size_t i);
/* Shorthands: the string (NULL when missing or not a string), the boolean
 * (false likewise), whether the member is there and null. */
const char *json_get_str(const struct jvalue *o, const char *key);
bool json_get_bool(const struct jvalue *o, const char *key);
bool json_is_null(const struct jvalue *o, const char *key);

#endif
