/* mixscope kmeans — Lloyd's k-means on a CSV of points (the hard-assignment
 * cousin of `mixscope gmm`). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "cli.h"
#include "mixscope/gmm.h"
#include "mixscope/kmeans.h"
#include "mixscope/points.h"

static const char *km_cmd = "kmeans";

static void km_usage(FILE *fp) {
  fprintf(fp,
          "usage: mixscope kmeans --data FILE.csv --k K [options]\n\n"
          "Cluster the points into K groups by Lloyd's algorithm: assign each point to\n"
          "its nearest centre, move each centre to the mean of its points, repeat until\n"
          "no assignment changes (as scikit-learn's KMeans(algorithm='lloyd', n_init=1)).\n"
          "A cluster left empty takes the point farthest from its centre, as there.\n"
          "k-means is the zero-variance limit of EM for a mixture of equal spherical\n"
          "Gaussians: the soft responsibilities become 0/1. Labels in the CSV are ignored.\n\n"
          "options:\n"
          "  --data FILE.csv    the points (required), rows x,y[,label] as for gmm\n"
          "  --k K              number of clusters, 1..%d (default: from --init FILE)\n"
          "  --init METHOD      kmeans++ (default), random (K distinct points), or a\n"
          "                     FILE.json in the gmm format whose means are the centres\n"
          "  --seed S           seed of the random initialisation (default 1; the same\n"
          "                     draws as gmm --init with the same seed)\n"
          "  --iters N          at most N iterations (default 300)\n"
          "  --json             print JSON: init centres, \"centers\", \"labels\",\n"
          "                     \"inertia\", \"n_iter\", \"converged\"\n"
          "  --help             this text\n\n"
          "Exit codes: 0 ok, 1 bad data or init file, 2 bad arguments.\n",
          MX_GMM_MAXK);
}

typedef struct km_opts {
  const char *data, *init;
  long K, seed, iters;
  int json, method; /* method -1 = centres from a file */
} km_opts;

