// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* A strict JSON reader for tests: see json-check.h. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-check.h"

#define MAX_DEPTH 64

struct reader {
	const unsigned char *s, *start;
	char *err;
	size_t errsz;
	bool failed;
	int depth;
};

__attribute__((format(printf, 2, 3)))
static void *fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->failed)
		return NULL;
	r->failed = true;
	if (!r->errsz)
		return NULL;
	n = snprintf(r->err, r->errsz, "offset %zu: ", (size_t)(r->s - r->start));
	if (n >= 0 && (size_t)n < r->errsz) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return NULL;
}

static void skip_ws(struct reader *r)
{
	while (*r->s == ' ' || *r->s == '\t' || *r->s == '\n' || *r->s == '\r')
		r->s++;
}

static struct jvalue *new_value(struct reader *r, enum jtype t)
{
	struct jvalue *v = calloc(1, sizeof(*v));

	if (!v)
		return fail(r, "out of memory");
	v->type = t;
	return v;
}

/* A growing buffer for a decoded string. */
struct buf {
	char *p;
	size_t len, cap;
};

static bool put(struct buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 32) + n;
		char *p = realloc(b->p, cap);

		if (!p)
			return false;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return true;
}

static bool put_utf8(struct buf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return put(b, u, n);
}

static int hex4(const unsigned char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Length of the well-formed UTF-8 sequence at s, or 0 (the Unicode
 * standard's table 3-7: no overlong forms, no surrogates, at most U+10FFFF). */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* A string at r->s (on its opening quote), decoded into b. */
static bool read_string(struct reader *r, struct buf *b)
{
	r->s++;
	if (!put(b, "", 0))
		return fail(r, "out of memory"), false;
	for (;;) {
		unsigned char c = *r->s;
		uint32_t cp, lo;
		size_t n;

		if (c == '"') {
			r->s++;
			return true;
		}
		if (c == '\0')
			return fail(r, "unterminated string"), false;
		if (c < 0x20)
			return fail(r, "raw control character 0x%02x in a string", c), false;
		if (c >= 0x80) {
			n = utf8_seq(r->s);
			if (!n)
				return fail(r, "invalid UTF-8 byte 0x%02x", c), false;
			if (!put(b, r->s, n))
				return fail(r, "out of memory"), false;
			r->s += n;
			continue;
		}
		if (c != '\\') {
			if (!put(b, &c, 1))
				return fail(r, "out of memory"), false;
			r->s++;
			continue;
		}
		r->s++;
		switch (*r->s) {
		case '"': case '\\': case '/': c = *r->s; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if (hex4(r->s + 1, &cp) < 0)
				return fail(r, "malformed \\u escape"), false;
			r->s += 5;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(r, "unpaired low surrogate \\u%04x", cp), false;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r->s[0] != '\\' || r->s[1] != 'u' || hex4(r->s + 2, &lo) < 0 || lo < 0xdc00 ||
				    lo > 0xdfff)
					return fail(r, "unpaired high surrogate \\u%04x", cp), false;
				r->s += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (!put_utf8(b, cp))
				return fail(r, "out of memory"), false;
			continue;
		default:
			return fail(r, "unknown escape '\\%c'", *r->s ? *r->s : '0'), false;
		}
		if (!put(b, &c, 1))
			return fail(r, "out of memory"), false;
		r->s++;
	}
}

static struct jvalue *read_value(struct reader *r);

static bool append(struct reader *r, struct jvalue *v, char *key, struct jvalue *item)
{
	struct jvalue **items = realloc(v->items, (v->n + 1) * sizeof(*items));
	char **keys;

	if (!items)
		return fail(r, "out of memory"), false;
	v->items = items;
	if (v->type == J_OBJECT) {
		keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));
		if (!keys)
			return fail(r, "out of memory"), false;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return true;
}

static struct jvalue *read_container(struct reader *r, enum jtype t)
{
	char close = t == J_ARRAY ? ']' : '}';
	struct jvalue *v;

