/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * What the iommufd command's files share: the run's settings and output
 * streams, the command table's entry, and the ways a command ends (a
 * usage error, exit 2; a failure, exit 1). See iommufd(1).
 */
#ifndef IOMMUFD_TOOLS_CLI_H
#define IOMMUFD_TOOLS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

/* Exit statuses (iommufd(1), EXIT STATUS). */
enum {
	CLI_OK = 0,
	CLI_FAILED = 1,     /* the command failed; for check: not ready */
	CLI_USAGE = 2,      /* bad usage: one line says what is wrong */
	CLI_CANNOT_CHECK = 3, /* check: the checks could not be made */
};

/* One run of the command. out and err are stdout and stderr, except under
 * tests (tests/fuzz/fuzz-cli.c). */
struct cli {
	FILE *out, *err;
	bool json;    /* -j: JSON on out */
	bool pretty;  /* -p: indented JSON (implies json) */
	const char *cmd; /* the command's name, for messages */
	struct json j;
};

extern struct cli cli;

struct command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the name */
	const char *synopsis; /* what follows "iommufd NAME", or "" */
	const char *summary;  /* one line for `iommufd help` */
	const char *help;     /* the options and operands, for NAME --help */
};

/* The table, in tools/iommufd.c. */
extern const struct command cli_commands[];
extern const size_t cli_ncommands;

/* The command's entry point (tools/main.c calls it; the fuzz target too). */
int cli_main(int argc, char **argv);

/* "iommufd: CMD: what (try 'iommufd CMD --help')" on err (and
 * {"error": ...} on out under -j); returns CLI_USAGE. */
__attribute__((format(printf, 1, 2))) int cli_usage(const char *fmt, ...);
/* "iommufd: what" on err (and {"error": ...} on out under -j); returns
 * status. */
__attribute__((format(printf, 2, 3))) int cli_fail_status(int status, const char *fmt, ...);
#define cli_fail(...) cli_fail_status(CLI_FAILED, __VA_ARGS__)

/* getopt_long over a command's words, with the message of a usage error
 * made by the command (opterr is 0): returns the option, -1 at the end, or
 * '?' after printing the usage error (the caller returns CLI_USAGE).
 * shortopts must start with ':'. */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* Begin JSON output on cli.out. */
struct json *cli_json(void);

/* A size: a number (decimal, 0x hex or 0 octal) with an optional K, M or G
 * (powers of 1024). Negative values, trailing text and sizes past 2^64 - 1
 * are refused. tools/size.c. */
int cli_parse_size(const char *s, uint64_t *out);

/* The commands (tools/cmd-*.c). */
int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_bind(int argc, char **argv);
int cmd_unbind(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_mdev(int argc, char **argv);
int cmd_exec(int argc, char **argv);  /* tools/cmd-exec.c */
int cmd_serve(int argc, char **argv); /* tools/cmd-serve.c */
int cmd_help(int argc, char **argv);

/* `iommufd version` and -V; short: only the library's version. */
int cli_print_version(bool short_form);
/* The help of one command, or of the whole tool (c NULL). */
void cli_print_help(FILE *f, const struct command *c);
const struct command *cli_find_command(const char *name);

#endif
