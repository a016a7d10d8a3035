/* mixscope — the headless command line, in the same binary as the explorer.
 *
 * `mixscope CMD [options]`; every command has --help. Exit codes:
 *   0 success, 1 a data/file/model error (message names the file, line or field),
 *   2 bad arguments (message + "Try 'mixscope CMD --help'"), 3 no display (GUI).
 * Commands print exactly what the views show. One file per command: cmd_<name>.c. */
#ifndef MIXSCOPE_CLI_H
#define MIXSCOPE_CLI_H

#include <cjson/cJSON.h>

#include "mixscope/error.h"
#include "mixscope/json.h"

/* X(name, summary): the command table. */
#define MX_COMMANDS(X)                                                            \
  X(theta,     "per-pixel Bernoulli model: theta (raw MLE / Beta prior) and test NLL") \
  X(nb,        "naive Bayes on per-class theta: accuracy and confusion matrix")     \
  X(gmm,       "Gaussian mixture EM (optionally semi-supervised) on a CSV of 2-D points") \
  X(pca,       "project MNIST digits to 2-D by PCA, write CSV")                    \
  X(posterior, "Normal-Normal conjugate posterior of a mean")                       \
  X(bmm,       "Bernoulli mixture EM on binarized MNIST")                           \
  X(moe,       "mixture of experts on Bishop's inverse problem")                    \
  X(shot,      "render a view headless to PNG")                                     \
  X(export,    "export an EM run as PNG frames / animated GIF")

#define MX_CMD_DECL(name, summary) int mx_cmd_##name(int argc, char **argv);
MX_COMMANDS(MX_CMD_DECL)
#undef MX_CMD_DECL

/* If argv[1] names a command (or is --help / help), run it and return its exit
 * code; otherwise return -1 (the caller starts the explorer). */
int mx_cli_main(int argc, char **argv);

/* Print "mixscope CMD: <message>\nTry 'mixscope CMD --help'." to stderr; returns 2. */
int mx_cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;

/* Print "mixscope CMD: <err->msg or strerror>" to stderr; returns 1. */
int mx_cli_fail(const char *cmd, const mx_error *err);

/* Parse a finite number / an integer from option `opt` of `cmd`, in [lo, hi].
 * On failure print a usage error naming the option and value; return 2. Else 0. */
int mx_cli_double(const char *cmd, const char *opt, const char *s, double lo, double hi,
                  double *out);
int mx_cli_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);

/* mx_json_number (a JSON number that reads back exactly; the strings "inf",
 * "-inf", "nan" for non-finite values), mx_json_numbers and mx_json_write_file
 * (root to a file atomically, exact numbers): mixscope/json.h. */

/* Print root to stdout (formatted) and free it; returns 0, or 1 on failure. */
int mx_cli_print_json(cJSON *root);

#endif
