/* mixscope gmm — Gaussian mixture EM (optionally semi-supervised) on a CSV. */
#include <getopt.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "cli.h"
#include "mixscope/gmm.h"
#include "mixscope/kmeans.h"
#include "mixscope/points.h"

static const char *gmm_cmd = "gmm";

static void gmm_usage(FILE *fp) {
  fprintf(fp,
          "usage: mixscope gmm --data FILE.csv --k K [options]\n\n"
          "Fit a mixture of K full-covariance Gaussians by EM. Rows are x,y[,label]\n"
          "(more coordinates with a header such as x1,x2,x3[,label]). Any row with a\n"
          "label 0..K-1 switches on semi-supervised EM: labelled points keep their\n"
          "class as a one-hot responsibility and contribute log p(x, y) to the\n"
          "log-likelihood; unlabelled rows (empty label or -1) contribute log p(x).\n\n"
          "options:\n"
          "  --data FILE.csv    the points (required)\n"
          "  --k K              number of components, 1..%d (default: from --init FILE)\n"
          "  --init METHOD      kmeans++ (default), random, labels (means of the labelled\n"
          "                     rows of each class), kmeans (scikit-learn's default start:\n"
          "                     its greedy k-means++ and Lloyd, then one M-step on the\n"
          "                     k-means labels), or FILE.json with\n"
          "                     {\"weights\":[..],\"means\":[[..],..],\"covariances\":[[[..]],..]}\n"
          "  --seed S           seed of the random initialisation (default 1)\n"
          "  --iters N          at most N EM iterations (default 100)\n"
          "  --tol T            stop when the per-point log-likelihood changes by < T\n"
          "                     (default 1e-6; 0 runs all iterations)\n"
          "  --covariance TYPE  full (default), diag, spherical or tied (one matrix\n"
          "                     shared by all components); with --init FILE the given\n"
          "                     full matrices start from their projection\n"
          "  --reg R            added to every covariance diagonal (default 1e-6)\n"
          "  --min-nk M         a component with N_k < M collapses (default 1e-3)\n"
          "  --out FILE.json    also write the final parameters there (init format)\n"
          "  --json             print the run as JSON: one entry per iteration with the\n"
          "                     log-likelihood before its M-step and the parameters after\n"
          "                     it, then \"final\" (same shape as an init file), and\n"
          "                     \"bic\", \"aic\" (scikit-learn's parameter count)\n"
          "  --select-k LO:HI   fit every K in LO..HI (within 1..%d) for each covariance\n"
          "                     type (or only --covariance), unsupervised, from k-means++,\n"
          "                     kmeans or random starts; print log-likelihood, BIC and\n"
          "                     AIC per fit and the best (lowest BIC / AIC)\n"
          "  --restarts R       with --select-k: R starts per fit, seeds S..S+R-1, the\n"
          "                     highest log-likelihood kept (default 1, at most 100)\n"
          "  --help             this text\n\n"
          "A collapsed component (N_k below --min-nk, or a covariance that stays singular\n"
          "after --reg) keeps its previous mean and covariance with weight N_k/N; it is\n"
          "reported (JSON \"collapses\", and a warning on stderr) and the run goes on.\n"
          "Exit codes: 0 ok, 1 bad data or init file, 2 bad arguments.\n",
          MX_GMM_MAXK, MX_GMM_MAXK);
}

static cJSON *gmm_collapse_list(const mx_gmm *g, int iter) {
  cJSON *a = cJSON_CreateArray();
  int k;
  for (k = 0; a && k < g->K; k++)
    if (g->collapsed[k]) {
      cJSON *o = cJSON_CreateObject();
      if (iter > 0) cJSON_AddNumberToObject(o, "iter", iter);
      cJSON_AddNumberToObject(o, "component", k);
      cJSON_AddStringToObject(o, "reason", mx_gmm_collapse_name(g->collapsed[k]));
      cJSON_AddItemToObject(o, "n_k", mx_json_number(g->nk[k]));
      cJSON_AddItemToArray(a, o);
    }
  return a;
}

/* The command line, parsed. */
typedef struct gmm_opts {
  const char *data, *init, *out;
  long K, seed, iters, restarts;
  double tol, reg, min_nk;
  int json, cov, method; /* cov -1 = not given; method -1 = parameters from a file */
  int sel_lo, sel_hi;    /* --select-k range, 0 = not given */
} gmm_opts;

