/* PLACEHOLDER — being written; replaced by the real command. */
#include <stdio.h>

#include "cli.h"

int mx_cmd_export(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "mixscope export: not built yet\n");
  return 3;
}
