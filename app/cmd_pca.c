/* PLACEHOLDER — being written; replaced by the real command. */
#include <stdio.h>

#include "cli.h"

int mx_cmd_pca(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "mixscope pca: not built yet\n");
  return 3;
}