/* "LO:HI" with 1 <= LO <= HI <= 64 into o; 2 (usage error printed) or 0. */
static int gmm_parse_range(const char *s, gmm_opts *o) {
  char *end;
  long lo, hi;
  lo = strtol(s, &end, 10);
  if (end == s || *end != ':')
    return mx_cli_usage_error(gmm_cmd, "--select-k: '%s' is not a range LO:HI such as 1:8", s);
  s = end + 1;
  hi = strtol(s, &end, 10);
  if (end == s || *end)
    return mx_cli_usage_error(gmm_cmd, "--select-k: '%s' is not a range LO:HI such as 1:8",
                              s - 1);
  if (lo < 1 || hi > MX_GMM_MAXK)
    return mx_cli_usage_error(gmm_cmd, "--select-k: range %ld:%ld is outside 1..%d", lo, hi,
                              MX_GMM_MAXK);
  if (lo > hi)
    return mx_cli_usage_error(gmm_cmd, "--select-k: range %ld:%ld is inverted (LO > HI)", lo, hi);
  o->sel_lo = (int)lo;
  o->sel_hi = (int)hi;
  return 0;
}

/* One option; 0, 2 (usage error printed) or -1 (--help printed). */
static int gmm_parse_opt(int c, const char *arg, gmm_opts *o) {
  switch (c) {
  case 'd': o->data = arg; return 0;
  case 'k': return mx_cli_long(gmm_cmd, "--k", arg, 1, MX_GMM_MAXK, &o->K) ? 2 : 0;
  case 'i': o->init = arg; return 0;
  case 's': return mx_cli_long(gmm_cmd, "--seed", arg, 0, 2147483647L, &o->seed) ? 2 : 0;
  case 'n': return mx_cli_long(gmm_cmd, "--iters", arg, 0, 1000000, &o->iters) ? 2 : 0;
  case 't': return mx_cli_double(gmm_cmd, "--tol", arg, 0.0, 1e300, &o->tol) ? 2 : 0;
  case 'r': return mx_cli_double(gmm_cmd, "--reg", arg, 0.0, 1e300, &o->reg) ? 2 : 0;
  case 'm': return mx_cli_double(gmm_cmd, "--min-nk", arg, 1e-300, 1e300, &o->min_nk) ? 2 : 0;
  case 'o': o->out = arg; return 0;
  case 'j': o->json = 1; return 0;
  case 'c':
    o->cov = mx_gmm_cov_find(arg);
    if (o->cov < 0)
      return mx_cli_usage_error(gmm_cmd,
                                "--covariance must be full, diag, spherical or tied, not '%s'", arg);
    return 0;
  case 'S': return gmm_parse_range(arg, o);
  case 'R': return mx_cli_long(gmm_cmd, "--restarts", arg, 1, 100, &o->restarts) ? 2 : 0;
  case 'h': gmm_usage(stdout); return -1;
  default: return 2;
  }
}

/* Checks across options once all are read; 0 or 2. */
static int gmm_parse_check(gmm_opts *o, int restarts_given) {
  const char *init = o->init;
  if (!o->data) return mx_cli_usage_error(gmm_cmd, "--data FILE.csv is required");
  o->method = mx_gmm_init_find(init);
  if (o->method == MX_GMM_INIT_GIVEN) o->method = -1; /* given parameters come as a file */
  if (o->method < 0) {
    size_t n = strlen(init);
    if (!strchr(init, '/') && (n < 5 || strcmp(init + n - 5, ".json") != 0))
      return mx_cli_usage_error(gmm_cmd,
                                "--init must be kmeans++, random, labels, kmeans or a "
                                "FILE.json, not '%s'",
                                init);
  }
  if (o->sel_lo) {
    if (o->method == -1 || o->method == MX_GMM_INIT_LABELS)
      return mx_cli_usage_error(gmm_cmd,
                                "--select-k needs --init kmeans++, kmeans or random, not '%s'",
                                init);
    if (o->K) return mx_cli_usage_error(gmm_cmd, "--select-k replaces --k; give one of them");
    if (o->out) return mx_cli_usage_error(gmm_cmd, "--out is not available with --select-k");
    return 0;
  }
  if (restarts_given) return mx_cli_usage_error(gmm_cmd, "--restarts needs --select-k");
  if (o->method >= 0 && o->K == 0)
    return mx_cli_usage_error(gmm_cmd, "--k K is required with --init %s", init);
  return 0;
}

