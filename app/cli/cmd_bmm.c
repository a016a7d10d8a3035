/* mixscope bmm — Bernoulli mixture EM on binarized MNIST: the log-likelihood
 * (and log-posterior objective) per iteration, the weights, the test-set
 * log-likelihood, and in the semi-supervised variant the test accuracy;
 * optionally the component θ maps as PNG plus a montage. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <SDL.h>
#include <SDL_image.h>

#include "cli.h"
#include "shell/png.h"
#include "mixscope/bmm.h"
#include "mixscope/dataset.h"
#include "mixscope/fileio.h"

#define BMM_CMD "bmm"
#define BMM_PNG_SCALE 4 /* screen pixels per image pixel in the PNGs */

static void bmm_usage(FILE *fp) {
  fprintf(fp,
          "usage: mixscope bmm [--mnist DIR] --k K [--iters N] [--seed S] [--init kmeans++|random]\n"
          "                    [--labels-per-class L] [--threshold T] [--alpha A] [--gamma G]\n"
          "                    [--n N] [--threads T] [--out-dir DIR] [--json]\n\n"
          "Fit a mixture of K per-pixel Bernoulli models to the binarized training digits\n"
          "(pixel/255 > T) by EM, and score the test digits.\n\n"
          "  --mnist DIR            data directory (default: $MIXSCOPE_DATA, data/mnist, the sample)\n"
          "  --k K                  components, 1..500 (required unless --labels-per-class)\n"
          "  --iters N              EM iterations, 0..100000 (default 50)\n"
          "  --seed S               RNG seed for the start and the labelled picks (default 1)\n"
          "  --init kmeans++|random start: K distinct digits by D^2 sampling on Hamming\n"
          "                         distance (default), or random responsibilities\n"
          "  --labels-per-class L   semi-supervised: L random labelled digits of each class\n"
          "                         (K = 10, component c = digit c, their responsibilities\n"
          "                         fixed one-hot); start = naive Bayes on the labelled digits;\n"
          "                         reports test accuracy by argmax posterior\n"
          "  --threshold T          binarization threshold in [0, 1] (default 0.5)\n"
          "  --alpha A              pseudo-count > 0 on every theta: Beta(1+A, 1+A) prior, MAP\n"
          "                         theta = (S + A)/(N_k + 2A) (default 1: Laplace)\n"
          "  --gamma G              Dirichlet(G) prior on the weights, G >= 1 (default 1: none)\n"
          "  --n N                  use the first N training digits (default all)\n"
          "  --threads T            threads for the E/M passes, 1..%d (default 2)\n"
          "  --out-dir DIR          write comp_XX.png (theta maps, dark = theta near 1) and\n"
          "                         montage.png into DIR (created if missing)\n"
          "  --json                 print JSON\n"
          "  --help                 this text\n\n"
          "loglik[t] = sum_n log p(x_n) after t iterations (t = 0: the start); for a labelled\n"
          "digit the term is log p(x_n, y_n). logpost[t] adds the log prior (normalising\n"
          "constants dropped); EM never decreases it.\n",
          MX_BMM_MAX_THREADS);
}

typedef struct bmm_opts {
  const char *mnist_dir, *out_dir;
  long k, iters, labels, n, threads;
  unsigned long seed;
  double threshold, alpha, gamma;
  int init_random, json;
} bmm_opts;

