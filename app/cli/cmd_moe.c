/* mixscope moe — mixture of experts on Bishop's inverse problem (or a CSV of x,t). */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "cli.h"
#include "mixscope/fileio.h"
#include "mixscope/moe.h"

/* largest --seed: 2^32 - 1, or LONG_MAX where long has 32 bits (the web build's wasm32) */
#define MX_SEED_LONG_MAX (LONG_MAX > 4294967295LL ? (long)4294967295LL : LONG_MAX)

static const char *const CMD = "moe";

static void usage(FILE *fp) {
  fprintf(fp,
          "usage: mixscope moe [--n N] [--k K] [--degree P] [--iters N] [--seed S]\n"
          "                    [--data FILE.csv] [--write-data FILE.csv] [--json]\n\n"
          "Fits p(t | x) = sum_k pi_k(x) N(t | mu_k(x), sigma_k^2) by EM: experts mu_k and the\n"
          "softmax gate pi_k are linear in (1, x, ..., x^P). Default data: Bishop's inverse\n"
          "problem, t ~ U(0,1), x = t + 0.3 sin(2 pi t) + U(-0.1,0.1), drawn with --seed.\n"
          "Also fits one least-squares line (t on x) for comparison.\n\n"
          "  --n N            points to generate (default 1000; not with --data)\n"
          "  --k K            experts, 1..%d (default 3)\n"
          "  --degree P       polynomial degree of experts and gate, 0..%d (default 1)\n"
          "  --iters N        EM iterations (default 200)\n"
          "  --gate-steps N   Newton steps on the gate per M-step (default 5)\n"
          "  --seed S         seed for data and initialisation (default 1)\n"
          "  --data FILE      CSV of x,t rows (optional header, # comments) instead\n"
          "  --write-data F   also write the data used as CSV (atomically)\n"
          "  --mdn            fit a mixture density network by gradient (Adam) instead:\n"
          "                   pi_k(x), mu_k(x), sigma_k(x) from one tanh hidden layer\n"
          "  --hidden H       MDN hidden units, 1..%d (default 20)\n"
          "  --lr R           MDN Adam step size (default 0.01)\n"
          "                   (with --mdn, --iters counts Adam steps; default 3000)\n"
          "  --json           machine-readable output (log-likelihood trajectory, parameters)\n"
          "  -h, --help       this help\n\n"
          "Exit: 0 ok, 1 bad data file or failed fit, 2 bad arguments.\n",
          MX_MOE_MAX_K, MX_MOE_MAX_DEGREE, MX_MDN_MAX_HIDDEN);
}

static int write_csv(const char *path, const double *x, const double *t, int n, mx_error *err) {
  char tmp[MX_TMP_LEN];
  FILE *fp;
  int i, rc;
  if ((rc = mx_file_begin_atomic(path, tmp, &fp, err)) != MX_OK) return rc;
  fprintf(fp, "x,t\n");
  for (i = 0; i < n; i++) fprintf(fp, "%.17g,%.17g\n", x[i], t[i]);
  return mx_file_commit_atomic(path, tmp, fp, err);
}