/* Parse argv into o; 0 to run, else the exit code (help: 0 with *done). */
static int gmm_parse(int argc, char **argv, gmm_opts *o, int *done) {
  static const struct option opts[] = {
    {"data", required_argument, 0, 'd'},  {"k", required_argument, 0, 'k'},
    {"init", required_argument, 0, 'i'},  {"seed", required_argument, 0, 's'},
    {"iters", required_argument, 0, 'n'}, {"tol", required_argument, 0, 't'},
    {"reg", required_argument, 0, 'r'},   {"min-nk", required_argument, 0, 'm'},
    {"out", required_argument, 0, 'o'},   {"json", no_argument, 0, 'j'},
    {"covariance", required_argument, 0, 'c'}, {"select-k", required_argument, 0, 'S'},
    {"restarts", required_argument, 0, 'R'},   {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};
  int c, rc, restarts_given = 0;
  memset(o, 0, sizeof *o);
  o->init = "kmeans++";
  o->seed = 1;
  o->iters = 100;
  o->restarts = 1;
  o->tol = 1e-6;
  o->reg = MX_GMM_REG;
  o->min_nk = MX_GMM_MIN_NK;
  o->cov = -1;
  *done = 0;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    if (c == ':') return mx_cli_usage_error(gmm_cmd, "%s needs a value", argv[optind - 1]);
    if (c == '?') return mx_cli_usage_error(gmm_cmd, "unknown option '%s'", argv[optind - 1]);
    restarts_given |= c == 'R';
    rc = gmm_parse_opt(c, optarg, o);
    if (rc < 0) {
      *done = 1;
      return 0;
    }
    if (rc) return rc;
  }
  if (optind < argc) return mx_cli_usage_error(gmm_cmd, "unexpected argument '%s'", argv[optind]);
  return gmm_parse_check(o, restarts_given);
}

/* The fit's inputs: points, model, workspace, generator. */
typedef struct gmm_run {
  mx_points pts;
  mx_gmm *g;
  mx_gmm_work *w;
  gsl_rng *rng;
  const mx_kmeans *km; /* --select-k with --init kmeans: the finished k-means of this K and seed */
  int semi;
} gmm_run;

static void gmm_run_free(gmm_run *r) {
  gsl_rng_free(r->rng);
  mx_gmm_work_free(r->w);
  mx_gmm_free(r->g);
  mx_points_free(&r->pts);
}

/* Read the init file (if any) and the points; check their shapes; 0 or 1. */
static int gmm_load(const gmm_opts *o, gmm_run *r) {
  mx_error err;
  long K = o->K;
  mx_error_clear(&err);
  /* Parameters from a file fix K and D. */
  if (o->method < 0) {
    if (mx_gmm_json_read(o->init, &r->g, &err) != MX_OK) return mx_cli_fail(gmm_cmd, &err);
    if (K && K != r->g->K) {
      fprintf(stderr, "mixscope gmm: %s has %d component%s but --k is %ld\n", o->init, r->g->K,
              r->g->K == 1 ? "" : "s", K);
      return 1;
    }
    K = r->g->K;
  }
  if (mx_points_read_csv(o->data, 0, o->sel_lo ? 0 : (int)K, &r->pts, &err) != MX_OK)
    return mx_cli_fail(gmm_cmd, &err);
  if (r->g && r->g->D != r->pts.d) {
    fprintf(stderr, "mixscope gmm: %s has means of dimension %d but %s has %d coordinate%s\n",
            o->init, r->g->D, o->data, r->pts.d, r->pts.d == 1 ? "" : "s");
    return 1;
  }
  r->rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!r->rng) {
    fprintf(stderr, "mixscope gmm: out of memory\n");
    return 1;
  }
  return 0;
}

/* The kmeans start (r->g and r->w allocated): k-means (r->km if given),
 * then one M-step. 0 or 1. */
static int gmm_setup_kmeans(const gmm_opts *o, gmm_run *r, unsigned long seed) {
  mx_error err;
  mx_kmeans *km = r->km ? NULL : mx_kmeans_alloc(r->g->K, r->g->D, r->pts.n);
  int rc = 0;
  mx_error_clear(&err);
  if (!r->km && !km) {
    fprintf(stderr, "mixscope gmm: out of memory\n");
    return 1;
  }
  if ((r->km ? mx_gmm_init_from_kmeans(r->g, r->w, r->km, r->pts.x, r->pts.n, seed, r->rng, &err)
             : mx_gmm_init_kmeans(r->g, r->w, km, r->pts.x, r->pts.n, seed, r->rng, &err)) !=
      MX_OK) {
    fprintf(stderr, "mixscope gmm: %s: %s\n", o->data, err.msg);
    rc = 1;
  }
  mx_kmeans_free(km);
  r->semi = !o->sel_lo && r->pts.nlabelled > 0;
  return rc;
}

