/* mixscope theta — the per-pixel Bernoulli model on binarized MNIST: θ from the
 * training counts under a Beta(a, b) prior, and the test-set NLL (the correct
 * one, with honest infinities) beside the notes' formula. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_bern.h"
#include "mixscope/bernoulli.h"
#include "mixscope/dataset.h"

static void theta_usage(FILE *fp) {
  fprintf(fp,
          "usage: mixscope theta [--mnist DIR] [--alpha A] [--beta B] [--threshold T] [--map]\n"
          "                      [--json]\n\n"
          "Fit one Bernoulli θ per pixel to the binarized training digits (pixel/255 > T) with\n"
          "a Beta(A, B) prior and score the test digits.\n\n"
          "  --mnist DIR      data directory (default: $MIXSCOPE_DATA, data/mnist, the sample)\n"
          "  --alpha A        Beta prior a >= 0 (default 0: the raw MLE n1/n of the notes)\n"
          "  --beta B         Beta prior b >= 0 (default: the same as --alpha; 1 1 = Laplace)\n"
          "  --threshold T    binarization threshold in [0, 1] (default 0.5, as the notes)\n"
          "  --map            posterior mode instead of posterior mean\n"
          "                   (mean (n1+a)/(n+a+b); mode (n1+a-1)/(n+a+b-2), clamped to 0/1)\n"
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
  size_t j;

  {
    mx_bern_cli o = {NULL, 0.0, -1.0, 0.5, 0, 0};
    int prc = mx_bern_cli_parse("theta", argc, argv, theta_usage, &o);
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

  if (json) {
    cJSON *root = cJSON_CreateObject(), *o, *arr;
    cJSON_AddStringToObject(root, "command", "theta");
    o = cJSON_AddObjectToObject(root, "data");
    cJSON_AddStringToObject(o, "dir", mn.dir);
    cJSON_AddStringToObject(o, "source", mx_data_source_name(mn.source));
    cJSON_AddNumberToObject(o, "train_images", (double)mn.train.n);
    cJSON_AddNumberToObject(o, "test_images", (double)mn.test.n);
    cJSON_AddNumberToObject(o, "rows", (double)mn.train.rows);
    cJSON_AddNumberToObject(o, "cols", (double)mn.train.cols);
    cJSON_AddNumberToObject(o, "pixels", (double)mn.train.d);
    cJSON_AddItemToObject(root, "threshold", mx_json_number(thr));
    o = cJSON_AddObjectToObject(root, "prior");
    cJSON_AddItemToObject(o, "a", mx_json_number(a));
    cJSON_AddItemToObject(o, "b", mx_json_number(b));
    cJSON_AddStringToObject(o, "estimate", map ? "posterior mode (MAP)" : "posterior mean");
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
    rc = mx_cli_print_json(root);
  } else {
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
    rc = fflush(stdout) ? 1 : 0;
  }

done:
  free(tx);
  free(culprit);
  mx_bern_free(&m);
  mx_bern_counts_free(&cnt);
  mx_mnist_free(&mn);
  return rc;
}
