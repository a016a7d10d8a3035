/* PLACEHOLDER — being written; replaced by the real command. */
#include <stdio.h>

#include "cli.h"

int mx_cmd_bmm(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "mixscope bmm: not built yet\n");
  return 3;
}