/* The mixture density network variant: Adam steps, trajectory, final network. */
static int run_mdn(int np, const double *x, const double *t, int k, int hidden, double lr, int steps,
                   gsl_rng *rinit, const char *data, long seed, int json) {
  mx_error err;
  mx_mdn *d = mx_mdn_alloc(np, k, hidden, steps + 1, &err);
  double coef[2], var, bll;
  int i, rc = 0;
  if (!d) return mx_cli_fail(CMD, &err);
  d->lr = lr;
  if (mx_mdn_set_data(d, x, t, &err) != MX_OK || mx_mdn_init(d, rinit, &err) != MX_OK) {
    mx_mdn_free(d);
    return mx_cli_fail(CMD, &err);
  }
  for (i = 0; i < steps; i++)
    if (mx_mdn_step(d, &err) != MX_OK) {
      fprintf(stderr, "mixscope %s: %s\n", CMD, err.msg);
      mx_mdn_free(d);
      return 1;
    }
  if (mx_moe_linreg(x, t, np, 1, coef, &var, &bll, &err) != MX_OK) {
    mx_mdn_free(d);
    return mx_cli_fail(CMD, &err);
  }
  if (json) {
    cJSON *root = cJSON_CreateObject(), *base;
    cJSON_AddStringToObject(root, "model", "mdn");
    cJSON_AddStringToObject(root, "data", data ? data : "bishop");
    cJSON_AddNumberToObject(root, "n", np);
    cJSON_AddNumberToObject(root, "k", k);
    cJSON_AddNumberToObject(root, "hidden", hidden);
    cJSON_AddNumberToObject(root, "lr", lr);
    cJSON_AddNumberToObject(root, "steps", d->iter);
    cJSON_AddNumberToObject(root, "seed", (double)seed);
    cJSON_AddItemToObject(root, "loglik", mx_json_numbers(d->ll_hist, d->hist_n));
    cJSON_AddItemToObject(root, "final_loglik", mx_json_number(d->loglik));
    cJSON_AddItemToObject(root, "loglik_per_point", mx_json_number(d->loglik / np));
    cJSON_AddStringToObject(root, "theta_layout", "W1 (H), b1 (H), W2 (3K x H, rows: pi logits, mu, log sigma), b2 (3K)");
    cJSON_AddItemToObject(root, "x_standardise", mx_json_numbers((double[2]){d->x_mean, d->x_sd}, 2));
    cJSON_AddItemToObject(root, "theta", mx_json_numbers(d->theta, d->np));
    base = cJSON_AddObjectToObject(root, "baseline");
    cJSON_AddStringToObject(base, "model", "least-squares line t = c0 + c1 x, var = RSS/n");
    cJSON_AddItemToObject(base, "coef", mx_json_numbers(coef, 2));
    cJSON_AddItemToObject(base, "var", mx_json_number(var));
    cJSON_AddItemToObject(base, "loglik", mx_json_number(bll));
    rc = mx_cli_print_json(root);
  } else {
    printf("mixture density network: %s, N=%d, K=%d, %d tanh hidden units, %d Adam steps (lr %g, seed %ld)\n",
           data ? data : "Bishop's inverse problem", np, k, hidden, d->iter, lr, seed);
    printf("log-likelihood: start %.6f -> final %.6f (%.6f per point)\n", d->ll_hist[0], d->loglik,
           d->loglik / np);
    printf("baseline line: t = %.6g + %.6g x, sigma = %.6g, log-likelihood %.6f (%.6f per point)\n", coef[0],
           coef[1], sqrt(var), bll, bll / np);
    rc = fflush(stdout) ? 1 : 0;
  }
  mx_mdn_free(d);
  return rc;
}

/* What `moe` was asked to do. */
typedef struct moe_args {
  long n, k, degree, iters, seed, gate_steps, hidden;
  int mdn, json;
  double lr;
  const char *data, *wpath;
} moe_args;

