/* PLACEHOLDER — being written; replaced by the real app shell. */
#include <stdio.h>

#include "app.h"

int mx_app_main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "mixscope: the explorer is not built yet\n");
  return 3;
}