	if (++r->depth > MAX_DEPTH)
		return fail(r, "nested deeper than %d", MAX_DEPTH);
	v = new_value(r, t);
	if (!v)
		return NULL;
	r->s++;
	skip_ws(r);
	if (*r->s == close) {
		r->s++;
		r->depth--;
		return v;
	}
	for (;;) {
		struct buf key = { 0 };
		struct jvalue *item;

		skip_ws(r);
		if (t == J_OBJECT) {
			if (*r->s != '"') {
				fail(r, "expected a member name");
				goto bad;
			}
			if (!read_string(r, &key)) {
				free(key.p);
				goto bad;
			}
			if (strlen(key.p) != key.len || json_get(v, key.p)) {
				fail(r, "%s member name '%s'", strlen(key.p) != key.len ? "a NUL in the" : "duplicate",
				     key.p);
				free(key.p);
				goto bad;
			}
			skip_ws(r);
			if (*r->s != ':') {
				free(key.p);
				fail(r, "expected ':'");
				goto bad;
			}
			r->s++;
		}
		item = read_value(r);
		if (!item || !append(r, v, key.p, item)) {
			free(key.p);
			json_free(item);
			goto bad;
		}
		skip_ws(r);
		if (*r->s == ',') {
			r->s++;
			continue;
		}
		if (*r->s == close) {
			r->s++;
			r->depth--;
			return v;
		}
		fail(r, "expected ',' or '%c'", close);
		goto bad;
	}
bad:
	json_free(v);
	return NULL;
}

static struct jvalue *read_number(struct reader *r)
{
	const unsigned char *p = r->s;
	struct jvalue *v;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return fail(r, "malformed number");
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return fail(r, "malformed number: no digit after '.'");
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return fail(r, "malformed number: no digit in the exponent");
		while (*p >= '0' && *p <= '9')
			p++;
	}
	v = new_value(r, J_NUMBER);
	if (!v)
		return NULL;
	v->text = strndup((const char *)r->s, (size_t)(p - r->s));
	if (!v->text) {
		free(v);
		return fail(r, "out of memory");
	}
	v->number = strtod(v->text, NULL);
	r->s = p;
	return v;
}

static struct jvalue *read_word(struct reader *r, const char *word, enum jtype t, bool b)
{
	struct jvalue *v;

	if (strncmp((const char *)r->s, word, strlen(word)))
		return fail(r, "unexpected character '%c'", *r->s);
	r->s += strlen(word);
	v = new_value(r, t);
	if (v)
		v->boolean = b;
	return v;
}

static struct jvalue *read_value(struct reader *r)
{
	struct jvalue *v;
	struct buf b = { 0 };

	skip_ws(r);
	switch (*r->s) {
	case '{': return read_container(r, J_OBJECT);
	case '[': return read_container(r, J_ARRAY);
	case '"':
		if (!read_string(r, &b)) {
			free(b.p);
			return NULL;
		}
		v = new_value(r, J_STRING);
		if (!v) {
			free(b.p);
			return NULL;
		}
		v->text = b.p;
		v->len = b.len;
		return v;
	case 't': return read_word(r, "true", J_BOOL, true);
	case 'f': return read_word(r, "false", J_BOOL, false);
	case 'n': return read_word(r, "null", J_NULL, false);
	case '\0': return fail(r, "unexpected end of text");
	default:
		if (*r->s == '-' || (*r->s >= '0' && *r->s <= '9'))
			return read_number(r);
		return fail(r, "unexpected character '%c'", *r->s);
	}
}

struct jvalue *json_parse(const char *text, char *err, size_t errsz)
{
	struct reader r = { .s = (const unsigned char *)text, .start = (const unsigned char *)text,
			    .err = err, .errsz = errsz };
	struct jvalue *v;

	if (errsz)
		err[0] = '\0';
	if (!text)
		return fail(&r, "no text");
	v = read_value(&r);
	if (!v)
		return NULL;
	skip_ws(&r);
	if (*r.s) {
		json_free(v);
		return fail(&r, "text after the value");
	}
	return v;
}

void json_free(struct jvalue *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
	free(v);
}

const struct jvalue *json_get(const struct jvalue *o, const char *key)
{
	if (!o || o->type != J_OBJECT)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->keys[i], key))
			return o->items[i];
	return NULL;
}

const struct jvalue *json_at(const struct jvalue *a, size_t i)
{
	return a && a->type == J_ARRAY && i < a->n ? a->items[i] : NULL;
}

const char *json_get_str(const struct jvalue *o, const char *key)
{
	const struct jvalue *v = json_get(o, key);

	return v && v->type == J_STRING ? v->text : NULL;
}

bool json_get_bool(const struct jvalue *o, const char *key)
{
	const struct jvalue *v = json_get(o, key);

	return v && v->type == J_BOOL && v->boolean;
}

bool json_is_null(const struct jvalue *o, const char *key)
{
	const struct jvalue *v = json_get(o, key);

	return v && v->type == J_NULL;
}
