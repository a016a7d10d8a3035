/* mixscope pca — project MNIST digits to 2-D by PCA and write a CSV. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "cli.h"
#include "mixscope/dataset.h"
#include "mixscope/json.h"
#include "mixscope/pca.h"
#include "mixscope/points.h"

static const char *pca_cmd = "pca";

static void pca_usage(FILE *fp) {
  fprintf(fp,
          "usage: mixscope pca --out FILE.csv [options]\n\n"
          "Fit a 2-component PCA to the MNIST training images of the chosen digits\n"
          "(pixels / 255) and write their projections as rows x,y,label, where label\n"
          "is the position of the image's digit in --digits (0..K-1), ready for\n"
          "`mixscope gmm --k K`. The file is written atomically.\n\n"
          "options:\n"
          "  --out FILE.csv     output file (required)\n"
          "  --mnist DIR        MNIST directory (default: $MIXSCOPE_DATA, data/mnist,\n"
          "                     then the bundled sample)\n"
          "  --digits LIST      comma-separated digits, e.g. 0,1,7 (default 0,1,...,9)\n"
          "  --n N              use the first N matching images (default all)\n"
          "  --test             use the test set instead of the training set\n"
          "  --labelled M       keep the label of only M randomly chosen rows (the rest\n"
          "                     are written unlabelled, for semi-supervised EM)\n"
          "  --seed S           seed for --labelled (default 1)\n"
          "  --json             print mean, components, explained variance (and ratio)\n"
          "                     and the rows written as JSON\n"
          "  --help             this text\n"
          "Exit codes: 0 ok, 1 data error, 2 bad arguments.\n");
}

/* Parse "0,1,7" into digits; returns the count or -1 (message printed). */
static int pca_parse_digits(const char *s, int *d) {
  int n = 0;
  const char *p = s;
  while (*p) {
    if (*p < '0' || *p > '9' || (p[1] && p[1] != ',')) {
      mx_cli_usage_error(pca_cmd, "--digits: '%s' is not a comma-separated list of digits 0-9",
                         s);
      return -1;
    }
    if (n == 10) {
      mx_cli_usage_error(pca_cmd, "--digits: more than 10 digits in '%s'", s);
      return -1;
    }
    d[n++] = *p - '0';
    p++;
    if (*p == ',') {
      p++;
      if (!*p) {
        mx_cli_usage_error(pca_cmd, "--digits: '%s' ends with a comma", s);
        return -1;
      }
    }
  }
  if (n == 0) {
    mx_cli_usage_error(pca_cmd, "--digits needs at least one digit");
    return -1;
  }
  return n;
}

typedef struct pca_opts {
  const char *out, *mnist;
  int digits[10], nd, use_test, json;
  long nmax, labelled, seed;
} pca_opts;

