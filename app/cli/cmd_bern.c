#include "cmd_bern.h"

#include <getopt.h>

#include "cli.h"

int mx_bern_cli_parse(const char *cmd, int argc, char **argv, void (*usage)(FILE *), mx_bern_cli *o) {
  static const struct option opts[] = {
    {"mnist", required_argument, 0, 'm'}, {"alpha", required_argument, 0, 'a'},
    {"beta", required_argument, 0, 'b'},  {"threshold", required_argument, 0, 't'},
    {"map", no_argument, 0, 'M'},         {"json", no_argument, 0, 'j'},
    {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (c) {
    case 'm': o->mnist_dir = optarg; break;
    case 'a':
      if (mx_cli_double(cmd, "--alpha", optarg, 0.0, 1e12, &o->a)) return 2;
      break;
    case 'b':
      if (mx_cli_double(cmd, "--beta", optarg, 0.0, 1e12, &o->b)) return 2;
      break;
    case 't':
      if (mx_cli_double(cmd, "--threshold", optarg, 0.0, 1.0, &o->threshold)) return 2;
      break;
    case 'M': o->map = 1; break;
    case 'j': o->json = 1; break;
    case 'h': usage(stdout); return 0;
    case ':': return mx_cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
    default: return mx_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return mx_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
  if (o->b < 0) o->b = o->a;
  return -1;
}

int mx_bern_cli_load(const char *cmd, const char *mnist_dir, mx_mnist *mn) {
  mx_error err;
  if (mx_mnist_load(mn, mnist_dir, &err)) return mx_cli_fail(cmd, &err);
  fprintf(stderr, "mixscope %s: data from %s (%s): %zu train, %zu test images\n", cmd, mn->dir,
          mx_data_source_name(mn->source), mn->train.n, mn->test.n);
  return 0;
}

void mx_bern_cli_json_head(cJSON *root, const char *cmd, const mx_mnist *mn, double thr, double a,
                           double b, int map, cJSON **data, cJSON **prior) {
  cJSON *o;
  cJSON_AddStringToObject(root, "command", cmd);
  o = cJSON_AddObjectToObject(root, "data");
  cJSON_AddStringToObject(o, "dir", mn->dir);
  cJSON_AddStringToObject(o, "source", mx_data_source_name(mn->source));
  cJSON_AddNumberToObject(o, "train_images", (double)mn->train.n);
  cJSON_AddNumberToObject(o, "test_images", (double)mn->test.n);
  cJSON_AddNumberToObject(o, "rows", (double)mn->train.rows);
  cJSON_AddNumberToObject(o, "cols", (double)mn->train.cols);
  *data = o;
  cJSON_AddItemToObject(root, "threshold", mx_json_number(thr));
  o = cJSON_AddObjectToObject(root, "prior");
  cJSON_AddItemToObject(o, "a", mx_json_number(a));
  cJSON_AddItemToObject(o, "b", mx_json_number(b));
  cJSON_AddStringToObject(o, "estimate", map ? "posterior mode (MAP)" : "posterior mean");
  *prior = o;
}
