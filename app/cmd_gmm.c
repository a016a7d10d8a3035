/* PLACEHOLDER — being written; replaced by the real command. */
#include <stdio.h>

#include "cli.h"

int mx_cmd_gmm(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "mixscope gmm: not built yet\n");
  return 3;
}