/* Model and workspace for K components, initialised by o->method (a model
 * read from a file is kept); covariance type cov. 0 or 1. */
static int gmm_setup(const gmm_opts *o, gmm_run *r, int K, int cov, unsigned long seed) {
  mx_error err;
  mx_error_clear(&err);
  if (!r->g && !(r->g = mx_gmm_alloc(K, r->pts.d))) {
    fprintf(stderr, "mixscope gmm: out of memory\n");
    return 1;
  }
  r->g->reg = o->reg;
  r->g->min_nk = o->min_nk;
  if (cov >= 0 && mx_gmm_set_cov_type(r->g, cov) != MX_OK) {
    fprintf(stderr, "mixscope gmm: %s: the %s projection of the covariances is not positive "
                    "definite\n", o->init, mx_gmm_cov_name(cov));
    return 1;
  }
  if (!r->w && !(r->w = mx_gmm_work_alloc(r->g->K, r->pts.n, r->g->D))) {
    fprintf(stderr, "mixscope gmm: out of memory\n");
    return 1;
  }
  if (o->method == MX_GMM_INIT_LABELS &&
      mx_gmm_init_labels(r->g, r->w, r->pts.x, r->pts.n, r->pts.label, seed, r->rng, &err) !=
          MX_OK) {
    fprintf(stderr, "mixscope gmm: %s: %s\n", o->data, err.msg);
    return 1;
  }
  if (o->method == MX_GMM_INIT_KMEANS) return gmm_setup_kmeans(o, r, seed);
  if (o->method >= 0 && o->method != MX_GMM_INIT_LABELS &&
      mx_gmm_init_data(r->g, r->w, r->pts.x, r->pts.n, (mx_gmm_init)o->method, seed, r->rng,
                       &err) != MX_OK) {
    fprintf(stderr, "mixscope gmm: %s: %s\n", o->data, err.msg);
    return 1;
  }
  r->semi = !o->sel_lo && r->pts.nlabelled > 0;
  return 0;
}

/* The JSON header of a run: data, sizes, settings, initial parameters. */
static cJSON *gmm_json_head(const gmm_opts *o, const gmm_run *r) {
  cJSON *root = cJSON_CreateObject();
  const mx_gmm *g = r->g;
  cJSON_AddStringToObject(root, "data", o->data);
  cJSON_AddNumberToObject(root, "n", (double)r->pts.n);
  cJSON_AddNumberToObject(root, "d", r->pts.d);
  cJSON_AddNumberToObject(root, "k", g->K);
  cJSON_AddStringToObject(root, "init",
                          o->method >= 0 ? mx_gmm_init_name((mx_gmm_init)o->method) : o->init);
  if (o->method >= 0) cJSON_AddNumberToObject(root, "seed", (double)o->seed);
  cJSON_AddItemToObject(root, "reg", mx_json_number(o->reg));
  cJSON_AddItemToObject(root, "tol", mx_json_number(o->tol));
  cJSON_AddItemToObject(root, "min_nk", mx_json_number(o->min_nk));
  cJSON_AddNumberToObject(root, "max_iter", (double)o->iters);
  cJSON_AddBoolToObject(root, "semi_supervised", r->semi);
  cJSON_AddNumberToObject(root, "labelled", (double)r->pts.nlabelled);
  cJSON_AddItemToObject(root, "init_params", mx_gmm_json_params(g));
  return root;
}

/* Record the collapses of iteration t in it and colls, warn on stderr. */
static void gmm_note_collapses(const mx_gmm *g, int t, cJSON *it, cJSON *colls, int *ncoll_total) {
  cJSON *cl = gmm_collapse_list(g, t), *e;
  cJSON_AddItemToObject(it, "collapsed", cJSON_Duplicate(cl, 1));
  cJSON_ArrayForEach(e, cl) {
    if (*ncoll_total < 20)
      fprintf(stderr, "mixscope gmm: warning: component %d collapsed at iteration %d (%s, "
                      "N_k = %.3g); it keeps its previous mean and covariance\n",
              cJSON_GetObjectItem(e, "component")->valueint, t,
              cJSON_GetObjectItem(e, "reason")->valuestring,
              g->nk[cJSON_GetObjectItem(e, "component")->valueint]);
    (*ncoll_total)++;
    cJSON_AddItemToArray(colls, cJSON_Duplicate(e, 1));
  }
  cJSON_Delete(cl);
}

