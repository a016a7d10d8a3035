/* mixscope — the options and data loading shared by `theta` and `nb` (both fit
 * per-pixel Bernoulli models on binarized MNIST). */
#ifndef MIXSCOPE_CMD_BERN_H
#define MIXSCOPE_CMD_BERN_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "mixscope/dataset.h"

typedef struct mx_bern_cli {
  const char *mnist_dir; /* --mnist DIR or NULL */
  double a, b;           /* Beta prior; b < 0 until parsed means "same as a" */
  double threshold;      /* binarize at pixel/255 > threshold */
  int map, json;         /* --map, --json */
} mx_bern_cli;

/* Parse --mnist --alpha --beta --threshold --map --json --help into *o (whose
 * fields hold the command's defaults). Returns -1 to go on, otherwise the exit
 * code (0 after --help, 2 for bad arguments). */
int mx_bern_cli_parse(const char *cmd, int argc, char **argv, void (*usage)(FILE *), mx_bern_cli *o);

/* Load MNIST by the lookup order and say on stderr which source is used.
 * 0, or 1 after printing the error. */
int mx_bern_cli_load(const char *cmd, const char *mnist_dir, mx_mnist *mn);

/* The JSON both commands open with: "command", "data" {dir, source, image
 * counts, rows, cols}, "threshold", "prior" {a, b, estimate}. The data and
 * prior objects are returned so a command can append its own fields. */
void mx_bern_cli_json_head(cJSON *root, const char *cmd, const mx_mnist *mn, double thr, double a,
                           double b, int map, cJSON **data, cJSON **prior);

#endif
