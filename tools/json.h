/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * A small streaming JSON writer for the iommufd command (RFC 8259 output).
 * Compact output is one line with ", " and ": " between items; pretty output
 * puts each member on its own line, indented by four spaces. Strings are
 * written as valid UTF-8: '"', '\\' and control characters are escaped, and
 * a byte that does not start or continue a well-formed UTF-8 sequence
 * (overlong forms, surrogates, code points past U+10FFFF) becomes U+FFFD.
 * The caller nests begin/end calls correctly; the writer does not check.
 */
#ifndef IOMMUFD_TOOLS_JSON_H
#define IOMMUFD_TOOLS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key; /* the next value follows "key": on the same line */
};

void json_init(struct json *j, FILE *f, bool pretty);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
/* A member's name, in an object; its value comes next. */
void json_key(struct json *j, const char *key);
/* NULL is written as null. */
void json_string(struct json *j, const char *s);
/* The first len bytes of s (which may hold NUL bytes). */
void json_string_len(struct json *j, const char *s, size_t len);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Ends the document: the newline after the outermost value. */
void json_finish(struct json *j);

/* key and value in one call */
void json_kstr(struct json *j, const char *key, const char *s);
void json_kint(struct json *j, const char *key, int64_t v);
void json_kuint(struct json *j, const char *key, uint64_t v);
void json_kbool(struct json *j, const char *key, bool v);
void json_knull(struct json *j, const char *key);
/* v, or null when v < 0 (the library's "unknown" sentinel) */
void json_kint_or_null(struct json *j, const char *key, int64_t v);

#endif
