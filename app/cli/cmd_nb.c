/* mixscope nb — naive Bayes on binarized MNIST: one Bernoulli θ per class and
 * pixel under a Beta(a, b) prior, log class frequencies as class priors; test
 * accuracy and the 10x10 confusion matrix. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_bern.h"
#include "mixscope/bernoulli.h"
#include "mixscope/dataset.h"

static void nb_usage(FILE *fp) {
  fprintf(fp,
          "usage: mixscope nb [--mnist DIR] [--alpha A] [--beta B] [--threshold T] [--map]\n"
          "                   [--json]\n\n"
          "Naive Bayes: per digit class c, θ_cj = P(pixel j lit | c) from the binarized\n"
          "training digits with a Beta(A, B) prior; predict argmax_c log π_c + log p(x | θ_c)\n"
          "with π_c the training class frequencies.\n\n"
          "  --mnist DIR      data directory (default: $MIXSCOPE_DATA, data/mnist, the sample)\n"
          "  --alpha A        Beta prior a >= 0 (default 1: Laplace)\n"
          "  --beta B         Beta prior b >= 0 (default: the same as --alpha)\n"
          "  --threshold T    binarization threshold in [0, 1] (default 0.5)\n"
          "  --map            posterior mode instead of posterior mean\n"
          "  --json           print JSON\n"
          "  --help           this text\n\n"
          "Ties go to the smaller digit. With a = b = 0 (raw MLE) a test digit can score\n"
          "-inf under every class; it is counted as an error, 'no class possible'.\n");
}

int mx_cmd_nb(int argc, char **argv) {
  const char *mnist_dir = NULL;
  double a = 1.0, b = -1.0, thr = 0.5;
  int map = 0, json = 0, rc = 1, t, p;
  mx_mnist mn;
  mx_error err;
  mx_bern_counts cnt = {0};
  mx_bern m = {0};
  mx_bern_nb_eval ev;
  uint8_t *tx = NULL;

  {
    mx_bern_cli o = {NULL, 1.0, -1.0, 0.5, 0, 0};
    int prc = mx_bern_cli_parse("nb", argc, argv, nb_usage, &o);
    if (prc >= 0) return prc;
    mnist_dir = o.mnist_dir;
    a = o.a;
    b = o.b;
    thr = o.threshold;
    map = o.map;
    json = o.json;
  }

  if (mx_bern_cli_load("nb", mnist_dir, &mn)) return 1;

  if (mx_bern_counts_alloc(&cnt, mn.train.d) || mx_bern_alloc(&m, MX_BERN_NCLASS, mn.train.d) ||
      !(tx = malloc(mn.test.n * mn.test.d))) {
    mx_error_set(&err, MX_ENOMEM, "out of memory");
    mx_cli_fail("nb", &err);
    goto done;
  }
  mx_bern_count_images(&cnt, &mn.train, thr);
  mx_binarize(mn.test.pix, mn.test.n * mn.test.d, thr, tx);
  if (mx_bern_fit(&m, &cnt, a, b, map)) {
    for (t = 0; t < MX_BERN_NCLASS && cnt.nc[t]; t++) {
    }
    mx_error_set(&err, MX_EINVAL,
                 "per-class θ is undefined for a = %g, b = %g: digit %d has no training images", a,
                 b, t);
    mx_cli_fail("nb", &err);
    goto done;
  }
  mx_bern_nb_evaluate(&m, tx, mn.test.labels, mn.test.n, &ev, NULL);

  if (json) {
    cJSON *root = cJSON_CreateObject(), *o, *conf;
    mx_bern_cli_json_head(root, "nb", &mn, thr, a, b, map, &o, &o);
    {
      double cls[MX_BERN_NCLASS];
      for (t = 0; t < MX_BERN_NCLASS; t++) cls[t] = (double)cnt.nc[t];
      cJSON_AddItemToObject(root, "train_class_counts", mx_json_numbers(cls, MX_BERN_NCLASS));
      cJSON_AddItemToObject(root, "log_class_prior", mx_json_numbers(m.log_prior, MX_BERN_NCLASS));
    }
    cJSON_AddItemToObject(root, "accuracy", mx_json_number(ev.accuracy));
    cJSON_AddNumberToObject(root, "correct", (double)ev.correct);
    cJSON_AddNumberToObject(root, "test_images", (double)ev.n);
    cJSON_AddNumberToObject(root, "no_class_possible", (double)ev.none);
    {
      double v[MX_BERN_NCLASS];
      for (t = 0; t < MX_BERN_NCLASS; t++) v[t] = (double)ev.none_by_class[t];
      cJSON_AddItemToObject(root, "no_class_possible_by_label", mx_json_numbers(v, MX_BERN_NCLASS));
      conf = cJSON_AddArrayToObject(root, "confusion");
      for (t = 0; t < MX_BERN_NCLASS; t++) {
        for (p = 0; p < MX_BERN_NCLASS; p++) v[p] = (double)ev.confusion[t][p];
        cJSON_AddItemToArray(conf, mx_json_numbers(v, MX_BERN_NCLASS));
      }
    }
    cJSON_AddStringToObject(root, "confusion_layout", "confusion[true][predicted]");
    rc = mx_cli_print_json(root);
  } else {
    printf("data:     %zu training / %zu test images of %zux%zu from %s (%s)\n", mn.train.n,
           mn.test.n, mn.train.rows, mn.train.cols, mn.dir, mx_data_source_name(mn.source));
    printf("prior:    Beta(%g, %g) per class and pixel, %s; binarized at pixel/255 > %g\n", a, b,
           map ? "posterior mode" : "posterior mean", thr);
    printf("accuracy: %.4f (%zu of %zu test digits)", ev.accuracy, ev.correct, ev.n);
    if (ev.none) printf("; %zu with no class possible (every class -inf)", ev.none);
    printf("\n\nconfusion (rows: true digit, columns: predicted%s)\n      ",
           ev.none ? ", last: none" : "");
    for (p = 0; p < MX_BERN_NCLASS; p++) printf("%6d", p);
    if (ev.none) printf("  none");
    printf("\n");
    for (t = 0; t < MX_BERN_NCLASS; t++) {
      printf("%6d", t);
      for (p = 0; p < MX_BERN_NCLASS; p++) printf("%6u", (unsigned)ev.confusion[t][p]);
      if (ev.none) printf("%6u", (unsigned)ev.none_by_class[t]);
      printf("\n");
    }
    rc = fflush(stdout) ? 1 : 0;
  }

done:
  free(tx);
  mx_bern_free(&m);
  mx_bern_counts_free(&cnt);
  mx_mnist_free(&mn);
  return rc;
}
