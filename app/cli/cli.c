#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixscope/fileio.h"

typedef struct mx_cmd {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv);
} mx_cmd;

static const mx_cmd mx_cmds[] = {
#define MX_CMD_ROW(name, summary) {#name, summary, mx_cmd_##name},
  MX_COMMANDS(MX_CMD_ROW)
#undef MX_CMD_ROW
};

static void cli_print_help(FILE *fp) {
  size_t i;
  fprintf(fp,
          "mixscope — an interactive explorer for probabilistic models of data\n\n"
          "usage: mixscope [--mnist DIR] [--view NAME] [--scene FILE] [--fullscreen]\n"
          "                                   start the explorer (needs a display)\n"
          "       mixscope CMD [options]      run a headless command:\n\n");
  for (i = 0; i < sizeof mx_cmds / sizeof mx_cmds[0]; i++)
    fprintf(fp, "  %-10s %s\n", mx_cmds[i].name, mx_cmds[i].summary);
  fprintf(fp, "\n'mixscope CMD --help' shows the options of a command.\n"
              "Data: --mnist DIR, then $MIXSCOPE_DATA, then data/mnist (scripts/fetch-mnist.sh),\n"
              "then the bundled sample in assets/mnist-sample.\n");
}

int mx_cli_main(int argc, char **argv) {
  size_t i;
  if (argc < 2) return -1;
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    cli_print_help(stdout);
    return 0;
  }
  for (i = 0; i < sizeof mx_cmds / sizeof mx_cmds[0]; i++)
    if (!strcmp(argv[1], mx_cmds[i].name)) return mx_cmds[i].run(argc - 1, argv + 1);
  if (argv[1][0] != '-') {
    fprintf(stderr, "mixscope: unknown command '%s'\n\n", argv[1]);
    cli_print_help(stderr);
    return 2;
  }
  return -1;
}

int mx_cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "mixscope %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'mixscope %s --help'.\n", cmd);
  return 2;
}

int mx_cli_fail(const char *cmd, const mx_error *err) {
  const char *msg = err && err->msg[0] ? err->msg : mx_strerror(err ? err->code : MX_EINVAL);
  fprintf(stderr, "mixscope %s: %s\n", cmd, msg);
  return 1;
}

int mx_cli_double(const char *cmd, const char *opt, const char *s, double lo, double hi,
                  double *out) {
  char *end;
  double v;
  if (!s || !*s) return mx_cli_usage_error(cmd, "%s needs a number", opt);
  errno = 0;
  v = strtod(s, &end);
  if (*end != '\0' || end == s) return mx_cli_usage_error(cmd, "%s: '%s' is not a number", opt, s);
  if (!isfinite(v) || errno == ERANGE)
    return mx_cli_usage_error(cmd, "%s: '%s' is not a finite number", opt, s);
  if (v < lo || v > hi)
    return mx_cli_usage_error(cmd, "%s: %s is out of range [%g, %g]", opt, s, lo, hi);
  *out = v;
  return 0;
}

int mx_cli_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out) {
  char *end;
  long v;
  if (!s || !*s) return mx_cli_usage_error(cmd, "%s needs an integer", opt);
  errno = 0;
  v = strtol(s, &end, 10);
  if (*end != '\0' || end == s) return mx_cli_usage_error(cmd, "%s: '%s' is not an integer", opt, s);
  if (errno == ERANGE || v < lo || v > hi)
    return mx_cli_usage_error(cmd, "%s: %s is out of range [%ld, %ld]", opt, s, lo, hi);
  *out = v;
  return 0;
}

int mx_cli_print_json(cJSON *root) {
  char *s;
  if (root) mx_json_exact_numbers(root->child ? root->child : NULL);
  s = root ? cJSON_Print(root) : NULL;
  int rc = 0;
  if (!s) {
    fprintf(stderr, "mixscope: out of memory printing JSON\n");
    rc = 1;
  } else {
    fputs(s, stdout);
    fputc('\n', stdout);
    if (fflush(stdout) != 0) rc = 1;
    cJSON_free(s);
  }
  cJSON_Delete(root);
  return rc;
}