/* The EM iterations, recorded in root; *n_iter, *converged. 0 or 1. */
static int gmm_iterate_all(const gmm_opts *o, gmm_run *r, cJSON *root, int *n_iter,
                           int *converged) {
  cJSON *its = cJSON_AddArrayToObject(root, "iterations");
  cJSON *colls = cJSON_AddArrayToObject(root, "collapses");
  int t, ncoll_total = 0;
  double ll = 0.0, prev = 0.0;
  *converged = 0;
  for (t = 1; t <= o->iters; t++) {
    cJSON *it;
    int rc = mx_gmm_iterate(r->g, r->pts.x, r->pts.n, r->semi ? r->pts.label : NULL, r->w, &ll);
    if (rc != MX_OK && rc != MX_ECOLLAPSE) {
      fprintf(stderr, "mixscope gmm: %s: E-step failed at iteration %d: %s\n", o->data, t,
              mx_strerror(rc));
      return 1;
    }
    it = cJSON_CreateObject();
    cJSON_AddNumberToObject(it, "iter", t);
    cJSON_AddItemToObject(it, "loglik", mx_json_number(ll));
    cJSON_AddItemToObject(it, "params", mx_gmm_json_params(r->g));
    if (rc == MX_ECOLLAPSE) gmm_note_collapses(r->g, t, it, colls, &ncoll_total);
    cJSON_AddItemToArray(its, it);
    if (!o->json)
      printf("iter %4d  loglik %.10g%s\n", t, ll, rc == MX_ECOLLAPSE ? "  (collapse)" : "");
    if (t > 1 && fabs(ll - prev) / (double)r->pts.n < o->tol) {
      *converged = 1;
      break;
    }
    prev = ll;
  }
  if (ncoll_total > 20)
    fprintf(stderr, "mixscope gmm: warning: %d collapse reports in total\n", ncoll_total);
  *n_iter = t > o->iters ? (int)o->iters : t;
  return 0;
}

/* The text summary of a finished run. */
static void gmm_print_text(const gmm_run *r, int n_iter, int converged, double final_ll) {
  const mx_gmm *g = r->g;
  int k, i, j, D = g->D;
  printf("%s after %d iteration%s: log-likelihood %.10g (%s EM, %zu labelled of %zu)\n",
         converged ? "converged" : "stopped", n_iter, n_iter == 1 ? "" : "s", final_ll,
         r->semi ? "semi-supervised" : "unsupervised", r->pts.nlabelled, r->pts.n);
  for (k = 0; k < g->K; k++) {
    printf("component %d: weight %.6g  mean [", k, g->weights[k]);
    for (i = 0; i < D; i++) printf("%s%.6g", i ? ", " : "", g->means[k * D + i]);
    printf("]  cov [");
    for (i = 0; i < D; i++) {
      printf("%s[", i ? ", " : "");
      for (j = 0; j < D; j++) printf("%s%.6g", j ? ", " : "", g->covs[(k * D + i) * D + j]);
      printf("]");
    }
    printf("]%s\n", g->collapsed[k] ? "  (collapsed)" : "");
  }
}

/* One fit as before: iterations, final parameters, BIC / AIC. */
static int gmm_fit_one(const gmm_opts *o, gmm_run *r) {
  mx_error err;
  cJSON *root;
  int rc, n_iter = 0, converged = 0;
  double final_ll = 0.0;
  mx_error_clear(&err);
  root = gmm_json_head(o, r);
  if ((rc = gmm_iterate_all(o, r, root, &n_iter, &converged)) != 0) {
    cJSON_Delete(root);
    return rc;
  }
  mx_gmm_e_step(r->g, r->pts.x, r->pts.n, r->semi ? r->pts.label : NULL, r->w, &final_ll);
  cJSON_AddBoolToObject(root, "converged", converged);
  cJSON_AddNumberToObject(root, "n_iter", (double)n_iter);
  cJSON_AddItemToObject(root, "final", mx_gmm_json_params(r->g));
  cJSON_AddItemToObject(root, "final_loglik", mx_json_number(final_ll));
  cJSON_AddStringToObject(root, "covariance_type", mx_gmm_cov_name(r->g->cov_type));
  cJSON_AddNumberToObject(root, "n_params", (double)mx_gmm_n_params(r->g));
  cJSON_AddItemToObject(root, "bic", mx_json_number(mx_gmm_bic(r->g, final_ll, r->pts.n)));
  cJSON_AddItemToObject(root, "aic", mx_json_number(mx_gmm_aic(r->g, final_ll)));
  if (o->out && mx_gmm_json_write(o->out, r->g, &err) != MX_OK) {
    cJSON_Delete(root);
    return mx_cli_fail(gmm_cmd, &err);
  }
  if (o->json) return mx_cli_print_json(root);
  cJSON_Delete(root);
  gmm_print_text(r, n_iter, converged, final_ll);
  return 0;
}