/* Options into *o; 0, or the exit code (2, or -1 for --help done). */
static int pca_parse(int argc, char **argv, pca_opts *o) {
  static const struct option opts[] = {
    {"out", required_argument, 0, 'o'},   {"mnist", required_argument, 0, 'm'},
    {"digits", required_argument, 0, 'd'}, {"n", required_argument, 0, 'n'},
    {"test", no_argument, 0, 't'},        {"labelled", required_argument, 0, 'l'},
    {"seed", required_argument, 0, 's'},  {"json", no_argument, 0, 'j'},
    {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
  int c, i;
  memset(o, 0, sizeof *o);
  for (i = 0; i < 10; i++) o->digits[i] = i;
  o->nd = 10;
  o->labelled = -1;
  o->seed = 1;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (c) {
    case 'o': o->out = optarg; break;
    case 'm': o->mnist = optarg; break;
    case 'd':
      if ((o->nd = pca_parse_digits(optarg, o->digits)) < 0) return 2;
      break;
    case 'n':
      if (mx_cli_long(pca_cmd, "--n", optarg, 2, 100000000L, &o->nmax)) return 2;
      break;
    case 't': o->use_test = 1; break;
    case 'j': o->json = 1; break;
    case 'l':
      if (mx_cli_long(pca_cmd, "--labelled", optarg, 0, 100000000L, &o->labelled)) return 2;
      break;
    case 's':
      if (mx_cli_long(pca_cmd, "--seed", optarg, 0, 2147483647L, &o->seed)) return 2;
      break;
    case 'h': pca_usage(stdout); return -1;
    case ':': return mx_cli_usage_error(pca_cmd, "%s needs a value", argv[optind - 1]);
    default: return mx_cli_usage_error(pca_cmd, "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return mx_cli_usage_error(pca_cmd, "unexpected argument '%s'", argv[optind]);
  if (!o->out) return mx_cli_usage_error(pca_cmd, "--out FILE.csv is required");
  for (i = 0; i < o->nd; i++) {
    int j;
    for (j = 0; j < i; j++)
      if (o->digits[j] == o->digits[i])
        return mx_cli_usage_error(pca_cmd, "--digits: digit %d is listed twice", o->digits[i]);
  }
  /* can never work, whatever the data: an argument error */
  if (o->nmax > 0 && o->labelled > o->nmax)
    return mx_cli_usage_error(pca_cmd, "--labelled %ld is more than the --n %ld rows", o->labelled,
                              o->nmax);
  return 0;
}

/* Keep M labels chosen uniformly without replacement (selection sampling). */
static int pca_keep_labels(mx_points *pts, size_t m, unsigned long seed) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  size_t n, need = m;
  if (!r) return MX_ENOMEM;
  gsl_rng_set(r, seed);
  for (n = 0; n < pts->n; n++) {
    if (need && gsl_rng_uniform(r) * (double)(pts->n - n) < (double)need) need--;
    else pts->label[n] = -1;
  }
  gsl_rng_free(r);
  mx_points_recount(pts);
  return MX_OK;
}

static void pca_print_text(const pca_opts *o, const mx_mnist *m, const mx_points *pts,
                           const mx_pca *p) {
  int i;
  printf("wrote %zu points (%zu labelled) of digits", pts->n, pts->nlabelled);
  for (i = 0; i < o->nd; i++) printf("%s%d", i ? "," : " ", o->digits[i]);
  printf(" (labels 0..%d in that order) to %s\n", o->nd - 1, o->out);
  printf("source: %s set, %s (%s); PCA variance %.6g + %.6g of %.6g (%.1f%%), solver %s\n",
         o->use_test ? "test" : "training", m->dir, mx_data_source_name(m->source),
         p->variance[0], p->variance[1], p->total_variance,
         100.0 * (p->variance[0] + p->variance[1]) / p->total_variance,
         p->used == MX_PCA_LANCZOS ? "Lanczos" : "dense");
}

static int pca_print_json(const pca_opts *o, const mx_mnist *m, const mx_points *pts,
                          const mx_pca *p) {
  cJSON *root = cJSON_CreateObject(), *comps = cJSON_CreateArray(), *dg = cJSON_CreateArray();
  double ratio[8];
  int i;
  for (i = 0; i < o->nd; i++) cJSON_AddItemToArray(dg, cJSON_CreateNumber(o->digits[i]));
  for (i = 0; i < p->k && i < 8; i++) {
    cJSON_AddItemToArray(comps, mx_json_numbers(p->components + (size_t)i * (size_t)p->D, p->D));
    ratio[i] = p->variance[i] / p->total_variance;
  }
  cJSON_AddStringToObject(root, "out", o->out);
  cJSON_AddNumberToObject(root, "rows_written", (double)pts->n);
  cJSON_AddNumberToObject(root, "rows_labelled", (double)pts->nlabelled);
  cJSON_AddItemToObject(root, "digits", dg);
  cJSON_AddStringToObject(root, "set", o->use_test ? "test" : "training");
  cJSON_AddStringToObject(root, "data_dir", m->dir);
  cJSON_AddStringToObject(root, "data_source", mx_data_source_name(m->source));
  cJSON_AddStringToObject(root, "solver", p->used == MX_PCA_LANCZOS ? "Lanczos" : "dense");
  cJSON_AddNumberToObject(root, "dim", p->D);
  cJSON_AddItemToObject(root, "mean", mx_json_numbers(p->mean, p->D));
  cJSON_AddItemToObject(root, "components", comps);
  cJSON_AddItemToObject(root, "explained_variance", mx_json_numbers(p->variance, p->k));
  cJSON_AddItemToObject(root, "explained_variance_ratio", mx_json_numbers(ratio, p->k < 8 ? p->k : 8));
  cJSON_AddItemToObject(root, "total_variance", mx_json_number(p->total_variance));
  return mx_cli_print_json(root);
}

int mx_cmd_pca(int argc, char **argv) {
  pca_opts o;
  mx_mnist m;
  mx_points pts;
  mx_pca *p = NULL;
  mx_error err;
  int rc = pca_parse(argc, argv, &o);
  if (rc) return rc < 0 ? 0 : rc;

  memset(&pts, 0, sizeof pts);
  if (mx_mnist_load(&m, o.mnist, &err) != MX_OK) return mx_cli_fail(pca_cmd, &err);
  rc = mx_pca_digits(o.use_test ? &m.test : &m.train, o.digits, o.nd, (size_t)o.nmax, &pts, &p,
                     &err);
  if (rc != MX_OK) {
    char msg[MX_ERRMSG_LEN];
    snprintf(msg, sizeof msg, "%.200s (%s set in %.200s)", err.msg,
             o.use_test ? "test" : "training", m.dir);
    mx_error_set(&err, rc, "%s", msg);
    mx_mnist_free(&m);
    return mx_cli_fail(pca_cmd, &err);
  }
  if (o.labelled >= 0 && (size_t)o.labelled > pts.n) {
    /* the data has fewer matching rows than asked for: a data error */
    mx_error_set(&err, MX_ERANGE, "--labelled %ld is more than the %zu rows of the chosen digits "
                 "(%s set in %s)", o.labelled, pts.n, o.use_test ? "test" : "training", m.dir);
    rc = mx_cli_fail(pca_cmd, &err);
    goto done;
  }
  if (o.labelled >= 0 && (size_t)o.labelled < pts.n &&
      pca_keep_labels(&pts, (size_t)o.labelled, (unsigned long)o.seed) != MX_OK) {
    fprintf(stderr, "mixscope pca: out of memory\n");
    rc = 1;
    goto done;
  }
  if (mx_points_write_csv(o.out, &pts, &err) != MX_OK) {
    rc = mx_cli_fail(pca_cmd, &err);
    goto done;
  }
  if (o.json) rc = pca_print_json(&o, &m, &pts, p);
  else pca_print_text(&o, &m, &pts, p);
done:
  mx_pca_free(p);
  mx_points_free(&pts);
  mx_mnist_free(&m);
  return rc;
}