/* Parse argv; 0 to run, else the exit code (*done after --help). */
static int km_parse(int argc, char **argv, km_opts *o, int *done) {
  static const struct option opts[] = {
    {"data", required_argument, 0, 'd'},  {"k", required_argument, 0, 'k'},
    {"init", required_argument, 0, 'i'},  {"seed", required_argument, 0, 's'},
    {"iters", required_argument, 0, 'n'}, {"json", no_argument, 0, 'j'},
    {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
  int c;
  memset(o, 0, sizeof *o);
  o->init = "kmeans++";
  o->seed = 1;
  o->iters = 300;
  *done = 0;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (c) {
    case 'd': o->data = optarg; break;
    case 'k':
      if (mx_cli_long(km_cmd, "--k", optarg, 1, MX_GMM_MAXK, &o->K)) return 2;
      break;
    case 'i': o->init = optarg; break;
    case 's':
      if (mx_cli_long(km_cmd, "--seed", optarg, 0, 2147483647L, &o->seed)) return 2;
      break;
    case 'n':
      if (mx_cli_long(km_cmd, "--iters", optarg, 0, 1000000, &o->iters)) return 2;
      break;
    case 'j': o->json = 1; break;
    case 'h': km_usage(stdout); *done = 1; return 0;
    case ':': return mx_cli_usage_error(km_cmd, "%s needs a value", argv[optind - 1]);
    default: return mx_cli_usage_error(km_cmd, "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return mx_cli_usage_error(km_cmd, "unexpected argument '%s'", argv[optind]);
  if (!o->data) return mx_cli_usage_error(km_cmd, "--data FILE.csv is required");
  o->method = mx_gmm_init_find(o->init);
  if (o->method != MX_GMM_INIT_RANDOM && o->method != MX_GMM_INIT_KMEANSPP) {
    size_t n = strlen(o->init);
    if (!strchr(o->init, '/') && (n < 5 || strcmp(o->init + n - 5, ".json") != 0))
      return mx_cli_usage_error(km_cmd, "--init must be kmeans++, random or a FILE.json, not '%s'",
                                o->init);
    o->method = -1;
  }
  if (o->method >= 0 && o->K == 0)
    return mx_cli_usage_error(km_cmd, "--k K is required with --init %s", o->init);
  return 0;
}

/* Points and starting centres into *pts / *out; 0 or 1. */
static int km_load(const km_opts *o, mx_points *pts, mx_kmeans **out) {
  mx_error err;
  mx_gmm *g = NULL;
  long K = o->K;
  gsl_rng *rng;
  int rc = 0;
  mx_error_clear(&err);
  if (o->method < 0) {
    if (mx_gmm_json_read(o->init, &g, &err) != MX_OK) return mx_cli_fail(km_cmd, &err);
    if (K && K != g->K) {
      fprintf(stderr, "mixscope kmeans: %s has %d mean%s but --k is %ld\n", o->init, g->K,
              g->K == 1 ? "" : "s", K);
      mx_gmm_free(g);
      return 1;
    }
    K = g->K;
  }
  if (mx_points_read_csv(o->data, 0, 0, pts, &err) != MX_OK) {
    mx_gmm_free(g);
    return mx_cli_fail(km_cmd, &err);
  }
  if (g && g->D != pts->d) {
    fprintf(stderr, "mixscope kmeans: %s has means of dimension %d but %s has %d coordinate%s\n",
            o->init, g->D, o->data, pts->d, pts->d == 1 ? "" : "s");
    mx_gmm_free(g);
    return 1;
  }
  *out = mx_kmeans_alloc((int)K, pts->d, pts->n);
  rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!*out || !rng) {
    fprintf(stderr, "mixscope kmeans: out of memory\n");
    rc = 1;
  } else if (g) {
    mx_kmeans_set_centers(*out, g->means);
  } else if (mx_kmeans_init(*out, pts->x, pts->n, (mx_gmm_init)o->method, (unsigned long)o->seed,
                            rng, &err) != MX_OK) {
    fprintf(stderr, "mixscope kmeans: %s: %s\n", o->data, err.msg);
    rc = 1;
  }
  gsl_rng_free(rng);
  mx_gmm_free(g);
  return rc;
}

/* (K, D) centres as a JSON array of arrays. */
static cJSON *km_centers_json(const mx_kmeans *km) {
  cJSON *a = cJSON_CreateArray();
  int k;
  for (k = 0; k < km->K; k++)
    cJSON_AddItemToArray(a, mx_json_numbers(km->centers + (size_t)k * (size_t)km->D, km->D));
  return a;
}

static int km_print(const km_opts *o, const mx_points *pts, const mx_kmeans *km, cJSON *init) {
  int k, i;
  if (o->json) {
    cJSON *root = cJSON_CreateObject(), *lab;
    size_t n;
    cJSON_AddStringToObject(root, "data", o->data);
    cJSON_AddNumberToObject(root, "n", (double)pts->n);
    cJSON_AddNumberToObject(root, "d", pts->d);
    cJSON_AddNumberToObject(root, "k", km->K);
    cJSON_AddStringToObject(root, "init", o->method >= 0 ? mx_gmm_init_name((mx_gmm_init)o->method) : o->init);
    if (o->method >= 0) cJSON_AddNumberToObject(root, "seed", (double)o->seed);
    cJSON_AddNumberToObject(root, "max_iter", (double)o->iters);
    cJSON_AddItemToObject(root, "init_centers", init);
    cJSON_AddItemToObject(root, "centers", km_centers_json(km));
    lab = cJSON_AddArrayToObject(root, "labels");
    for (n = 0; n < pts->n; n++) cJSON_AddItemToArray(lab, cJSON_CreateNumber(km->labels[n]));
    cJSON_AddItemToObject(root, "counts", mx_json_numbers(km->counts, km->K));
    cJSON_AddItemToObject(root, "inertia", mx_json_number(km->inertia));
    cJSON_AddNumberToObject(root, "n_iter", km->iters);
    cJSON_AddBoolToObject(root, "converged", km->converged);
    return mx_cli_print_json(root);
  }
  cJSON_Delete(init);
  printf("%s after %d iteration%s: inertia %.10g\n", km->converged ? "converged" : "stopped",
         km->iters, km->iters == 1 ? "" : "s", km->inertia);
  for (k = 0; k < km->K; k++) {
    printf("cluster %d: %g points  centre [", k, km->counts[k]);
    for (i = 0; i < km->D; i++)
      printf("%s%.6g", i ? ", " : "", km->centers[(size_t)k * (size_t)km->D + (size_t)i]);
    printf("]\n");
  }
  return 0;
}

int mx_cmd_kmeans(int argc, char **argv) {
  km_opts o;
  mx_points pts;
  mx_kmeans *km = NULL;
  int rc, done;
  cJSON *init;
  if ((rc = km_parse(argc, argv, &o, &done)) != 0 || done) return rc;
  memset(&pts, 0, sizeof pts);
  if ((rc = km_load(&o, &pts, &km)) == 0) {
    init = km_centers_json(km);
    mx_kmeans_run(km, pts.x, pts.n, (int)o.iters);
    {
      size_t n; /* counts of the final labels */
      memset(km->counts, 0, (size_t)km->K * sizeof *km->counts);
      for (n = 0; n < pts.n; n++) km->counts[km->labels[n]] += 1.0;
    }
    rc = km_print(&o, &pts, km, init);
  }
  mx_kmeans_free(km);
  mx_points_free(&pts);
  return rc;
}
