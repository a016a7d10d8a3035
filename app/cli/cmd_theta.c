/* mixscope theta — the per-pixel Bernoulli model on binarized MNIST: θ from the
 * training counts under a Beta(a, b) prior, and the test-set NLL (the correct
 * one, with honest infinities) beside the notes' formula. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "cli.h"
#include "cli_png.h"
#include "cmd_bern.h"
#include "mixscope/bernoulli.h"
#include "mixscope/dataset.h"
#include "mixscope/sample.h"

static void theta_usage(FILE *fp) {
  fprintf(fp,
          "usage: mixscope theta [--mnist DIR] [--alpha A] [--beta B] [--threshold T] [--map]\n"
          "                      [--sample N --sample-out FILE.png [--seed S]] [--json]\n\n"
          "Fit one Bernoulli θ per pixel to the binarized training digits (pixel/255 > T) with\n"
          "a Beta(A, B) prior and score the test digits.\n\n"
          "  --mnist DIR      data directory (default: $MIXSCOPE_DATA, data/mnist, the sample)\n"
          "  --alpha A        Beta prior a >= 0 (default 0: the raw MLE n1/n of the notes)\n"
          "  --beta B         Beta prior b >= 0 (default: the same as --alpha; 1 1 = Laplace)\n"
          "  --threshold T    binarization threshold in [0, 1] (default 0.5, as the notes)\n"
          "  --map            posterior mode instead of posterior mean\n"
          "                   (mean (n1+a)/(n+a+b); mode (n1+a-1)/(n+a+b-2), clamped to 0/1)\n"
          "  --sample N       draw N new digits (1..10000) from θ: each pixel lit with\n"
          "                   probability θ_j, independently (raw θ or with the prior)\n"
          "  --sample-out FILE.png  the samples as a grid PNG (written atomically)\n"
          "  --seed S         seed of the samples (default 1; same seed, same digits)\n"
          "  --json           print JSON (non-finite numbers as \"inf\" / \"nan\")\n"
          "  --help           this text\n\n"
          "The test NLL is -sum_j [x_j log θ_j + (1-x_j) log(1-θ_j)] per image; it is +inf\n"
          "for an image with a lit pixel where θ = 0 (or an unlit one where θ = 1). The\n"
          "notes' formula -(X * log θ).sum() is printed too: it drops the (1-x) term and\n"
          "gives nan for raw θ because 0 * log 0 = 0 * -inf = nan.\n");
}

/* Human name for the prior. */
static const char *prior_label(double a, double b, int map) {
  if (!map && a == 0 && b == 0) return "raw MLE";
  if (!map && a == 1 && b == 1) return "Laplace";
  if (map && a == 1 && b == 1) return "MAP with a flat prior = raw MLE";
  return map ? "Beta prior, posterior mode" : "Beta prior, posterior mean";
}

/* --sample / --sample-out / --seed, taken out of argv before the shared
 * parser sees the rest. */
typedef struct theta_sample {
  long n, seed;
  const char *out;
} theta_sample;

/* Value of option name at argv[*i] ("--name V" or "--name=V"), advancing *i;
 * NULL if argv[*i] is another option; *missing if the value is absent. */
static const char *theta_optval(int argc, char **argv, int *i, const char *name, int *missing) {
  size_t n = strlen(name);
  if (strncmp(argv[*i], name, n) != 0) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n] != '\0') return NULL;
  if (*i + 1 >= argc) {
    *missing = 1;
    return NULL;
  }
  return argv[++*i];
}

/* Remove the sampling options from argv (*argc updated); -1 to go on, or 2. */
static int theta_sample_parse(int *argc, char **argv, theta_sample *o) {
  static const char *const names[3] = {"--sample", "--sample-out", "--seed"};
  int i, j = 1, k;
  o->n = 0;
  o->seed = 1;
  o->out = NULL;
  for (i = 1; i < *argc; i++) {
    const char *v = NULL;
    int missing = 0;
    if (!strcmp(argv[i], "--")) break;
    for (k = 0; k < 3 && !v && !missing; k++) v = theta_optval(*argc, argv, &i, names[k], &missing);
    if (missing) return mx_cli_usage_error("theta", "%s needs a value", argv[i]);
    if (!v) {
      argv[j++] = argv[i];
      continue;
    }
    k--;
    if (k == 0 && mx_cli_long("theta", "--sample", v, 1, 10000, &o->n)) return 2;
    if (k == 1) o->out = v;
    if (k == 2 && mx_cli_long("theta", "--seed", v, 0, 2147483647L, &o->seed)) return 2;
  }
  for (; i < *argc; i++) argv[j++] = argv[i];
  *argc = j;
  if (o->n && !o->out) return mx_cli_usage_error("theta", "--sample N needs --sample-out FILE.png");
  if (o->out && !o->n) return mx_cli_usage_error("theta", "--sample-out needs --sample N");
  return -1;
}