/* One row of the --select-k table. */
typedef struct gmm_sel_row {
  int k, cov, n_iter, converged, collapsed;
  long n_params;
  double loglik, bic, aic;
} gmm_sel_row;

/* One fit of K components of type cov from seed (r->km: the k-means of
 * this K and seed, with --init kmeans); the best start so far kept in row
 * (first: s == 0). The workspace r->w is kept while K stays. 0, or 1 after
 * a message. */
static int gmm_select_fit(const gmm_opts *o, gmm_run *r, int K, int cov, long s,
                          gmm_sel_row *row) {
  int it = 0, conv = 0, rc;
  double ll = 0.0;
  mx_gmm_free(r->g);
  r->g = NULL;
  if (r->w && r->w->K != K) {
    mx_gmm_work_free(r->w);
    r->w = NULL;
  }
  if (gmm_setup(o, r, K, cov, (unsigned long)(o->seed + s)) != 0) return 1;
  rc = mx_gmm_run(r->g, r->pts.x, r->pts.n, NULL, r->w, (int)o->iters, o->tol, &it, &conv, &ll);
  if (rc != MX_OK && rc != MX_ECOLLAPSE) {
    fprintf(stderr, "mixscope gmm: %s: EM failed (K = %d, %s): %s\n", o->data, K,
            mx_gmm_cov_name(cov), mx_strerror(rc));
    return 1;
  }
  mx_gmm_e_step(r->g, r->pts.x, r->pts.n, NULL, r->w, &ll);
  if (s == 0 || ll > row->loglik) {
    row->loglik = ll;
    row->n_iter = it;
    row->converged = conv;
    row->collapsed = rc == MX_ECOLLAPSE;
  }
  row->k = K;
  row->cov = cov;
  row->n_params = mx_gmm_n_params(r->g);
  row->bic = mx_gmm_bic(r->g, row->loglik, r->pts.n);
  row->aic = mx_gmm_aic(r->g, row->loglik);
  return 0;
}

/* All the table's fits of K components (rows (n) with k == K), o->restarts
 * starts each; with --init kmeans one k-means per start serves every
 * covariance type (it does not depend on the type). 0, or 1 after a message. */
static int gmm_select_k_fits(const gmm_opts *o, gmm_run *r, int K, gmm_sel_row *rows, int n) {
  mx_kmeans *km = NULL;
  mx_error err;
  long s;
  int i, rc = 0;
  mx_error_clear(&err);
  if (o->method == MX_GMM_INIT_KMEANS && !(km = mx_kmeans_alloc(K, r->pts.d, r->pts.n))) {
    fprintf(stderr, "mixscope gmm: out of memory\n");
    return 1;
  }
  for (s = 0; rc == 0 && s < o->restarts; s++) {
    if (km && mx_kmeans_fit_sklearn(km, r->pts.x, r->pts.n, (unsigned long)(o->seed + s), r->rng,
                                    &err) != MX_OK) {
      fprintf(stderr, "mixscope gmm: %s: %s\n", o->data, err.msg);
      rc = 1;
      break;
    }
    r->km = km;
    for (i = 0; rc == 0 && i < n; i++)
      if (rows[i].k == K) rc = gmm_select_fit(o, r, K, rows[i].cov, s, &rows[i]);
  }
  r->km = NULL;
  mx_kmeans_free(km);
  return rc;
}

static cJSON *gmm_sel_row_json(const gmm_sel_row *row) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "k", row->k);
  cJSON_AddStringToObject(o, "covariance_type", mx_gmm_cov_name(row->cov));
  cJSON_AddItemToObject(o, "loglik", mx_json_number(row->loglik));
  cJSON_AddNumberToObject(o, "n_params", (double)row->n_params);
  cJSON_AddItemToObject(o, "bic", mx_json_number(row->bic));
  cJSON_AddItemToObject(o, "aic", mx_json_number(row->aic));
  cJSON_AddNumberToObject(o, "n_iter", row->n_iter);
  cJSON_AddBoolToObject(o, "converged", row->converged);
  cJSON_AddBoolToObject(o, "collapsed", row->collapsed);
  return o;
}

/* Index of the row with the lowest BIC (aic = 0) or AIC (first on ties). */
static int gmm_select_best(const gmm_sel_row *rows, int n, int aic) {
  int i, b = 0;
  for (i = 1; i < n; i++)
    if ((aic ? rows[i].aic < rows[b].aic : rows[i].bic < rows[b].bic)) b = i;
  return b;
}

