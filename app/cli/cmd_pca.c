/* mixscope pca — project MNIST digits to 2-D by PCA and write a CSV. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "cli.h"
#include "mixscope/dataset.h"
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

int mx_cmd_pca(int argc, char **argv) {
  static const struct option opts[] = {
    {"out", required_argument, 0, 'o'},   {"mnist", required_argument, 0, 'm'},
    {"digits", required_argument, 0, 'd'}, {"n", required_argument, 0, 'n'},
    {"test", no_argument, 0, 't'},        {"labelled", required_argument, 0, 'l'},
    {"seed", required_argument, 0, 's'},  {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};
  const char *out = NULL, *mnist = NULL;
  int digits[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, nd = 10, c, rc, use_test = 0, i;
  long nmax = 0, labelled = -1, seed = 1;
  mx_mnist m;
  mx_points pts;
  mx_pca *p = NULL;
  mx_error err;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (c) {
    case 'o': out = optarg; break;
    case 'm': mnist = optarg; break;
    case 'd':
      if ((nd = pca_parse_digits(optarg, digits)) < 0) return 2;
      break;
    case 'n':
      if (mx_cli_long(pca_cmd, "--n", optarg, 2, 100000000L, &nmax)) return 2;
      break;
    case 't': use_test = 1; break;
    case 'l':
      if (mx_cli_long(pca_cmd, "--labelled", optarg, 0, 100000000L, &labelled)) return 2;
      break;
    case 's':
      if (mx_cli_long(pca_cmd, "--seed", optarg, 0, 2147483647L, &seed)) return 2;
      break;
    case 'h': pca_usage(stdout); return 0;
    case ':': return mx_cli_usage_error(pca_cmd, "%s needs a value", argv[optind - 1]);
    default: return mx_cli_usage_error(pca_cmd, "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return mx_cli_usage_error(pca_cmd, "unexpected argument '%s'", argv[optind]);
  if (!out) return mx_cli_usage_error(pca_cmd, "--out FILE.csv is required");
  for (i = 0; i < nd; i++) {
    int j;
    for (j = 0; j < i; j++)
      if (digits[j] == digits[i])
        return mx_cli_usage_error(pca_cmd, "--digits: digit %d is listed twice", digits[i]);
  }

  memset(&pts, 0, sizeof pts);
  if (mx_mnist_load(&m, mnist, &err) != MX_OK) return mx_cli_fail(pca_cmd, &err);
  rc = mx_pca_digits(use_test ? &m.test : &m.train, digits, nd, (size_t)nmax, &pts, &p, &err);
  if (rc != MX_OK) {
    char msg[MX_ERRMSG_LEN];
    snprintf(msg, sizeof msg, "%.200s (%s set in %.200s)", err.msg,
             use_test ? "test" : "training", m.dir);
    mx_error_set(&err, rc, "%s", msg);
    mx_mnist_free(&m);
    return mx_cli_fail(pca_cmd, &err);
  }
  if (labelled >= 0 && (size_t)labelled < pts.n) {
    /* Keep M labels chosen uniformly without replacement (selection sampling). */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t n, need = (size_t)labelled;
    if (!r) {
      fprintf(stderr, "mixscope pca: out of memory\n");
      rc = 1;
      goto done;
    }
    gsl_rng_set(r, (unsigned long)seed);
    for (n = 0; n < pts.n; n++) {
      if (need && gsl_rng_uniform(r) * (double)(pts.n - n) < (double)need) need--;
      else pts.label[n] = -1;
    }
    gsl_rng_free(r);
    mx_points_recount(&pts);
  }
  if (mx_points_write_csv(out, &pts, &err) != MX_OK) {
    rc = mx_cli_fail(pca_cmd, &err);
    goto done;
  }
  printf("wrote %zu points (%zu labelled) of digits", pts.n, pts.nlabelled);
  for (i = 0; i < nd; i++) printf("%s%d", i ? "," : " ", digits[i]);
  printf(" (labels 0..%d in that order) to %s\n", nd - 1, out);
  printf("source: %s set, %s (%s); PCA variance %.6g + %.6g of %.6g (%.1f%%), solver %s\n",
         use_test ? "test" : "training", m.dir, mx_data_source_name(m.source), p->variance[0],
         p->variance[1], p->total_variance,
         100.0 * (p->variance[0] + p->variance[1]) / p->total_variance,
         p->used == MX_PCA_LANCZOS ? "Lanczos" : "dense");
  rc = 0;
done:
  mx_pca_free(p);
  mx_points_free(&pts);
  mx_mnist_free(&m);
  return rc;
}