/* Draw and write the samples; 0 or 1 after a message. */
static int theta_sample_write(const theta_sample *o, const mx_bern *m, const mx_mnist *mn) {
  mx_error err;
  uint8_t *x = malloc((size_t)o->n * mn->train.d);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  int rc = 0;
  mx_error_clear(&err);
  if (!x || !r) {
    mx_error_set(&err, MX_ENOMEM, "out of memory");
  } else {
    gsl_rng_set(r, (unsigned long)o->seed);
    if (mx_sample_bernoulli(m->theta, mn->train.d, (size_t)o->n, r, x))
      mx_error_set(&err, MX_EINVAL, "θ has a value outside [0, 1]");
    else
      mx_cli_write_digit_grid(x, NULL, (size_t)o->n, mn->train.rows, mn->train.cols, o->out, &err);
  }
  if (err.code) rc = mx_cli_fail("theta", &err);
  free(x);
  if (r) gsl_rng_free(r);
  return rc;
}

/* The run's settings and results, for the printers. */
typedef struct theta_result {
  const mx_mnist *mn;
  double a, b, thr;
  int map;
  const mx_bern_nll *r;
  const mx_bern *m;
  const uint32_t *culprit;
  const theta_sample *smp;
} theta_result;

static int theta_print_json(const theta_result *t) {
  const mx_mnist mn = *t->mn;
  const mx_bern_nll r = *t->r;
  const mx_bern m = *t->m;
  const uint32_t *culprit = t->culprit;
  const theta_sample *smp = t->smp;
  double a = t->a, b = t->b, thr = t->thr;
  int map = t->map;
  size_t j;
  cJSON *root = cJSON_CreateObject(), *o, *arr;
  cJSON *data;
  mx_bern_cli_json_head(root, "theta", &mn, thr, a, b, map, &data, &o);
  cJSON_AddNumberToObject(data, "pixels", (double)mn.train.d);
  cJSON_AddStringToObject(o, "label", prior_label(a, b, map));
  o = cJSON_AddObjectToObject(root, "theta");
  cJSON_AddNumberToObject(o, "zero_pixels", (double)r.theta0);
  cJSON_AddNumberToObject(o, "one_pixels", (double)r.theta1);
  o = cJSON_AddObjectToObject(root, "test_nll");
  cJSON_AddStringToObject(o, "formula", "-sum_j [x_j log(theta_j) + (1-x_j) log(1-theta_j)]");
  cJSON_AddItemToObject(o, "mean_nats", mx_json_number(r.mean));
  cJSON_AddItemToObject(o, "mean_bits", mx_json_number(r.mean / MX_LN2));
  cJSON_AddItemToObject(o, "total_nats", mx_json_number(r.total));
  cJSON_AddItemToObject(o, "total_bits", mx_json_number(r.total / MX_LN2));
  cJSON_AddNumberToObject(o, "infinite_images", (double)r.n_inf);
  cJSON_AddNumberToObject(o, "finite_images", (double)(r.n - r.n_inf));
  cJSON_AddItemToObject(o, "finite_mean_nats", mx_json_number(r.finite_mean));
  cJSON_AddItemToObject(o, "finite_mean_bits", mx_json_number(r.finite_mean / MX_LN2));
  cJSON_AddNumberToObject(root, "culprit_pixels", (double)r.n_culprit);
  arr = cJSON_AddArrayToObject(root, "culprits");
  for (j = 0; j < mn.train.d; j++) {
    cJSON *p;
    if (!culprit[j]) continue;
    p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "pixel", (double)j);
    cJSON_AddNumberToObject(p, "row", (double)(j / mn.train.cols));
    cJSON_AddNumberToObject(p, "col", (double)(j % mn.train.cols));
    cJSON_AddItemToObject(p, "theta", mx_json_number(m.theta[j]));
    cJSON_AddNumberToObject(p, "test_images", (double)culprit[j]);
    cJSON_AddItemToArray(arr, p);
  }
  o = cJSON_AddObjectToObject(root, "notes_formula");
  cJSON_AddStringToObject(o, "formula", "nll(X, theta) = -(X * np.log(theta)).sum()");
  cJSON_AddItemToObject(o, "total", mx_json_number(r.notes_total));
  cJSON_AddItemToObject(o, "per_image", mx_json_number(r.notes_mean));
  cJSON_AddStringToObject(o, "note",
                          "the notes' formula: omits the (1-x) log(1-theta) term, and gives "
                          "nan when theta has a 0 because 0 * log 0 = 0 * -inf = nan in IEEE "
                          "arithmetic");
  if (smp->n) {
    o = cJSON_AddObjectToObject(root, "samples");
    cJSON_AddNumberToObject(o, "n", (double)smp->n);
    cJSON_AddStringToObject(o, "file", smp->out);
    cJSON_AddNumberToObject(o, "seed", (double)smp->seed);
  }
  return mx_cli_print_json(root);
}