/* Parse the command line into *a: -1 to go on, else the exit code. */
static int moe_parse(int argc, char **argv, moe_args *a) {
  static const struct option opts[] = {
      {"n", required_argument, NULL, 'n'},          {"k", required_argument, NULL, 'k'},
      {"degree", required_argument, NULL, 'p'},     {"iters", required_argument, NULL, 'i'},
      {"seed", required_argument, NULL, 's'},       {"data", required_argument, NULL, 'd'},
      {"write-data", required_argument, NULL, 'w'}, {"gate-steps", required_argument, NULL, 'g'},
      {"json", no_argument, NULL, 'j'},             {"help", no_argument, NULL, 'h'},
      {"mdn", no_argument, NULL, 'M'},              {"hidden", required_argument, NULL, 'H'},
      {"lr", required_argument, NULL, 'L'},         {NULL, 0, NULL, 0}};
  int c, have_n = 0, have_iters = 0, have_degree = 0;
  memset(a, 0, sizeof *a);
  a->n = 1000, a->k = 3, a->degree = 1, a->iters = 200, a->seed = 1, a->gate_steps = 5, a->hidden = 20;
  a->lr = 0.01;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (c) {
    case 'n':
      if (mx_cli_long(CMD, "--n", optarg, 2, 10000000, &a->n)) return 2;
      have_n = 1;
      break;
    case 'k':
      if (mx_cli_long(CMD, "--k", optarg, 1, MX_MOE_MAX_K, &a->k)) return 2;
      break;
    case 'p':
      if (mx_cli_long(CMD, "--degree", optarg, 0, MX_MOE_MAX_DEGREE, &a->degree)) return 2;
      have_degree = 1;
      break;
    case 'i':
      if (mx_cli_long(CMD, "--iters", optarg, 0, 1000000, &a->iters)) return 2;
      have_iters = 1;
      break;
    case 'M': a->mdn = 1; break;
    case 'H':
      if (mx_cli_long(CMD, "--hidden", optarg, 1, MX_MDN_MAX_HIDDEN, &a->hidden)) return 2;
      break;
    case 'L':
      if (mx_cli_double(CMD, "--lr", optarg, 1e-9, 10.0, &a->lr)) return 2;
      break;
    case 'g':
      if (mx_cli_long(CMD, "--gate-steps", optarg, 0, 1000, &a->gate_steps)) return 2;
      break;
    case 's':
      if (mx_cli_long(CMD, "--seed", optarg, 0, MX_SEED_LONG_MAX, &a->seed)) return 2;
      break;
    case 'd': a->data = optarg; break;
    case 'w': a->wpath = optarg; break;
    case 'j': a->json = 1; break;
    case 'h': usage(stdout); return 0;
    case ':': return mx_cli_usage_error(CMD, "option '%s' needs a value", argv[optind - 1]);
    default: return mx_cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return mx_cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
  if (a->data && have_n) return mx_cli_usage_error(CMD, "--n and --data cannot be combined");
  if (a->mdn && have_degree) return mx_cli_usage_error(CMD, "--degree applies to the EM experts, not to --mdn");
  if (a->mdn && !have_iters) a->iters = 3000;
  return -1;
}

/* The points: read from --data, or drawn from Bishop's problem with r; then
 * --write-data. 0 or the exit code (message printed). */
static int moe_load(const moe_args *a, gsl_rng *r, double **x, double **t, int *np) {
  mx_error err;
  if (a->data) {
    if (mx_moe_read_csv(a->data, x, t, np, &err) != MX_OK) return mx_cli_fail(CMD, &err);
  } else {
    *np = (int)a->n;
    *x = malloc((size_t)*np * sizeof **x);
    *t = malloc((size_t)*np * sizeof **t);
    if (!*x || !*t) {
      fprintf(stderr, "mixscope %s: out of memory for %d points\n", CMD, *np);
      return 1;
    }
    mx_moe_generate_bishop(r, *np, *x, *t);
  }
  if (a->wpath && write_csv(a->wpath, *x, *t, *np, &err) != MX_OK) return mx_cli_fail(CMD, &err);
  return 0;
}

/* EM from an initialisation drawn with rinit; *m NULL when it could not be
 * allocated. 0 or the exit code (message printed). */
static int moe_run_em(const moe_args *a, const double *x, const double *t, int np, gsl_rng *rinit,
                      mx_moe **mp) {
  mx_error err;
  mx_moe *m = mx_moe_alloc(np, (int)a->k, (int)a->degree, (int)a->iters + 1, &err);
  int it;
  *mp = m;
  if (!m || mx_moe_set_data(m, x, t, &err) != MX_OK) {
    if (a->data) { /* name the file too */
      fprintf(stderr, "mixscope %s: %s: %s\n", CMD, a->data, err.msg);
      return 1;
    }
    return mx_cli_fail(CMD, &err);
  }
  m->gate_steps = (int)a->gate_steps;
  if (mx_moe_init(m, rinit, &err) != MX_OK) return mx_cli_fail(CMD, &err);
  for (it = 0; it < a->iters; it++)
    if (mx_moe_step(m, &err) != MX_OK) {
      fprintf(stderr, "mixscope %s: EM iteration %d: %s\n", CMD, it + 1, err.msg);
      return 1;
    }
  return 0;
}

/* The fitted model and the least-squares line, as JSON. */
static int moe_print_json(const moe_args *a, const mx_moe *m, int np, const double *base_coef,
                          double base_var, double base_ll) {
  cJSON *root = cJSON_CreateObject(), *ex, *gate, *base;
  long k = a->k;
  int c, i;
  cJSON_AddStringToObject(root, "data", a->data ? a->data : "bishop");
  cJSON_AddNumberToObject(root, "n", np);
  cJSON_AddNumberToObject(root, "k", (double)k);
  cJSON_AddNumberToObject(root, "degree", (double)a->degree);
  cJSON_AddNumberToObject(root, "iters", m->iter);
  cJSON_AddNumberToObject(root, "seed", (double)a->seed);
  cJSON_AddNumberToObject(root, "gate_steps", m->gate_steps);
  cJSON_AddItemToObject(root, "loglik", mx_json_numbers(m->ll_hist, m->hist_n));
  cJSON_AddItemToObject(root, "final_loglik", mx_json_number(m->loglik));
  cJSON_AddItemToObject(root, "loglik_per_point", mx_json_number(m->loglik / np));
  cJSON_AddNumberToObject(root, "gem_fallbacks", m->fallbacks);
  ex = cJSON_AddArrayToObject(root, "experts");
  for (c = 0; c < k; c++) {
    cJSON *e = cJSON_CreateObject();
    double nk = 0.0;
    for (i = 0; i < np; i++) nk += m->resp[(size_t)i * k + c];
    cJSON_AddItemToObject(e, "coef", mx_json_numbers(m->w + (size_t)c * m->d, m->d));
    cJSON_AddItemToObject(e, "var", mx_json_number(m->var[c]));
    cJSON_AddItemToObject(e, "sd", mx_json_number(sqrt(m->var[c])));
    cJSON_AddItemToObject(e, "weight", mx_json_number(nk / np));
    cJSON_AddItemToArray(ex, e);
  }
  gate = cJSON_AddArrayToObject(root, "gate");
  for (c = 0; c < k; c++) cJSON_AddItemToArray(gate, mx_json_numbers(m->v + (size_t)c * m->d, m->d));
  base = cJSON_AddObjectToObject(root, "baseline");
  cJSON_AddStringToObject(base, "model", "least-squares line t = c0 + c1 x, var = RSS/n");
  cJSON_AddItemToObject(base, "coef", mx_json_numbers(base_coef, 2));
  cJSON_AddItemToObject(base, "var", mx_json_number(base_var));
  cJSON_AddItemToObject(base, "loglik", mx_json_number(base_ll));
  cJSON_AddItemToObject(base, "loglik_per_point", mx_json_number(base_ll / np));
  return mx_cli_print_json(root);
}

/* The fitted model and the least-squares line, as text. */
static int moe_print_text(const moe_args *a, const mx_moe *m, int np, const double *base_coef,
                          double base_var, double base_ll) {
  int c, j;
  printf("mixture of experts: %s, N=%d, K=%ld, degree %ld, %d EM iterations (seed %ld)\n",
         a->data ? a->data : "Bishop's inverse problem", np, a->k, a->degree, m->iter, a->seed);
  printf("log-likelihood: start %.6f -> final %.6f (%.6f per point)\n", m->ll_hist[0], m->loglik,
         m->loglik / np);
  for (c = 0; c < a->k; c++) {
    printf("  expert %d: mu(x) =", c + 1);
    for (j = 0; j < m->d; j++) {
      double wj = m->w[(size_t)c * m->d + j];
      if (j == 0) printf(" %+.6g", wj);
      else if (j == 1) printf(" %+.6g x", wj);
      else printf(" %+.6g x^%d", wj, j);
    }
    printf("   sigma = %.6g\n", sqrt(m->var[c]));
  }
  printf("baseline line: t = %.6g + %.6g x, sigma = %.6g, log-likelihood %.6f (%.6f per point)\n",
         base_coef[0], base_coef[1], sqrt(base_var), base_ll, base_ll / np);
  return fflush(stdout) ? 1 : 0;
}

int mx_cmd_moe(int argc, char **argv) {
  moe_args a;
  int rc, np = 0;
  double *x = NULL, *t = NULL, base_coef[2], base_var = 0.0, base_ll = 0.0;
  gsl_rng *r = NULL, *rinit = NULL; /* data stream and initialisation stream, both seeded with --seed */
  mx_moe *m = NULL;
  mx_error err;

  rc = moe_parse(argc, argv, &a);
  if (rc >= 0) return rc;
  rc = 0;
  r = gsl_rng_alloc(gsl_rng_mt19937);
  rinit = gsl_rng_alloc(gsl_rng_mt19937);
  if (!r || !rinit) {
    fprintf(stderr, "mixscope %s: out of memory\n", CMD);
    rc = 1;
    goto out;
  }
  gsl_rng_set(r, (unsigned long)a.seed);
  gsl_rng_set(rinit, (unsigned long)a.seed);
  rc = moe_load(&a, r, &x, &t, &np);
  if (rc) goto out;
  if (a.mdn) {
    rc = run_mdn(np, x, t, (int)a.k, (int)a.hidden, a.lr, (int)a.iters, rinit, a.data, a.seed, a.json);
    goto out;
  }
  rc = moe_run_em(&a, x, t, np, rinit, &m);
  if (rc) goto out;
  if (mx_moe_linreg(x, t, np, 1, base_coef, &base_var, &base_ll, &err) != MX_OK) {
    rc = mx_cli_fail(CMD, &err);
    goto out;
  }
  if (a.json) rc = moe_print_json(&a, m, np, base_coef, base_var, base_ll);
  else rc = moe_print_text(&a, m, np, base_coef, base_var, base_ll);
out:
  mx_moe_free(m);
  free(x);
  free(t);
  if (r) gsl_rng_free(r);
  if (rinit) gsl_rng_free(rinit);
  return rc;
}