static void gmm_select_print(const gmm_sel_row *rows, int n, int bb, int ba) {
  int i;
  printf("%3s  %-9s  %16s  %8s  %16s  %16s\n", "k", "cov", "loglik", "n_params", "bic", "aic");
  for (i = 0; i < n; i++)
    printf("%3d  %-9s  %16.10g  %8ld  %16.10g  %16.10g%s%s\n", rows[i].k,
           mx_gmm_cov_name(rows[i].cov), rows[i].loglik, rows[i].n_params, rows[i].bic,
           rows[i].aic, i == bb ? "  <- BIC" : "", i == ba ? "  <- AIC" : "");
  printf("best by BIC: k = %d, %s (BIC %.10g)\n", rows[bb].k, mx_gmm_cov_name(rows[bb].cov),
         rows[bb].bic);
  printf("best by AIC: k = %d, %s (AIC %.10g)\n", rows[ba].k, mx_gmm_cov_name(rows[ba].cov),
         rows[ba].aic);
}

static cJSON *gmm_select_json(const gmm_opts *o, const gmm_run *r, const gmm_sel_row *rows, int n,
                              int bb, int ba) {
  cJSON *root = cJSON_CreateObject(), *fits, *range;
  int i;
  cJSON_AddStringToObject(root, "data", o->data);
  cJSON_AddNumberToObject(root, "n", (double)r->pts.n);
  cJSON_AddNumberToObject(root, "d", r->pts.d);
  range = cJSON_AddArrayToObject(root, "k_range");
  cJSON_AddItemToArray(range, cJSON_CreateNumber(o->sel_lo));
  cJSON_AddItemToArray(range, cJSON_CreateNumber(o->sel_hi));
  cJSON_AddStringToObject(root, "init", mx_gmm_init_name((mx_gmm_init)o->method));
  cJSON_AddNumberToObject(root, "seed", (double)o->seed);
  cJSON_AddNumberToObject(root, "restarts", (double)o->restarts);
  cJSON_AddItemToObject(root, "reg", mx_json_number(o->reg));
  cJSON_AddItemToObject(root, "tol", mx_json_number(o->tol));
  cJSON_AddNumberToObject(root, "max_iter", (double)o->iters);
  fits = cJSON_AddArrayToObject(root, "fits");
  for (i = 0; i < n; i++) cJSON_AddItemToArray(fits, gmm_sel_row_json(&rows[i]));
  cJSON_AddItemToObject(root, "best_bic", gmm_sel_row_json(&rows[bb]));
  cJSON_AddItemToObject(root, "best_aic", gmm_sel_row_json(&rows[ba]));
  return root;
}

/* The --select-k fits, shared by the worker threads. Jobs, largest K (the
 * longest) first: SEL_PER_K, all of one K's fits (any --init and restarts);
 * with --init kmeans and one start, SEL_KMEANS (the k-means of each K) and
 * then SEL_FIT (one fit each, from that K's k-means): finer jobs, an even
 * split over the threads. */
enum { SEL_PER_K, SEL_KMEANS, SEL_FIT };

typedef struct gmm_sel_jobs {
  const gmm_opts *o;
  const gmm_run *r; /* the points (read only) */
  gmm_sel_row *rows; /* (n): for each type, K = sel_lo..sel_hi */
  mx_kmeans **kms;   /* (sel_hi - sel_lo + 1) SEL_KMEANS' results, for SEL_FIT */
  int n, failed, mode;
  int next; /* next job, taken atomically */
} gmm_sel_jobs;

/* Job i of j's mode; 0 or 1 (a message printed). */
static int gmm_sel_job(gmm_sel_jobs *j, gmm_run *r, int i) {
  const gmm_opts *o = j->o;
  int nk = o->sel_hi - o->sel_lo + 1, K = o->sel_hi - i, row, rc;
  mx_error err;
  if (j->mode == SEL_PER_K) return gmm_select_k_fits(o, r, K, j->rows, j->n);
  if (j->mode == SEL_KMEANS) {
    mx_error_clear(&err);
    if (!(j->kms[K - o->sel_lo] = mx_kmeans_alloc(K, r->pts.d, r->pts.n))) {
      fprintf(stderr, "mixscope gmm: out of memory\n");
      return 1;
    }
    if (mx_kmeans_fit_sklearn(j->kms[K - o->sel_lo], r->pts.x, r->pts.n,
                              (unsigned long)o->seed, r->rng, &err) != MX_OK) {
      fprintf(stderr, "mixscope gmm: %s: %s\n", o->data, err.msg);
      return 1;
    }
    return 0;
  }
  K = o->sel_hi - i / (j->n / nk); /* SEL_FIT: i = (hi - K) * ntypes + type slot */
  row = i % (j->n / nk) * nk + (K - o->sel_lo);
  r->km = j->kms[K - o->sel_lo];
  rc = gmm_select_fit(o, r, K, j->rows[row].cov, 0, &j->rows[row]);
  r->km = NULL;
  return rc;
}