static int theta_print_text(const theta_result *t) {
  const mx_mnist mn = *t->mn;
  const mx_bern_nll r = *t->r;
  const theta_sample *smp = t->smp;
  double a = t->a, b = t->b, thr = t->thr;
  int map = t->map;
  printf("data:    %zu training / %zu test images of %zux%zu from %s (%s)\n", mn.train.n,
         mn.test.n, mn.train.rows, mn.train.cols, mn.dir, mx_data_source_name(mn.source));
  printf("prior:   Beta(%g, %g), %s -> %s; binarized at pixel/255 > %g\n", a, b,
         map ? "posterior mode" : "posterior mean", prior_label(a, b, map), thr);
  printf("theta:   %zu of %zu pixels have theta = 0, %zu have theta = 1\n", r.theta0,
         mn.train.d, r.theta1);
  printf("test NLL per image: %.6f nats = %.6f bits (total %.6f nats)\n", r.mean,
         r.mean / MX_LN2, r.total);
  printf("         %zu of %zu test images have NLL = +inf", r.n_inf, r.n);
  if (r.n_inf) printf(" (a lit pixel where theta = 0, or an unlit one where theta = 1)");
  printf("\n");
  if (r.n_inf && r.n_inf < r.n)
    printf("         mean over the %zu finite images: %.6f nats\n", r.n - r.n_inf,
           r.finite_mean);
  printf("culprit pixels (a test image meets probability 0 there): %zu\n", r.n_culprit);
  printf("notes' formula -(X * log theta).sum(): %.6f (per image %.6f)\n", r.notes_total,
         r.notes_mean);
  printf("         (omits the (1-x) log(1-theta) term; nan when theta has a 0: 0 * log 0 = nan)\n");
  if (smp->n)
    printf("sampled: %ld digits from theta (each pixel lit with probability theta_j), seed %ld, "
           "written to %s\n", smp->n, smp->seed, smp->out);
  return fflush(stdout) ? 1 : 0;
}

int mx_cmd_theta(int argc, char **argv) {
  const char *mnist_dir = NULL;
  double a = 0.0, b = -1.0, thr = 0.5;
  int map = 0, json = 0, rc = 1;
  mx_mnist mn;
  mx_error err;
  mx_bern_counts cnt = {0};
  mx_bern m = {0};
  mx_bern_nll r;
  uint8_t *tx = NULL;
  uint32_t *culprit = NULL;
  theta_sample smp;

  {
    mx_bern_cli o = {NULL, 0.0, -1.0, 0.5, 0, 0};
    int prc = theta_sample_parse(&argc, argv, &smp);
    if (prc >= 0) return prc;
    prc = mx_bern_cli_parse("theta", argc, argv, theta_usage, &o);
    if (prc >= 0) return prc;
    mnist_dir = o.mnist_dir;
    a = o.a;
    b = o.b;
    thr = o.threshold;
    map = o.map;
    json = o.json;
  }

  if (mx_bern_cli_load("theta", mnist_dir, &mn)) return 1;

  if (mx_bern_counts_alloc(&cnt, mn.train.d) || mx_bern_alloc(&m, 1, mn.train.d) ||
      !(tx = malloc(mn.test.n * mn.test.d)) || !(culprit = calloc(mn.train.d, sizeof *culprit))) {
    mx_error_set(&err, MX_ENOMEM, "out of memory");
    mx_cli_fail("theta", &err);
    goto done;
  }
  mx_bern_count_images(&cnt, &mn.train, thr);
  mx_binarize(mn.test.pix, mn.test.n * mn.test.d, thr, tx);
  if (mx_bern_fit(&m, &cnt, a, b, map)) {
    mx_error_set(&err, MX_EINVAL, "θ is undefined for a = %g, b = %g with %zu training images", a,
                 b, cnt.n);
    mx_cli_fail("theta", &err);
    goto done;
  }
  mx_bern_nll_eval(&m, 0, tx, mn.test.n, &r, culprit, NULL);

  if (smp.n && theta_sample_write(&smp, &m, &mn)) goto done;
  {
    theta_result res = {&mn, a, b, thr, map, &r, &m, culprit, &smp};
    rc = json ? theta_print_json(&res) : theta_print_text(&res);
  }

done:
  free(tx);
  free(culprit);
  mx_bern_free(&m);
  mx_bern_counts_free(&cnt);
  mx_mnist_free(&mn);
  return rc;
}
