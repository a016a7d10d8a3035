/* PLACEHOLDER — being written; replaced by the real command. */
#include <stdio.h>

#include "cli.h"

int mx_cmd_posterior(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "mixscope posterior: not built yet\n");
  return 3;
}