/* A worker: take jobs until none is left; each fit has its own model,
 * workspace and generator, so the rows do not depend on the thread count. */
static void *gmm_sel_worker(void *arg) {
  gmm_sel_jobs *j = arg;
  gmm_run r;
  int i, nk = j->o->sel_hi - j->o->sel_lo + 1, njobs = j->mode == SEL_FIT ? j->n : nk;
  memset(&r, 0, sizeof r);
  r.pts = j->r->pts;
  r.rng = gsl_rng_alloc(gsl_rng_mt19937);
  while (r.rng && (i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < njobs) {
    if (__atomic_load_n(&j->failed, __ATOMIC_RELAXED) || gmm_sel_job(j, &r, i) != 0)
      __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
  }
  if (!r.rng) __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
  gsl_rng_free(r.rng);
  mx_gmm_work_free(r.w);
  mx_gmm_free(r.g);
  return NULL;
}

/* Run j's jobs of mode on this thread and nt - 1 others. */
static void gmm_sel_team(gmm_sel_jobs *j, int mode, int nt) {
  pthread_t th[8];
  int t, started = 0;
  j->mode = mode;
  j->next = 0;
  for (t = 1; t < nt && t <= 8; t++)
    if (pthread_create(&th[started], NULL, gmm_sel_worker, j) == 0) started++;
  gmm_sel_worker(j);
  for (t = 0; t < started; t++) pthread_join(th[t], NULL);
}

/* --select-k: every K in range x every type (or the one given), the fits
 * spread over the online CPUs (at most 8). 0 or 1. */
static int mx_gmm_select_k(const gmm_opts *o, gmm_run *r) {
  gmm_sel_row rows[MX_GMM_NCOV * MX_GMM_MAXK];
  mx_kmeans *kms[MX_GMM_MAXK] = {NULL};
  gmm_sel_jobs j;
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  int cov, K, n = 0, bb, ba, nt, nk = o->sel_hi - o->sel_lo + 1;
  memset(rows, 0, sizeof rows);
  for (cov = 0; cov < MX_GMM_NCOV; cov++) {
    if (o->cov >= 0 && cov != o->cov) continue;
    for (K = o->sel_lo; K <= o->sel_hi; K++, n++) {
      rows[n].k = K;
      rows[n].cov = cov;
    }
  }
  memset(&j, 0, sizeof j);
  j.o = o;
  j.r = r;
  j.rows = rows;
  j.n = n;
  j.kms = kms;
  nt = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (int)ncpu;
  if (o->method == MX_GMM_INIT_KMEANS && o->restarts == 1) {
    gmm_sel_team(&j, SEL_KMEANS, nt < nk ? nt : nk);
    if (!j.failed) gmm_sel_team(&j, SEL_FIT, nt);
  } else {
    gmm_sel_team(&j, SEL_PER_K, nt < nk ? nt : nk);
  }
  for (K = 0; K < nk; K++) mx_kmeans_free(kms[K]);
  if (j.failed) {
    fprintf(stderr, "mixscope gmm: %s: model selection stopped (see above)\n", o->data);
    return 1;
  }
  bb = gmm_select_best(rows, n, 0);
  ba = gmm_select_best(rows, n, 1);
  if (o->json) return mx_cli_print_json(gmm_select_json(o, r, rows, n, bb, ba));
  gmm_select_print(rows, n, bb, ba);
  return 0;
}

int mx_cmd_gmm(int argc, char **argv) {
  gmm_opts o;
  gmm_run r;
  int rc, done;
  if ((rc = gmm_parse(argc, argv, &o, &done)) != 0 || done) return rc;
  memset(&r, 0, sizeof r);
  rc = gmm_load(&o, &r);
  if (rc == 0 && o.sel_lo) rc = mx_gmm_select_k(&o, &r);
  else if (rc == 0 && (rc = gmm_setup(&o, &r, (int)o.K, o.cov, (unsigned long)o.seed)) == 0)
    rc = gmm_fit_one(&o, &r);
  gmm_run_free(&r);
  return rc;
}
