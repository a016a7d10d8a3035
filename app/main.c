/* mixscope — entry point: a headless command, or the explorer. */
#include "app.h"
#include "cli.h"

int main(int argc, char **argv) {
  int rc = mx_cli_main(argc, argv);
  if (rc >= 0) return rc;
  return mx_app_main(argc, argv);
}
