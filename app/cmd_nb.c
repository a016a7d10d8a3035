/* PLACEHOLDER — being written; replaced by the real command. */
#include <stdio.h>

#include "cli.h"

int mx_cmd_nb(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "mixscope nb: not built yet\n");
  return 3;
}
