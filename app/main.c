/* mixscope — entry point: a headless command, or the explorer. */
#include <gsl/gsl_errno.h>

#include "shell/app.h"
#include "cli/cli.h"

int main(int argc, char **argv) {
  int rc;
  /* Every GSL call's status is checked where it is made (a singular matrix is
   * an error message, not an abort), so GSL's default handler, which aborts,
   * is switched off once here, before any thread starts. */
  gsl_set_error_handler_off();
  rc = mx_cli_main(argc, argv);
  if (rc >= 0) return rc;
  return mx_app_main(argc, argv);
}
