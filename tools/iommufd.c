// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * iommufd: list, prepare and check devices for /dev/iommu. See iommufd(1).
 * This file: the command table, the global options, help and the ways a
 * command ends; the commands are in cmd-*.c.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/iommufd.h>

#include "cli.h"

struct cli cli;

const struct command cli_commands[] = {
	{ "list", cmd_list, "[--vfio | --vdpa [--probe]]",
	  "list PCI devices (or vDPA devices) with their IOMMU group and VFIO node",
	  "  --vfio      only devices bound to VFIO with a device node (/dev/vfio/devices/vfioN)\n"
	  "  --vdpa      vDPA devices instead of PCI devices\n"
	  "  --probe     with --vdpa: open each idle vhost-vdpa node to read its address\n"
	  "              spaces, groups and iommufd support; OPENING RESETS THE DEVICE\n"
	  "  --json      the same as the global -j\n"
	  "Names come from the udev hardware database (hwdb) when it is installed.\n" },
	{ "info", cmd_info, "ADDRESS [--probe]",
	  "show one PCI device; with --probe, what its IOMMU reports",
	  "  ADDRESS     a PCI address, [dddd:]bb:dd.f as lspci -D prints it\n"
	  "  --probe     open the device's VFIO node, bind it to a new iommufd and attach\n"
	  "              it to an I/O address space, to show the IOMMU's type, PASID\n"
	  "              width, capabilities and usable IOVA ranges; BINDING RESETS THE\n"
	  "              DEVICE. Without --probe nothing is opened.\n" },
	{ "bind", cmd_bind, "ADDRESS",
	  "bind a PCI device to vfio-pci",
	  "  ADDRESS     a PCI address; vfio_pci is loaded if needed. Refused while\n"
	  "              another device of the IOMMU group is on a host driver.\n" },
	{ "unbind", cmd_unbind, "ADDRESS [--driver NAME | --none]",
	  "take a PCI device from vfio-pci",
	  "  ADDRESS     a PCI address\n"
	  "  --driver NAME  bind it to NAME afterwards (its module is loaded if needed)\n"
	  "  --none      leave it without a driver\n"
	  "By default the kernel chooses the driver.\n" },
	{ "check", cmd_check, "[ADDRESS] [--memlock SIZE] [-q]",
	  "check that the host (and a device) can use /dev/iommu: PASS, WARN or FAIL per check",
	  "  ADDRESS     also check this PCI device\n"
	  "  --memlock SIZE  check that RLIMIT_MEMLOCK allows pinning SIZE bytes (K, M or G:\n"
	  "              powers of 1024)\n"
	  "  -q, --quiet print failures only\n"
	  "An INFO line names the IOMMU backend the library gets on this host.\n"
	  "Exit status: 0 ready, 1 not ready (a FAIL), 2 bad usage, 3 could not check.\n" },
	{ "features", cmd_features, "",
	  "which parts of the iommufd uAPI the running kernel supports",
	  "Opens the IOMMU backend (/dev/iommu; without it, VFIO containers for the\n"
	  "legacy VFIO backend), names it and probes each feature without side effects.\n" },
	{ "version", cmd_version, "",
	  "the library's version, its IOMMU backend and the kernel's features",
	  "The backend (iommufd, or vfio-type1 where /dev/iommu does not exist; the\n"
	  "environment variable IOMMUFD_BACKEND chooses) and the features need one of\n"
	  "them; without either they are shown as unknown.\n" },
	{ "mdev", cmd_mdev, "list | create PARENT TYPE [UUID] | remove UUID",
	  "list, create and remove mediated devices",
	  "  list        the mdev types of every parent and the existing instances\n"
	  "  create PARENT TYPE [UUID]  create an instance (a new UUID unless given)\n"
	  "  remove UUID remove an instance\n" },
	{ "exec", cmd_exec, "[--device ADDRESS]... [--user USER] [--memlock SIZE] [--rlimit-mode user|process] [--connect SOCKET] -- PROGRAM [ARG]...",
	  "run a program (a VMM) unprivileged on /dev/iommu and device descriptors opened as root",
	  "  --device ADDRESS  bind this PCI device to vfio-pci (group checked) and pass its\n"
	  "              VFIO node, unbound; in PROGRAM's words {dev:ADDRESS} is its number\n"
	  "  --user USER run PROGRAM as USER (its groups; no capabilities left)\n"
	  "  --memlock SIZE  RLIMIT_MEMLOCK for PROGRAM (K, M or G: powers of 1024)\n"
	  "  --rlimit-mode user|process  how the new iommufd charges pinned memory\n"
	  "  --connect SOCKET  take the descriptors from an `iommufd serve` helper instead\n"
	  "{iommufd} is the iommufd's number; IOMMUFD_FD and IOMMUFD_DEVICES (ADDRESS=N,...)\n"
	  "say the same. A failure before PROGRAM runs leaves the devices where they were.\n" },
	{ "serve", cmd_serve, "--socket PATH --device ADDRESS... --allow-uid UID... [--allow-gid GID]... [--rlimit-mode user|process] [--once]",
	  "hand a new iommufd and the devices' descriptors to allowed clients of a UNIX socket",
	  "  --socket PATH  the SOCK_SEQPACKET socket to listen on\n"
	  "  --device ADDRESS  a PCI device to serve (bound to vfio-pci as exec does)\n"
	  "  --allow-uid UID, --allow-gid GID  the clients served (SO_PEERCRED)\n"
	  "  --rlimit-mode user|process  how each new iommufd charges pinned memory\n"
	  "  --once      stop after the first client served\n"
	  "Every refusal is printed with its reason; clients use iommufd exec --connect.\n" },
	{ "help", cmd_help, "[COMMAND]",
	  "this list, or the help of one command",
	  "  COMMAND     the command to explain (the same as iommufd COMMAND --help)\n" },
};

