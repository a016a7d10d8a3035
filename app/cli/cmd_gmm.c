/* mixscope gmm — Gaussian mixture EM (optionally semi-supervised) on a CSV. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "cli.h"
#include "mixscope/gmm.h"
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
          "                     rows of each class), or FILE.json with\n"
          "                     {\"weights\":[..],\"means\":[[..],..],\"covariances\":[[[..]],..]}\n"
          "  --seed S           seed of the random initialisation (default 1)\n"
          "  --iters N          at most N EM iterations (default 100)\n"
          "  --tol T            stop when the per-point log-likelihood changes by < T\n"
          "                     (default 1e-6; 0 runs all iterations)\n"
          "  --reg R            added to every covariance diagonal (default 1e-6)\n"
          "  --min-nk M         a component with N_k < M collapses (default 1e-3)\n"
          "  --out FILE.json    also write the final parameters there (init format)\n"
          "  --json             print the run as JSON: one entry per iteration with the\n"
          "                     log-likelihood before its M-step and the parameters after\n"
          "                     it, then \"final\" (same shape as an init file)\n"
          "  --help             this text\n\n"
          "A collapsed component (N_k below --min-nk, or a covariance that stays singular\n"
          "after --reg) keeps its previous mean and covariance with weight N_k/N; it is\n"
          "reported (JSON \"collapses\", and a warning on stderr) and the run goes on.\n"
          "Exit codes: 0 ok, 1 bad data or init file, 2 bad arguments.\n",
          MX_GMM_MAXK);
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

int mx_cmd_gmm(int argc, char **argv) {
  static const struct option opts[] = {
    {"data", required_argument, 0, 'd'},  {"k", required_argument, 0, 'k'},
    {"init", required_argument, 0, 'i'},  {"seed", required_argument, 0, 's'},
    {"iters", required_argument, 0, 'n'}, {"tol", required_argument, 0, 't'},
    {"reg", required_argument, 0, 'r'},   {"min-nk", required_argument, 0, 'm'},
    {"out", required_argument, 0, 'o'},   {"json", no_argument, 0, 'j'},
    {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
  const char *data = NULL, *init = "kmeans++", *out = NULL;
  long K = 0, seed = 1, iters = 100;
  double tol = 1e-6, reg = MX_GMM_REG, min_nk = MX_GMM_MIN_NK;
  int json = 0, c, rc = 0, method, semi, t, converged = 0, ncoll_total = 0;
  mx_points pts;
  mx_error err;
  mx_gmm *g = NULL;
  mx_gmm_work *w = NULL;
  gsl_rng *rng = NULL;
  cJSON *root = NULL, *its = NULL, *colls = NULL;
  double ll = 0.0, prev = 0.0, final_ll = 0.0;

  memset(&pts, 0, sizeof pts);
  mx_error_clear(&err);
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (c) {
    case 'd': data = optarg; break;
    case 'k':
      if (mx_cli_long(gmm_cmd, "--k", optarg, 1, MX_GMM_MAXK, &K)) return 2;
      break;
    case 'i': init = optarg; break;
    case 's':
      if (mx_cli_long(gmm_cmd, "--seed", optarg, 0, 2147483647L, &seed)) return 2;
      break;
    case 'n':
      if (mx_cli_long(gmm_cmd, "--iters", optarg, 0, 1000000, &iters)) return 2;
      break;
    case 't':
      if (mx_cli_double(gmm_cmd, "--tol", optarg, 0.0, 1e300, &tol)) return 2;
      break;
    case 'r':
      if (mx_cli_double(gmm_cmd, "--reg", optarg, 0.0, 1e300, &reg)) return 2;
      break;
    case 'm':
      if (mx_cli_double(gmm_cmd, "--min-nk", optarg, 1e-300, 1e300, &min_nk)) return 2;
      break;
    case 'o': out = optarg; break;
    case 'j': json = 1; break;
    case 'h': gmm_usage(stdout); return 0;
    case ':':
      return mx_cli_usage_error(gmm_cmd, "%s needs a value", argv[optind - 1]);
    default:
      return mx_cli_usage_error(gmm_cmd, "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return mx_cli_usage_error(gmm_cmd, "unexpected argument '%s'", argv[optind]);
  if (!data) return mx_cli_usage_error(gmm_cmd, "--data FILE.csv is required");
  method = mx_gmm_init_find(init);
  if (method == MX_GMM_INIT_GIVEN) method = -1; /* given parameters come as a file */
  if (method < 0) {
    size_t n = strlen(init);
    if (!strchr(init, '/') && (n < 5 || strcmp(init + n - 5, ".json") != 0))
      return mx_cli_usage_error(gmm_cmd,
                                "--init must be kmeans++, random, labels or a FILE.json, not '%s'",
                                init);
  }
  if (method >= 0 && K == 0) return mx_cli_usage_error(gmm_cmd, "--k K is required with --init %s",
                                                       init);

  /* Parameters from a file fix K and D. */
  if (method < 0) {
    if ((rc = mx_gmm_json_read(init, &g, &err)) != MX_OK) return mx_cli_fail(gmm_cmd, &err);
    if (K && K != g->K) {
      fprintf(stderr, "mixscope gmm: %s has %d component%s but --k is %ld\n", init, g->K,
              g->K == 1 ? "" : "s", K);
      mx_gmm_free(g);
      return 1;
    }
    K = g->K;
  }
  if ((rc = mx_points_read_csv(data, 0, (int)K, &pts, &err)) != MX_OK) {
    mx_gmm_free(g);
    return mx_cli_fail(gmm_cmd, &err);
  }
  if (g && g->D != pts.d) {
    fprintf(stderr, "mixscope gmm: %s has means of dimension %d but %s has %d coordinate%s\n",
            init, g->D, data, pts.d, pts.d == 1 ? "" : "s");
    rc = 1;
    goto done;
  }
  if (!g && !(g = mx_gmm_alloc((int)K, pts.d))) {
    fprintf(stderr, "mixscope gmm: out of memory\n");
    rc = 1;
    goto done;
  }
  g->reg = reg;
  g->min_nk = min_nk;
  w = mx_gmm_work_alloc(g->K, pts.n, g->D);
  rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!w || !rng) {
    fprintf(stderr, "mixscope gmm: out of memory\n");
    rc = 1;
    goto done;
  }
  if (method == MX_GMM_INIT_LABELS &&
      mx_gmm_init_labels(g, w, pts.x, pts.n, pts.label, (unsigned long)seed, rng, &err) != MX_OK) {
    fprintf(stderr, "mixscope gmm: %s: %s\n", data, err.msg);
    rc = 1;
    goto done;
  }
  if (method >= 0 && method != MX_GMM_INIT_LABELS &&
      mx_gmm_init_data(g, w, pts.x, pts.n, (mx_gmm_init)method, (unsigned long)seed, rng, &err) !=
          MX_OK) {
    fprintf(stderr, "mixscope gmm: %s: %s\n", data, err.msg);
    rc = 1;
    goto done;
  }
  semi = pts.nlabelled > 0;

  root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "data", data);
  cJSON_AddNumberToObject(root, "n", (double)pts.n);
  cJSON_AddNumberToObject(root, "d", pts.d);
  cJSON_AddNumberToObject(root, "k", g->K);
  cJSON_AddStringToObject(root, "init", method >= 0 ? mx_gmm_init_name((mx_gmm_init)method) : init);
  if (method >= 0) cJSON_AddNumberToObject(root, "seed", (double)seed);
  cJSON_AddItemToObject(root, "reg", mx_json_number(reg));
  cJSON_AddItemToObject(root, "tol", mx_json_number(tol));
  cJSON_AddItemToObject(root, "min_nk", mx_json_number(min_nk));
  cJSON_AddNumberToObject(root, "max_iter", (double)iters);
  cJSON_AddBoolToObject(root, "semi_supervised", semi);
  cJSON_AddNumberToObject(root, "labelled", (double)pts.nlabelled);
  cJSON_AddItemToObject(root, "init_params", mx_gmm_json_params(g));
  its = cJSON_AddArrayToObject(root, "iterations");
  colls = cJSON_AddArrayToObject(root, "collapses");

  for (t = 1; t <= iters; t++) {
    cJSON *it;
    int r = mx_gmm_iterate(g, pts.x, pts.n, semi ? pts.label : NULL, w, &ll);
    if (r != MX_OK && r != MX_ECOLLAPSE) {
      fprintf(stderr, "mixscope gmm: %s: E-step failed at iteration %d: %s\n", data, t,
              mx_strerror(r));
      rc = 1;
      goto done;
    }
    it = cJSON_CreateObject();
    cJSON_AddNumberToObject(it, "iter", t);
    cJSON_AddItemToObject(it, "loglik", mx_json_number(ll));
    cJSON_AddItemToObject(it, "params", mx_gmm_json_params(g));
    if (r == MX_ECOLLAPSE) {
      cJSON *cl = gmm_collapse_list(g, t), *e;
      cJSON_AddItemToObject(it, "collapsed", cJSON_Duplicate(cl, 1));
      cJSON_ArrayForEach(e, cl) {
        if (ncoll_total < 20)
          fprintf(stderr, "mixscope gmm: warning: component %d collapsed at iteration %d (%s, "
                          "N_k = %.3g); it keeps its previous mean and covariance\n",
                  cJSON_GetObjectItem(e, "component")->valueint, t,
                  cJSON_GetObjectItem(e, "reason")->valuestring,
                  g->nk[cJSON_GetObjectItem(e, "component")->valueint]);
        ncoll_total++;
        cJSON_AddItemToArray(colls, cJSON_Duplicate(e, 1));
      }
      cJSON_Delete(cl);
    }
    cJSON_AddItemToArray(its, it);
    if (!json)
      printf("iter %4d  loglik %.10g%s\n", t, ll, r == MX_ECOLLAPSE ? "  (collapse)" : "");
    if (t > 1 && fabs(ll - prev) / (double)pts.n < tol) {
      converged = 1;
      break;
    }
    prev = ll;
  }
  if (ncoll_total > 20)
    fprintf(stderr, "mixscope gmm: warning: %d collapse reports in total\n", ncoll_total);
  mx_gmm_e_step(g, pts.x, pts.n, semi ? pts.label : NULL, w, &final_ll);
  cJSON_AddBoolToObject(root, "converged", converged);
  cJSON_AddNumberToObject(root, "n_iter", t > iters ? (double)iters : (double)t);
  cJSON_AddItemToObject(root, "final", mx_gmm_json_params(g));
  cJSON_AddItemToObject(root, "final_loglik", mx_json_number(final_ll));
  if (out && mx_gmm_json_write(out, g, &err) != MX_OK) {
    rc = mx_cli_fail(gmm_cmd, &err);
    goto done;
  }
  if (json) {
    rc = mx_cli_print_json(root);
    root = NULL;
  } else {
    int k, i, j, D = g->D;
    printf("%s after %d iteration%s: log-likelihood %.10g (%s EM, %zu labelled of %zu)\n",
           converged ? "converged" : "stopped", t > iters ? (int)iters : t,
           (t > iters ? iters : t) == 1 ? "" : "s", final_ll,
           semi ? "semi-supervised" : "unsupervised", pts.nlabelled, pts.n);
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
    rc = 0;
  }
done:
  cJSON_Delete(root);
  gsl_rng_free(rng);
  mx_gmm_work_free(w);
  mx_gmm_free(g);
  mx_points_free(&pts);
  return rc;
}