static int bmm_parse(int argc, char **argv, bmm_opts *o) {
  static const struct option opts[] = {
    {"mnist", required_argument, 0, 'm'},  {"k", required_argument, 0, 'k'},
    {"iters", required_argument, 0, 'i'},  {"seed", required_argument, 0, 's'},
    {"init", required_argument, 0, 'I'},   {"labels-per-class", required_argument, 0, 'L'},
    {"threshold", required_argument, 0, 't'}, {"alpha", required_argument, 0, 'a'},
    {"gamma", required_argument, 0, 'g'},  {"n", required_argument, 0, 'n'},
    {"threads", required_argument, 0, 'T'}, {"out-dir", required_argument, 0, 'o'},
    {"json", no_argument, 0, 'j'},         {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};
  int c, have_init = 0;
  long v;
  memset(o, 0, sizeof *o);
  o->k = -1;
  o->iters = 50;
  o->seed = 1;
  o->threshold = 0.5;
  o->alpha = 1.0;
  o->gamma = 1.0;
  o->threads = 2;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (c) {
    case 'm': o->mnist_dir = optarg; break;
    case 'k':
      if (mx_cli_long(BMM_CMD, "--k", optarg, 1, 500, &o->k)) return 2;
      break;
    case 'i':
      if (mx_cli_long(BMM_CMD, "--iters", optarg, 0, 100000, &o->iters)) return 2;
      break;
    case 's':
      if (mx_cli_long(BMM_CMD, "--seed", optarg, 0, 2147483647L, &v)) return 2;
      o->seed = (unsigned long)v;
      break;
    case 'I':
      have_init = 1;
      if (!strcmp(optarg, "kmeans++"))
        o->init_random = 0;
      else if (!strcmp(optarg, "random"))
        o->init_random = 1;
      else
        return mx_cli_usage_error(BMM_CMD, "--init: '%s' is not kmeans++ or random", optarg);
      break;
    case 'L':
      if (mx_cli_long(BMM_CMD, "--labels-per-class", optarg, 1, 100000, &o->labels)) return 2;
      break;
    case 't':
      if (mx_cli_double(BMM_CMD, "--threshold", optarg, 0.0, 1.0, &o->threshold)) return 2;
      break;
    case 'a':
      if (mx_cli_double(BMM_CMD, "--alpha", optarg, 0.0, 1e9, &o->alpha)) return 2;
      if (!(o->alpha > 0.0))
        return mx_cli_usage_error(BMM_CMD,
                                  "--alpha must be > 0 (0 is the raw MLE: a theta of 0 or 1 "
                                  "makes a digit's log-likelihood -inf)");
      break;
    case 'g':
      if (mx_cli_double(BMM_CMD, "--gamma", optarg, 1.0, 1e9, &o->gamma)) return 2;
      break;
    case 'n':
      if (mx_cli_long(BMM_CMD, "--n", optarg, 1, 100000000L, &o->n)) return 2;
      break;
    case 'T':
      if (mx_cli_long(BMM_CMD, "--threads", optarg, 1, MX_BMM_MAX_THREADS, &o->threads)) return 2;
      break;
    case 'o': o->out_dir = optarg; break;
    case 'j': o->json = 1; break;
    case 'h': bmm_usage(stdout); return -1;
    case ':': return mx_cli_usage_error(BMM_CMD, "%s needs a value", argv[optind - 1]);
    default: return mx_cli_usage_error(BMM_CMD, "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return mx_cli_usage_error(BMM_CMD, "unexpected argument '%s'", argv[optind]);
  if (o->labels) {
    if (o->k != -1 && o->k != 10)
      return mx_cli_usage_error(BMM_CMD,
                                "--labels-per-class binds one component to each digit class, "
                                "so --k must be 10 (got %ld)",
                                o->k);
    if (have_init)
      return mx_cli_usage_error(BMM_CMD, "--init does not apply with --labels-per-class (the "
                                         "components start from the labelled digits)");
    o->k = 10;
  }
  if (o->k < 0) return mx_cli_usage_error(BMM_CMD, "--k K is required");
  return 0;
}

/* ---- PNG output ------------------------------------------------------------- */

/* (written by the shell's atomic PNG writer, shell/png.h) */

/* Paint θ of component k (rows x cols) at (x0, y0), BMM_PNG_SCALE pixels per
 * image pixel, grey 255·(1 − θ) as matplotlib's 'Greys' (the notes' plots). */
static void bmm_paint(SDL_Surface *s, const double *theta, size_t rows, size_t cols, int x0,
                      int y0) {
  size_t r, c;
  int dy, dx;
  for (r = 0; r < rows; r++)
    for (c = 0; c < cols; c++) {
      double t = theta[r * cols + c];
      Uint8 g = (Uint8)lround(255.0 * (1.0 - t));
      Uint32 px = SDL_MapRGB(s->format, g, g, g);
      for (dy = 0; dy < BMM_PNG_SCALE; dy++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels +
                                 (size_t)(y0 + (int)r * BMM_PNG_SCALE + dy) * (size_t)s->pitch);
        for (dx = 0; dx < BMM_PNG_SCALE; dx++) row[x0 + (int)c * BMM_PNG_SCALE + dx] = px;
      }
    }
}

/* comp_XX.png for each component and montage.png (a grid, 2-pixel gaps) into dir.
 * Appends the file names to files (a JSON array). */
static int bmm_write_pngs(const mx_bmm *m, size_t rows, size_t cols, const char *dir,
                          cJSON *files, mx_error *err) {
  int w = (int)cols * BMM_PNG_SCALE, h = (int)rows * BMM_PNG_SCALE, gap = 2;
  int ncol = (int)ceil(sqrt((double)m->k)), nrow = ((int)m->k + ncol - 1) / ncol;
  char path[MX_PATH_LEN + 32];
  SDL_Surface *one, *mont;
  size_t k;
  int rc = 0;
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return mx_error_set(err, MX_EIO, "%s: cannot create directory: %s", dir, strerror(errno));
  one = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32);
  mont = SDL_CreateRGBSurfaceWithFormat(0, ncol * (w + gap) + gap, nrow * (h + gap) + gap, 32,
                                        SDL_PIXELFORMAT_RGBA32);
  if (!one || !mont) {
    rc = mx_error_set(err, MX_ENOMEM, "out of memory for the PNG images");
    goto done;
  }
  SDL_FillRect(mont, NULL, SDL_MapRGB(mont->format, 200, 200, 200));
  for (k = 0; k < m->k && !rc; k++) {
    const double *th = m->theta + k * m->d;
    bmm_paint(one, th, rows, cols, 0, 0);
    bmm_paint(mont, th, rows, cols, gap + (int)(k % (size_t)ncol) * (w + gap),
              gap + (int)(k / (size_t)ncol) * (h + gap));
    snprintf(path, sizeof path, "%s/comp_%02zu.png", dir, k);
    rc = mx_png_save_atomic(one, path, err);
    if (!rc) cJSON_AddItemToArray(files, cJSON_CreateString(path));
  }
  if (!rc) {
    snprintf(path, sizeof path, "%s/montage.png", dir);
    rc = mx_png_save_atomic(mont, path, err);
    if (!rc) cJSON_AddItemToArray(files, cJSON_CreateString(path));
  }
done:
  if (one) SDL_FreeSurface(one);
  if (mont) SDL_FreeSurface(mont);
  return rc;
}

/* ---- the command ------------------------------------------------------------ */

static double bmm_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int mx_cmd_bmm(int argc, char **argv) {
  bmm_opts o;
  mx_mnist mn;
  mx_error err;
  mx_bmm_data *train = NULL, *test = NULL;
  mx_bmm *m = NULL;
  gsl_rng *rng = NULL;
  int *fixed = NULL;
  size_t *chosen = NULL;
  double *ll = NULL, *lp = NULL, t0, secs = 0.0, test_ll = NAN;
  size_t N, right0 = 0, right = 0, i;
  long it;
  int rc, prc;
  cJSON *files = NULL;

  prc = bmm_parse(argc, argv, &o);
  if (prc) return prc < 0 ? 0 : prc;

  mx_error_clear(&err);
  if (mx_mnist_load(&mn, o.mnist_dir, &err)) return mx_cli_fail(BMM_CMD, &err);
  N = o.n ? (size_t)o.n : mn.train.n;
  if (N > mn.train.n || (!o.labels && !o.init_random && N < (size_t)o.k)) {
    /* 2 for arguments that can never work (--k > --n), 1 for data that does
     * not fit them (fewer digits in the data than --n or --k) */
    if (N > mn.train.n) {
      fprintf(stderr, "mixscope %s: --n %ld: %s has only %zu training digits\n", BMM_CMD, o.n,
              mn.dir, mn.train.n);
      rc = 1;
    } else if (o.n) {
      rc = mx_cli_usage_error(BMM_CMD, "--k %ld: k-means++ needs at least K digits, --n is %zu",
                              o.k, N);
    } else {
      fprintf(stderr, "mixscope %s: --k %ld: k-means++ needs at least K digits, %s has %zu\n",
              BMM_CMD, o.k, mn.dir, N);
      rc = 1;
    }
    mx_mnist_free(&mn);
    return rc;
  }
  if (!o.json)
    fprintf(stderr, "mixscope bmm: data from %s (%s): %zu of %zu train, %zu test images\n",
            mn.dir, mx_data_source_name(mn.source), N, mn.train.n, mn.test.n);

  rc = 1;
  ll = malloc(((size_t)o.iters + 1) * sizeof *ll);
  lp = malloc(((size_t)o.iters + 1) * sizeof *lp);
  fixed = malloc(N * sizeof *fixed);
  chosen = malloc((size_t)o.k * sizeof *chosen);
  rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!ll || !lp || !fixed || !chosen || !rng) {
    mx_error_set(&err, MX_ENOMEM, "out of memory");
    goto fail;
  }
  gsl_rng_set(rng, o.seed);
  /* on-pixel lists straight from the grey pixels: no binarized copy */
  if (mx_bmm_data_alloc_grey(&train, mn.train.pix, N, mn.train.d, o.threshold, &err)) goto fail;
  if (mx_bmm_data_alloc_grey(&test, mn.test.pix, mn.test.n, mn.test.d, o.threshold, &err)) goto fail;
  if (mx_bmm_alloc(&m, (size_t)o.k, mn.train.d, N, mx_bmm_prior_laplace(o.alpha, o.gamma),
                   (size_t)o.threads, &err))
    goto fail;

  if (o.labels) {
    if (mx_bmm_pick_labelled(mn.train.labels, N, 10, (size_t)o.labels, rng, fixed, &err)) {
      rc = mx_cli_usage_error(BMM_CMD, "--labels-per-class %ld: %s", o.labels, err.msg);
      goto done;
    }
    if (mx_bmm_set_fixed(m, fixed, &err) || mx_bmm_init_labelled(m, train, &err)) goto fail;
    mx_bmm_score(m, test, mn.test.labels, NULL, &right0, NULL);
  } else if (o.init_random) {
    if (mx_bmm_init_random(m, train, rng, &err)) goto fail;
  } else {
    if (mx_bmm_init_kmeanspp(m, train, rng, chosen, &err)) goto fail;
  }

  t0 = bmm_now();
  for (it = 0; it < o.iters; it++) {
    int e = mx_bmm_iterate(m, train, &lp[it]);
    if (e) {
      mx_error_set(&err, e, "EM iteration %ld: %s", it + 1, mx_strerror(e));
      goto fail;
    }
    ll[it] = m->loglik;
  }
  secs = bmm_now() - t0;
  mx_bmm_e_step(m, train); /* the objective at the final parameters */
  ll[o.iters] = m->loglik;
  lp[o.iters] = m->logpost;
  mx_bmm_score(m, test, mn.test.labels, &test_ll, &right, NULL);

  if (o.out_dir) {
    files = cJSON_CreateArray();
    if (bmm_write_pngs(m, mn.train.rows, mn.train.cols, o.out_dir, files, &err)) goto fail;
  }

  if (o.json) {
    cJSON *root = cJSON_CreateObject(), *d, *p;
    cJSON_AddStringToObject(root, "command", "bmm");
    d = cJSON_AddObjectToObject(root, "data");
    cJSON_AddStringToObject(d, "dir", mn.dir);
    cJSON_AddStringToObject(d, "source", mx_data_source_name(mn.source));
    cJSON_AddNumberToObject(d, "train_images", (double)N);
    cJSON_AddNumberToObject(d, "train_available", (double)mn.train.n);
    cJSON_AddNumberToObject(d, "test_images", (double)mn.test.n);
    cJSON_AddNumberToObject(d, "pixels", (double)mn.train.d);
    cJSON_AddNumberToObject(d, "on_pixels_per_digit", (double)train->nnz / (double)N);
    cJSON_AddItemToObject(root, "threshold", mx_json_number(o.threshold));
    cJSON_AddNumberToObject(root, "k", (double)o.k);
    cJSON_AddNumberToObject(root, "iters", (double)o.iters);
    cJSON_AddNumberToObject(root, "seed", (double)o.seed);
    cJSON_AddStringToObject(root, "init",
                            o.labels ? "labelled" : o.init_random ? "random" : "kmeans++");
    cJSON_AddNumberToObject(root, "threads", (double)o.threads);
    if (!o.labels && !o.init_random) { /* the training digits the components started from */
      cJSON *a = cJSON_AddArrayToObject(root, "start_digits");
      for (i = 0; i < m->k; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber((double)chosen[i]));
    }
    p = cJSON_AddObjectToObject(root, "prior");
    cJSON_AddItemToObject(p, "alpha", mx_json_number(o.alpha));
    cJSON_AddItemToObject(p, "beta_a", mx_json_number(m->prior.a));
    cJSON_AddItemToObject(p, "beta_b", mx_json_number(m->prior.b));
    cJSON_AddItemToObject(p, "dirichlet_gamma", mx_json_number(o.gamma));
    cJSON_AddStringToObject(p, "estimate", "MAP: theta = (S + A)/(N_k + 2A), "
                                           "pi = (N_k + G - 1)/(N + K(G - 1))");
    cJSON_AddItemToObject(root, "loglik", mx_json_numbers(ll, (int)o.iters + 1));
    cJSON_AddItemToObject(root, "logpost", mx_json_numbers(lp, (int)o.iters + 1));
    cJSON_AddItemToObject(root, "loglik_per_digit", mx_json_number(ll[o.iters] / (double)N));
    cJSON_AddItemToObject(root, "weights", mx_json_numbers(m->pi, (int)m->k));
    cJSON_AddItemToObject(root, "test_loglik_per_digit",
                          mx_json_number(test_ll / (double)mn.test.n));
    if (o.labels) {
      cJSON_AddNumberToObject(root, "labels_per_class", (double)o.labels);
      cJSON_AddNumberToObject(root, "labelled_digits", 10.0 * (double)o.labels);
      {
        cJSON *a = cJSON_AddArrayToObject(root, "labelled_indices");
        for (i = 0; i < N; i++)
          if (fixed[i] >= 0) cJSON_AddItemToArray(a, cJSON_CreateNumber((double)i));
      }
      cJSON_AddItemToObject(root, "test_accuracy",
                            mx_json_number((double)right / (double)mn.test.n));
      cJSON_AddItemToObject(root, "test_accuracy_labelled_only",
                            mx_json_number((double)right0 / (double)mn.test.n));
    }
    cJSON_AddItemToObject(root, "seconds_per_iteration",
                          mx_json_number(o.iters ? secs / (double)o.iters : 0.0));
    if (files) {
      cJSON_AddItemToObject(root, "files", files);
      files = NULL;
    }
    rc = mx_cli_print_json(root);
  } else {
    printf("data:     %zu training digits (of %zu), %zu test, binarized at pixel/255 > %g\n", N,
           mn.train.n, mn.test.n, o.threshold);
    printf("model:    K = %ld, Beta(%g, %g) prior on theta, Dirichlet(%g) on pi, start %s, "
           "seed %lu\n",
           o.k, m->prior.a, m->prior.b, o.gamma,
           o.labels ? "labelled" : o.init_random ? "random" : "kmeans++", o.seed);
    for (it = 0; it <= o.iters; it++)
      if (it < 5 || it == o.iters || it % 10 == 0)
        printf("iter %4ld  loglik %.6f  (%.4f per digit)  logpost %.6f\n", it, ll[it],
               ll[it] / (double)N, lp[it]);
    printf("weights: ");
    for (i = 0; i < m->k; i++) printf(" %.4f", m->pi[i]);
    printf("\ntest loglik per digit: %.4f\n", test_ll / (double)mn.test.n);
    if (o.labels)
      printf("test accuracy: %.4f with %ld labels per class (%.4f from the labelled digits "
             "alone)\n",
             (double)right / (double)mn.test.n, o.labels, (double)right0 / (double)mn.test.n);
    if (o.iters) printf("time per EM iteration: %.1f ms\n", 1e3 * secs / (double)o.iters);
    if (o.out_dir) printf("wrote %d PNG files to %s\n", cJSON_GetArraySize(files), o.out_dir);
    rc = fflush(stdout) ? 1 : 0;
  }
  goto done;

fail:
  rc = mx_cli_fail(BMM_CMD, &err);
done:
  cJSON_Delete(files);
  mx_bmm_free(m);
  mx_bmm_data_free(train);
  mx_bmm_data_free(test);
  if (rng) gsl_rng_free(rng);
  free(fixed);
  free(chosen);
  free(ll);
  free(lp);
  mx_mnist_free(&mn);
  return rc;
}
