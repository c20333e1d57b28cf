// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The iommufd command's main(): everything else is cli_main() (iommufd.c),
 * which tests/fuzz/fuzz-cli.c calls with its own streams. */
#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