const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);

__attribute__((format(printf, 1, 0)))
static void vreport(const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* one line, whatever the message holds */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	fprintf(cli.err, "iommufd: %s\n", msg);
	if (cli.json) {
		struct json *j = cli_json();

		json_object_begin(j);
		json_kstr(j, "error", msg);
		json_object_end(j);
		json_finish(j);
	}
}

int cli_usage(const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cli.cmd)
		cli_fail_status(CLI_USAGE, "%s: %s (try 'iommufd %s --help')", cli.cmd, msg, cli.cmd);
	else
		cli_fail_status(CLI_USAGE, "%s (try 'iommufd help')", msg);
	return CLI_USAGE;
}

int cli_fail_status(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	return status;
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);
	const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	if (c == '?') {
		size_t len = strcspn(word, "="), matches = 0;

		for (const struct option *o = longopts; o && o->name; o++)
			matches += !strncmp(word, "--", 2) && len > 2 && !strncmp(o->name, word + 2, len - 2);
		if (optopt)
			cli_usage("unknown option '-%c'", optopt);
		else if (matches > 1)
			cli_usage("option '%.*s' is ambiguous", (int)len, word);
		else
			cli_usage("unknown option '%s'", word);
	} else if (c == ':') {
		if (optopt && strncmp(word, "--", 2))
			cli_usage("option '-%c' needs an argument", optopt);
		else
			cli_usage("option '%s' needs an argument", word);
		c = '?';
	}
	return c;
}

struct json *cli_json(void)
{
	json_init(&cli.j, cli.out, cli.pretty);
	return &cli.j;
}

const struct command *cli_find_command(const char *name)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (!strcmp(cli_commands[i].name, name))
			return &cli_commands[i];
	return NULL;
}

static void help_json(const struct command *c)
{
	struct json *j = &cli.j;

	json_object_begin(j);
	json_kstr(j, "name", c->name);
	json_kstr(j, "synopsis", c->synopsis);
	json_kstr(j, "summary", c->summary);
	json_kstr(j, "help", c->help);
	json_object_end(j);
}

void cli_print_help(FILE *f, const struct command *c)
{
	if (cli.json) {
		cli_json();
		if (c) {
			help_json(c);
		} else {
			json_object_begin(&cli.j);
			json_key(&cli.j, "commands");
			json_array_begin(&cli.j);
			for (size_t i = 0; i < cli_ncommands; i++)
				help_json(&cli_commands[i]);
			json_array_end(&cli.j);
			json_object_end(&cli.j);
		}
		json_finish(&cli.j);
		return;
	}
	if (c) {
		fprintf(f, "usage: iommufd %s%s%s\n\n%s.\n\n%s", c->name, *c->synopsis ? " " : "", c->synopsis,
			c->summary, c->help);
		return;
	}
	fputs("usage: iommufd [-j] [-p] COMMAND [ARGUMENTS]\n"
	      "       iommufd help [COMMAND] | COMMAND --help | -V\n\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < cli_ncommands; i++)
		fprintf(f, "  %-10s %s\n", cli_commands[i].name, cli_commands[i].summary);
	fputs("\nGlobal options (before the command):\n"
	      "  -j, --json     JSON output, one document on standard output\n"
	      "  -p, --pretty   indented JSON (implies --json)\n"
	      "  -V, --version  the library's version\n"
	      "  -h, --help     this help\n\n"
	      "Exit status: 0 success, 1 failure (check: not ready), 2 bad usage,\n"
	      "3 check could not check. See iommufd(1).\n", f);
}

int cmd_help(int argc, char **argv)
{
	const struct command *c = NULL;

	if (argc > 2)
		return cli_usage("expected at most one command, got %d words", argc - 1);
	if (argc == 2 && !(c = cli_find_command(argv[1])))
		return cli_usage("unknown command '%s'", argv[1]);
	cli_print_help(cli.out, c);
	return CLI_OK;
}

/* Whether the words after the command ask for its help (up to "--"). */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

int cli_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct command *c;
	FILE *out = cli.out ? cli.out : stdout, *err = cli.err ? cli.err : stderr;
	int opt;

	memset(&cli, 0, sizeof(cli));
	cli.out = out;
	cli.err = err;
	opterr = 0;
	/* '+': the global options end at the command's name */
	while ((opt = cli_getopt(argc, argv, "+:jpVh", opts)) != -1) {
		switch (opt) {
		case 'j': cli.json = true; break;
		case 'p': cli.json = cli.pretty = true; break;
		case 'V': return cli_print_version(true);
		case 'h': cli_print_help(cli.out, NULL); return CLI_OK;
		default: return CLI_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage("no command given");
	c = cli_find_command(argv[optind]);
	if (!c)
		return cli_usage("unknown command '%s'", argv[optind]);
	argc -= optind;
	argv += optind;
	cli.cmd = c->name;
	if (wants_help(argc, argv)) {
		cli_print_help(cli.out, c);
		return CLI_OK;
	}
	optind = 0; /* the command's getopt starts afresh at argv[1] */
	return c->run(argc, argv);
}
