/* mixbench — timings of mixscope's core kernels, view frame times and start-up
 * on this machine: medians (p10/p90, and p99 for frames) over repeated runs.
 *
 *   mixbench [options] [SECTION...]     sections: io theta pca gmm bmm frames ui startup
 *
 * Every workload is the real code on the real data: full MNIST (60,000 training
 * / 10,000 test digits, looked up as in dataset.h), 2-D point sets from
 * mx_points_preset. With --dump DIR it also writes the inputs and outputs that
 * bench/compare.py needs to run the same workloads in scikit-learn / NumPy from
 * the same starting point and check that the numbers agree (raw little-endian
 * float64 files plus DIR/mixbench.json). Nothing here is a test: it asserts
 * nothing about speed; scripts/bench.sh turns the JSON into the table in
 * docs/benchmarks.md. */
#define _DEFAULT_SOURCE 1 /* wait4 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_rng.h>

#include "shell/app.h"
#include "cli/cli.h"
#include "views/view.h"
#include "mixscope/bernoulli.h"
#include "mixscope/bmm.h"
#include "mixscope/dataset.h"
#include "mixscope/error.h"
#include "mixscope/fileio.h"
#include "mixscope/gmm.h"
#include "mixscope/idx.h"
#include "mixscope/pca.h"
#include "mixscope/points.h"

#ifndef MX_MIXSCOPE_BIN
#define MX_MIXSCOPE_BIN "mixscope"
#endif

/* ------------------------------------------------------------------ options */

typedef struct bench_opts {
  const char *mnist;     /* --mnist DIR or NULL (lookup order of dataset.h) */
  const char *json;      /* --json FILE */
  const char *dump;      /* --dump DIR */
  const char *mixscope;  /* binary for start-up */
  int reps;              /* 0: per-workload default */
  int frames;            /* frames per view scenario */
  int threads;           /* threads for the multi-threaded runs (BMM, PCA) */
  int quick;             /* small sizes for development */
  int gmm_iters;         /* EM iterations timed per GMM size (0: default) */
  int bmm_iters;         /* EM iterations timed per thread count (0: default) */
  const char *scen;      /* run only frame scenarios whose label starts with this */
  double frame_budget;   /* seconds per frame scenario before stopping early */
  int frame_w, frame_h;  /* --frame-size (default 1280x800) */
  double text_scale;     /* --text-scale (Ctrl +/- factor, default 1) */
} bench_opts;

static bench_opts O;
static cJSON *J;          /* root of the JSON report */
static cJSON *JR;         /* J.results: name -> timing record */

/* ------------------------------------------------------------------ timing */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Quantile q of sorted v (n) by linear interpolation between order statistics
 * (numpy's default); p99 of n < 100 samples is then near the maximum. */
static double quantile(const double *v, int n, double q) {
  double pos, f;
  int i;
  if (n <= 0) return NAN;
  pos = q * (double)(n - 1);
  i = (int)floor(pos);
  if (i >= n - 1) return v[n - 1];
  f = pos - (double)i;
  return v[i] + f * (v[i + 1] - v[i]);
}

typedef struct stats {
  int n;
  double med, p10, p90, p99, min, max, mean;
} stats;

static stats summarize(const double *t, int n) {
  stats s;
  double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  int i;
  memset(&s, 0, sizeof s);
  s.n = n;
  if (!v || n <= 0) {
    free(v);
    s.med = s.p10 = s.p90 = s.p99 = s.min = s.max = s.mean = NAN;
    return s;
  }
  memcpy(v, t, (size_t)n * sizeof *v);
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  s.med = quantile(v, n, 0.5);
  s.p10 = quantile(v, n, 0.1);
  s.p90 = quantile(v, n, 0.9);
  s.p99 = quantile(v, n, 0.99);
  s.min = v[0];
  s.max = v[n - 1];
  for (i = 0; i < n; i++) s.mean += v[i];
  s.mean /= (double)n;
  free(v);
  return s;
}

static double loadavg1(void) {
  double l[3] = {NAN, NAN, NAN};
  FILE *fp = fopen("/proc/loadavg", "r");
  if (fp) {
    if (fscanf(fp, "%lf %lf %lf", &l[0], &l[1], &l[2]) != 3) l[0] = NAN;
    fclose(fp);
  }
  return l[0];
}

/* Record times t (seconds, n) under name: printed as a table row (ms) and
 * stored in J.results[name]. Returns the summary (in seconds). */
static stats record(const char *name, const double *t, int n, const char *note) {
  stats s = summarize(t, n);
  cJSON *o = cJSON_CreateObject();
  printf("  %-40s %5d  %11.4f %11.4f %11.4f %11.4f  %s\n", name, n, 1e3 * s.med, 1e3 * s.p10,
         1e3 * s.p90, 1e3 * s.p99, note ? note : "");
  fflush(stdout);
  cJSON_AddNumberToObject(o, "reps", n);
  cJSON_AddItemToObject(o, "median_ms", mx_json_number(1e3 * s.med));
  cJSON_AddItemToObject(o, "p10_ms", mx_json_number(1e3 * s.p10));
  cJSON_AddItemToObject(o, "p90_ms", mx_json_number(1e3 * s.p90));
  cJSON_AddItemToObject(o, "p99_ms", mx_json_number(1e3 * s.p99));
  cJSON_AddItemToObject(o, "min_ms", mx_json_number(1e3 * s.min));
  cJSON_AddItemToObject(o, "max_ms", mx_json_number(1e3 * s.max));
  cJSON_AddItemToObject(o, "mean_ms", mx_json_number(1e3 * s.mean));
  cJSON_AddItemToObject(o, "load1", mx_json_number(loadavg1()));
  if (note && *note) cJSON_AddStringToObject(o, "note", note);
  cJSON_DeleteItemFromObjectCaseSensitive(JR, name);
  cJSON_AddItemToObject(JR, name, o);
  return s;
}

static void header(const char *section) {
  printf("\n[%s]  (load average %.2f)\n", section, loadavg1());
  printf("  %-40s %5s  %11s %11s %11s %11s\n", "workload", "reps", "median ms", "p10 ms", "p90 ms",
         "p99 ms");
}

static int reps_or(int dflt) { return O.reps > 0 ? O.reps : dflt; }

/* ------------------------------------------------------------------ dumps */

static int dump_bytes(const char *name, const void *data, size_t n) {
  char path[MX_PATH_LEN + 64];
  mx_error err;
  if (!O.dump) return 0;
  snprintf(path, sizeof path, "%s/%s", O.dump, name);
  if (mx_file_write_atomic(path, data, n, &err) != 0) {
    fprintf(stderr, "mixbench: %s\n", err.msg);
    return -1;
  }
  return 0;
}

static int dump_f64(const char *name, const double *v, size_t n) {
  return dump_bytes(name, v, n * sizeof *v);
}

static cJSON *section_obj(const char *name) {
  cJSON *o = cJSON_GetObjectItemCaseSensitive(J, name);
  if (!o) {
    o = cJSON_CreateObject();
    cJSON_AddItemToObject(J, name, o);
  }
  return o;
}

static void put_num(cJSON *o, const char *key, double v) {
  cJSON_DeleteItemFromObjectCaseSensitive(o, key);
  cJSON_AddItemToObject(o, key, mx_json_number(v));
}

/* ------------------------------------------------------------------ data */

static mx_mnist MN;
static int mn_loaded;

static int need_mnist(void) {
  mx_error err;
  if (mn_loaded) return 0;
  if (mx_mnist_load(&MN, O.mnist, &err) != 0) {
    fprintf(stderr, "mixbench: %s\n", err.msg);
    return -1;
  }
  mn_loaded = 1;
  if (MN.train.n != 60000 || MN.test.n != 10000)
    fprintf(stderr, "mixbench: warning: %s holds %zu/%zu images, not the full 60,000/10,000 "
            "(run scripts/fetch-mnist.sh)\n", MN.dir, MN.train.n, MN.test.n);
  {
    cJSON *d = section_obj("data");
    cJSON_DeleteItemFromObjectCaseSensitive(d, "mnist_dir");
    cJSON_AddStringToObject(d, "mnist_dir", MN.dir);
    cJSON_DeleteItemFromObjectCaseSensitive(d, "source");
    cJSON_AddStringToObject(d, "source", mx_data_source_name(MN.source));
    put_num(d, "train_n", (double)MN.train.n);
    put_num(d, "test_n", (double)MN.test.n);
    put_num(d, "d", (double)MN.train.d);
  }
  return 0;
}

/* ------------------------------------------------------------------ io */

volatile uint64_t bench_sink;

/* The plain pass: every byte added into one 64-bit sum. */
static uint64_t sum_bytes_plain(const uint8_t *p, size_t n) {
  uint64_t s = 0;
  size_t i;
  for (i = 0; i < n; i++) s += p[i];
  return s;
}

/* The same sum written so the compiler vectorizes it at -O2: 16-bit lanes over
 * blocks of 256 bytes (no overflow: 8 * 255 < 65536), then widened. */
static uint64_t sum_bytes_blocked(const uint8_t *restrict p, size_t n) {
  uint64_t s = 0;
  size_t i = 0, j, t;
  for (; i + 256 <= n; i += 256) {
    uint16_t lane[32];
    for (t = 0; t < 32; t++) lane[t] = 0;
    for (j = 0; j < 256; j += 32)
      for (t = 0; t < 32; t++) lane[t] = (uint16_t)(lane[t] + p[i + j + t]);
    for (t = 0; t < 32; t++) s += lane[t];
  }
  for (; i < n; i++) s += p[i];
  return s;
}

static void mnist_paths(char *img, char *lab, size_t cap, const char *split) {
  /* the raw file if present, else .gz (as dataset.c accepts) */
  struct stat st;
  snprintf(img, cap, "%s/%s-images-idx3-ubyte", MN.dir, split);
  if (stat(img, &st) != 0) snprintf(img, cap, "%s/%s-images-idx3-ubyte.gz", MN.dir, split);
  snprintf(lab, cap, "%s/%s-labels-idx1-ubyte", MN.dir, split);
  if (stat(lab, &st) != 0) snprintf(lab, cap, "%s/%s-labels-idx1-ubyte.gz", MN.dir, split);
}

static double T_SUM = NAN;   /* median seconds of the fastest full pass over the pixels */

static int bench_io(void) {
  int R = reps_or(21), r;
  double *t = malloc((size_t)(R > 7 ? R : 7) * sizeof *t);
  const uint8_t *pix;
  size_t n;
  stats a, b;
  char img[MX_PATH_LEN + 64], lab[MX_PATH_LEN + 64];
  cJSON *sec;
  if (!t || need_mnist()) return -1;
  sec = section_obj("io");
  pix = MN.train.pix;
  n = MN.train.n * MN.train.d;
  header("io: reading the 60,000 training digits' pixels");
  put_num(sec, "pixel_bytes", (double)n);
  bench_sink = sum_bytes_plain(pix, n); /* warm */
  for (r = 0; r < R; r++) {
    double t0 = now_s();
    bench_sink += sum_bytes_plain(pix, n);
    t[r] = now_s() - t0;
  }
  a = record("pixels.sum_plain", t, R, "for (i) s += p[i]; uint64 sum");
  for (r = 0; r < R; r++) {
    double t0 = now_s();
    bench_sink += sum_bytes_blocked(pix, n);
    t[r] = now_s() - t0;
  }
  b = record("pixels.sum_blocked", t, R, "16-bit lanes, vectorized");
  if (sum_bytes_plain(pix, n) != sum_bytes_blocked(pix, n)) {
    fprintf(stderr, "mixbench: the two pixel sums disagree\n");
    return -1;
  }
  T_SUM = fmin(a.med, b.med);
  put_num(sec, "pixel_sum", (double)sum_bytes_plain(pix, n));
  put_num(sec, "read_once_ms", 1e3 * T_SUM);
  put_num(sec, "read_once_GBps", (double)n / T_SUM / 1e9);

  mnist_paths(img, lab, sizeof img, "train");
  {
    int R2 = reps_or(7);
    for (r = 0; r < R2; r++) {
      mx_idx idx;
      mx_error err;
      double t0 = now_s();
      if (mx_idx_read(img, &idx, &err) != 0) {
        fprintf(stderr, "mixbench: %s\n", err.msg);
        return -1;
      }
      t[r] = now_s() - t0;
      mx_idx_free(&idx);
    }
    record("idx.read_train_images", t, R2, "mx_idx_read, 47 MB file in page cache");
    for (r = 0; r < R2; r++) {
      mx_mnist m;
      mx_error err;
      double t0 = now_s();
      if (mx_mnist_load(&m, MN.dir, &err) != 0) {
        fprintf(stderr, "mixbench: %s\n", err.msg);
        return -1;
      }
      t[r] = now_s() - t0;
      mx_mnist_free(&m);
    }
    record("mnist.load_all", t, R2, "mx_mnist_load: 4 files, validated");
  }
  free(t);
  return 0;
}

/* ------------------------------------------------------------------ theta / naive Bayes */

static int bench_theta(void) {
  int R = reps_or(21), r, rc;
  double *t = malloc((size_t)R * sizeof *t);
  mx_bern_counts cnt;
  mx_bern m1, m10, raw1;
  uint8_t *tbin;
  size_t nt, d;
  stats sc, sf, scf;
  mx_bern_nll nll;
  mx_bern_nb_eval ev;
  int8_t *pred;
  double *scores;
  cJSON *sec;
  if (!t || need_mnist()) return -1;
  if (isnan(T_SUM)) {
    /* the ratio needs the read-once time; measure it quietly */
    size_t n = MN.train.n * MN.train.d;
    double tt[9];
    for (r = 0; r < 9; r++) {
      double t0 = now_s();
      bench_sink += sum_bytes_blocked(MN.train.pix, n);
      tt[r] = now_s() - t0;
    }
    T_SUM = summarize(tt, 9).med;
  }
  sec = section_obj("theta");
  d = MN.train.d;
  nt = MN.test.n;
  if (mx_bern_counts_alloc(&cnt, d) || mx_bern_alloc(&m1, 1, d) || mx_bern_alloc(&m10, 10, d) ||
      mx_bern_alloc(&raw1, 1, d)) {
    fprintf(stderr, "mixbench: out of memory\n");
    return -1;
  }
  header("theta: per-pixel Bernoulli counts, fit, test NLL, naive Bayes");
  mx_bern_count_images(&cnt, &MN.train, 0.5); /* warm */
  for (r = 0; r < R; r++) {
    double t0 = now_s();
    mx_bern_count_images(&cnt, &MN.train, 0.5);
    t[r] = now_s() - t0;
  }
  sc = record("theta.count_60000", t, R, "mx_bern_count_images: overall + per class");
  for (r = 0; r < R; r++) {
    double t0 = now_s();
    mx_bern_fit(&m1, &cnt, 1.0, 1.0, 0);
    mx_bern_fit(&m10, &cnt, 1.0, 1.0, 0);
    t[r] = now_s() - t0;
  }
  sf = record("theta.fit_K1+K10", t, R, "mx_bern_fit a=b=1, K=1 and K=10 (with logs)");
  for (r = 0; r < R; r++) {
    double t0 = now_s();
    mx_bern_count_images(&cnt, &MN.train, 0.5);
    mx_bern_fit(&m1, &cnt, 1.0, 1.0, 0);
    mx_bern_fit(&m10, &cnt, 1.0, 1.0, 0);
    t[r] = now_s() - t0;
  }
  scf = record("theta.count+fit", t, R, "one pass over the grey pixels + both fits");
  put_num(sec, "count_over_read", sc.med / T_SUM);
  put_num(sec, "count_fit_over_read", scf.med / T_SUM);
  printf("  θ counts + fit / reading the pixels once = %.2f (counts alone %.2f)\n", scf.med / T_SUM,
         sc.med / T_SUM);
  (void)sf;

  tbin = malloc(nt * d);
  pred = malloc(nt);
  scores = malloc(nt * MX_BERN_NCLASS * sizeof *scores);
  if (!tbin || !pred || !scores) return -1;
  for (r = 0; r < R; r++) {
    double t0 = now_s();
    mx_binarize(MN.test.pix, nt * d, 0.5, tbin);
    t[r] = now_s() - t0;
  }
  record("theta.binarize_test_10000", t, R, "mx_binarize at 0.5");
  for (r = 0; r < R; r++) {
    double t0 = now_s();
    rc = mx_bern_nll_eval(&m1, 0, tbin, nt, &nll, NULL, NULL);
    t[r] = now_s() - t0;
    if (rc) return -1;
  }
  record("theta.test_nll_10000", t, R, "mx_bern_nll_eval K=1, a=b=1");
  put_num(sec, "nll_laplace_total", nll.total);
  put_num(sec, "nll_laplace_mean", nll.mean);
  put_num(sec, "nll_laplace_notes_total", nll.notes_total);
  /* raw MLE: zero-probability pixels meet lit test pixels */
  mx_bern_fit(&raw1, &cnt, 0.0, 0.0, 0);
  mx_bern_nll_eval(&raw1, 0, tbin, nt, &nll, NULL, NULL);
  put_num(sec, "nll_raw_n_inf", (double)nll.n_inf);
  put_num(sec, "nll_raw_finite_mean", nll.finite_mean);
  put_num(sec, "nll_raw_theta0", (double)nll.theta0);
  put_num(sec, "nll_raw_notes_total", nll.notes_total);

  for (r = 0; r < R; r++) {
    double t0 = now_s();
    rc = mx_bern_nb_evaluate(&m10, tbin, MN.test.labels, nt, &ev, pred);
    t[r] = now_s() - t0;
    if (rc) return -1;
  }
  record("nb.evaluate_10000", t, R, "mx_bern_nb_evaluate K=10, a=b=1");
  put_num(sec, "nb_accuracy", ev.accuracy);
  put_num(sec, "nb_correct", (double)ev.correct);
  put_num(sec, "nb_none", (double)ev.none);
  printf("  naive Bayes (a=b=1) test accuracy %.4f (%zu/%zu)\n", ev.accuracy, ev.correct, ev.n);
  {
    size_t i;
    for (i = 0; i < nt; i++) mx_bern_nb_scores(&m10, tbin + i * d, scores + i * MX_BERN_NCLASS);
  }
  dump_f64("theta_k1.f64", m1.theta, d);
  dump_f64("theta_k10.f64", m10.theta, 10 * d);
  dump_f64("nb_scores.f64", scores, nt * MX_BERN_NCLASS);
  dump_bytes("nb_pred.i8", pred, nt);
  free(tbin);
  free(pred);
  free(scores);
  mx_bern_counts_free(&cnt);
  mx_bern_free(&m1);
  mx_bern_free(&m10);
  mx_bern_free(&raw1);
  free(t);
  return 0;
}

/* ------------------------------------------------------------------ PCA */

static int bench_pca(void) {
  int R = reps_or(11), r, pass, rc;
  double *t = malloc((size_t)R * sizeof *t);
  mx_pca *p;
  mx_error err;
  size_t N;
  cJSON *sec;
  if (!t || need_mnist()) return -1;
  sec = section_obj("pca");
  N = MN.train.n;
  p = mx_pca_alloc((int)MN.train.d, 2);
  if (!p) return -1;
  header("pca: 60,000 training digits (pixel/255) to 2-D");
  for (pass = 0; pass < 2; pass++) {
    int th = pass == 0 ? 1 : O.threads;
    char name[64], note[128];
    p->threads = th;
    rc = mx_pca_fit_u8(p, MN.train.pix, N, 1.0 / 255.0, &err); /* warm */
    if (rc) {
      fprintf(stderr, "mixbench: %s\n", err.msg);
      return -1;
    }
    for (r = 0; r < R; r++) {
      double t0 = now_s();
      mx_pca_fit_u8(p, MN.train.pix, N, 1.0 / 255.0, &err);
      t[r] = now_s() - t0;
    }
    snprintf(name, sizeof name, "pca.fit_u8_%dthread", th);
    snprintf(note, sizeof note, "mx_pca_fit_u8 k=2, %s, %d steps",
             p->used == MX_PCA_LANCZOS ? "Lanczos" : "dense", p->steps);
    record(name, t, R, note);
  }
  put_num(sec, "variance0", p->variance[0]);
  put_num(sec, "variance1", p->variance[1]);
  put_num(sec, "total_variance", p->total_variance);
  put_num(sec, "steps", p->steps);
  cJSON_DeleteItemFromObjectCaseSensitive(sec, "solver");
  cJSON_AddStringToObject(sec, "solver", p->used == MX_PCA_LANCZOS ? "lanczos" : "dense");
  dump_f64("pca_components.f64", p->components, 2 * MN.train.d);
  dump_f64("pca_mean.f64", p->mean, MN.train.d);
  mx_pca_free(p);
  free(t);
  return 0;
}

/* ------------------------------------------------------------------ GMM */

static int bench_gmm_n(size_t N, int iters) {
  mx_points pts;
  mx_gmm *g;
  mx_gmm_work *w;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  mx_error err;
  double *te = malloc((size_t)iters * sizeof *te), *tm = malloc((size_t)iters * sizeof *tm);
  double *ti = malloc((size_t)iters * sizeof *ti), *ll = malloc((size_t)iters * sizeof *ll);
  char name[64], key[64], file[64];
  int it, ncollapse = 0;
  stats s;
  cJSON *sec, *o;
  const int K = 4;
  if (!rng || !te || !tm || !ti || !ll) return -1;
  memset(&pts, 0, sizeof pts);
  if (mx_points_preset(&pts, MX_PRESET_OVERLAP, N, 1, rng) != 0) {
    fprintf(stderr, "mixbench: cannot generate %zu points\n", N);
    return -1;
  }
  g = mx_gmm_alloc(K, 2);
  w = mx_gmm_work_alloc(K, N, 2);
  if (!g || !w) return -1;
  if (mx_gmm_init_data(g, w, pts.x, N, MX_GMM_INIT_KMEANSPP, 1, rng, &err) != 0) {
    fprintf(stderr, "mixbench: gmm init: %s\n", err.msg);
    return -1;
  }
  snprintf(key, sizeof key, "gmm_N%zu", N);
  sec = section_obj(key);
  put_num(sec, "N", (double)N);
  put_num(sec, "K", K);
  put_num(sec, "reg", g->reg);
  cJSON_DeleteItemFromObjectCaseSensitive(sec, "preset");
  cJSON_AddStringToObject(sec, "preset", "overlap");
  o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "weights", mx_json_numbers(g->weights, K));
  cJSON_AddItemToObject(o, "means", mx_json_numbers(g->means, K * 2));
  cJSON_AddItemToObject(o, "covs", mx_json_numbers(g->covs, K * 4));
  cJSON_DeleteItemFromObjectCaseSensitive(sec, "init");
  cJSON_AddItemToObject(sec, "init", o);
  snprintf(file, sizeof file, "gmm_N%zu_X.f64", N);
  dump_f64(file, pts.x, N * 2);

  for (it = 0; it < iters; it++) {
    double t0 = now_s(), t1, t2;
    int rc = mx_gmm_e_step(g, pts.x, N, NULL, w, &ll[it]);
    t1 = now_s();
    if (rc) return -1;
    rc = mx_gmm_m_step(g, pts.x, N, w);
    t2 = now_s();
    if (rc == MX_ECOLLAPSE) ncollapse++;
    else if (rc) return -1;
    te[it] = t1 - t0;
    tm[it] = t2 - t1;
    ti[it] = t2 - t0;
  }
  snprintf(name, sizeof name, "gmm.iter_N%zu", N);
  s = record(name, ti, iters, "K=4 D=2 full cov: one E + M step");
  snprintf(name, sizeof name, "gmm.e_step_N%zu", N);
  record(name, te, iters, "");
  snprintf(name, sizeof name, "gmm.m_step_N%zu", N);
  record(name, tm, iters, "");
  put_num(sec, "iter_ms", 1e3 * s.med);
  put_num(sec, "collapsed_iters", ncollapse);
  cJSON_DeleteItemFromObjectCaseSensitive(sec, "loglik");
  cJSON_AddItemToObject(sec, "loglik", mx_json_numbers(ll, iters));
  cJSON_DeleteItemFromObjectCaseSensitive(sec, "final_means");
  cJSON_AddItemToObject(sec, "final_means", mx_json_numbers(g->means, K * 2));
  cJSON_DeleteItemFromObjectCaseSensitive(sec, "final_weights");
  cJSON_AddItemToObject(sec, "final_weights", mx_json_numbers(g->weights, K));
  printf("  N=%zu: loglik/N %.10f -> %.10f over %d iterations%s\n", N, ll[0] / (double)N,
         ll[iters - 1] / (double)N, iters, ncollapse ? " (collapse flagged!)" : "");
  mx_points_free(&pts);
  mx_gmm_free(g);
  mx_gmm_work_free(w);
  gsl_rng_free(rng);
  free(te);
  free(tm);
  free(ti);
  free(ll);
  return 0;
}

static int bench_gmm(void) {
  header("gmm: EM iteration, 2-D full covariance, K=4 ('overlap' preset, k-means++ seed 1)");
  if (bench_gmm_n(10000, O.gmm_iters ? O.gmm_iters : 60)) return -1;
  if (bench_gmm_n(O.quick ? 20000 : 200000, O.gmm_iters ? O.gmm_iters : 25)) return -1;
  return 0;
}

/* ------------------------------------------------------------------ BMM */

static int bench_bmm(void) {
  size_t N, D, K = 10, i;
  mx_bmm_data *data = NULL;
  mx_error err;
  int iters = O.bmm_iters ? O.bmm_iters : (O.quick ? 5 : 20), it, pass, R = reps_or(5), r;
  double *t, *ll, *lp, *t0s;
  cJSON *sec;
  if (need_mnist()) return -1;
  N = O.quick ? 6000 : MN.train.n;
  D = MN.train.d;
  t = malloc((size_t)(iters > R ? iters : R) * sizeof *t);
  ll = malloc((size_t)iters * sizeof *ll);
  lp = malloc((size_t)iters * sizeof *lp);
  t0s = malloc((size_t)R * sizeof *t0s);
  if (!t || !ll || !lp || !t0s) return -1;
  sec = section_obj("bmm");
  header("bmm: Bernoulli mixture EM iteration, K=10, binarized training digits");
  for (r = 0; r < R; r++) {
    double t0 = now_s();
    mx_bmm_data_free(data);
    data = NULL;
    if (mx_bmm_data_alloc_grey(&data, MN.train.pix, N, D, 0.5, &err) != 0) {
      fprintf(stderr, "mixbench: %s\n", err.msg);
      return -1;
    }
    t0s[r] = now_s() - t0;
  }
  record("bmm.onpixel_lists", t0s, R, "mx_bmm_data_alloc_grey at 0.5 (once per run; the view and CLI build them so)");
  put_num(sec, "N", (double)N);
  put_num(sec, "K", (double)K);
  put_num(sec, "nnz", (double)data->nnz);
  for (pass = 0; pass < 2; pass++) {
    size_t th = pass == 0 ? 1 : (size_t)O.threads;
    mx_bmm *m = NULL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    char name[64], key[32];
    stats s;
    if (!rng) return -1;
    gsl_rng_set(rng, 1);
    if (mx_bmm_alloc(&m, K, D, N, mx_bmm_prior_laplace(1.0, 1.0), th, &err) != 0 ||
        mx_bmm_init_kmeanspp(m, data, rng, NULL, &err) != 0) {
      fprintf(stderr, "mixbench: %s\n", err.msg);
      return -1;
    }
    if (pass == 0) {
      put_num(sec, "prior_a", m->prior.a);
      put_num(sec, "prior_b", m->prior.b);
      put_num(sec, "prior_gamma", m->prior.gamma);
      dump_f64("bmm_theta0.f64", m->theta, K * D);
      dump_f64("bmm_pi0.f64", m->pi, K);
    }
    for (it = 0; it < iters; it++) {
      double t0 = now_s();
      if (mx_bmm_iterate(m, data, &lp[it]) != 0) {
        fprintf(stderr, "mixbench: bmm iteration %d failed\n", it + 1);
        return -1;
      }
      t[it] = now_s() - t0;
      ll[it] = m->loglik;
    }
    snprintf(name, sizeof name, "bmm.iter_%zuthread", th);
    s = record(name, t, iters, "mx_bmm_iterate: E + M over on-pixel lists");
    snprintf(key, sizeof key, "loglik_%zuthread", th);
    cJSON_DeleteItemFromObjectCaseSensitive(sec, key);
    cJSON_AddItemToObject(sec, key, mx_json_numbers(ll, iters));
    snprintf(key, sizeof key, "logpost_%zuthread", th);
    cJSON_DeleteItemFromObjectCaseSensitive(sec, key);
    cJSON_AddItemToObject(sec, key, mx_json_numbers(lp, iters));
    snprintf(key, sizeof key, "iter_ms_%zuthread", th);
    put_num(sec, key, 1e3 * s.med);
    printf("  %zu thread(s): loglik %.10g -> %.10g over %d iterations\n", th, ll[0],
           ll[iters - 1], iters);
    if (pass == 0) {
      /* the E-step alone, for the breakdown */
      for (i = 0; i < (size_t)R; i++) {
        double t0 = now_s();
        mx_bmm_e_step(m, data);
        t[i] = now_s() - t0;
      }
      record("bmm.e_step_1thread", t, R, "");
      dump_f64("bmm_theta_final.f64", m->theta, K * D);
    }
    mx_bmm_free(m);
    gsl_rng_free(rng);
  }
  mx_bmm_data_free(data);
  free(t);
  free(ll);
  free(lp);
  free(t0s);
  return 0;
}

/* ------------------------------------------------------------------ frames */

typedef struct scenario {
  const char *label;       /* name in the report */
  const char *view;
  const char *sets[8];     /* "key=value" applied after the view is shown */
  SDL_Keycode key_once;    /* key pressed once before the warm-up (0: none) */
  SDL_Keycode keys[2];     /* pressed before frames, cycling (0: none) */
  const char *kind;        /* "static", "running" (EM / playback as the window runs it:
                              the p99 frame is the one a step lands in), "interaction" */
  const char *note;
} scenario;

/* Static frames, then what a user does: flip pages, drag the prior or the
 * threshold (one step per frame), draw points, run EM. Views run no wall-clock
 * animation headless, so running EM is driven the way the window drives it:
 * the BMM view's worker thread (threaded=1, Return), or one step per frame by
 * key (the MoE view's Space). */
static const scenario SCEN[] = {
  {"digits", "digits", {NULL}, 0, {0, 0}, "static", "static page"},
  {"digits.flip", "digits", {NULL}, 0, {SDLK_RIGHT, 0}, "interaction",
   "Right every frame: a new page"},
  {"theta", "theta", {"panel=theta", NULL}, 0, {0, 0}, "static", "θ maps panel"},
  {"theta.nb", "theta", {"panel=nb", NULL}, 0, {0, 0}, "static", "naive Bayes panel"},
  {"theta.prior_step", "theta", {"panel=theta", NULL}, 0, {SDLK_UP, SDLK_DOWN}, "interaction",
   "prior a ±1 step every frame: refit + test NLL"},
  {"theta.nb_prior_step", "theta", {"panel=nb", NULL}, 0, {SDLK_UP, SDLK_DOWN}, "interaction",
   "naive Bayes panel, prior step every frame"},
  {"theta.threshold_step", "theta", {"panel=theta", NULL}, 0,
   {SDLK_RIGHTBRACKET, SDLK_LEFTBRACKET}, "interaction",
   "threshold ±0.05 every frame: recount 60,000"},
  {"gmm", "gmm", {"semi=0", "n=600", NULL}, 0, {0, 0}, "static", "default 600 points"},
  {"gmm.n10000", "gmm", {"semi=0", "n=10000", NULL}, 0, {0, 0}, "static", "10,000 points"},
  {"gmm.em_n10000", "gmm", {"semi=0", "n=10000", NULL}, 0, {SDLK_SPACE, 0}, "running",
   "10,000 points, one EM iteration every frame"},
  {"gmm.semi_em_n10000", "gmm", {"n=10000", "semi=1", NULL}, 0, {SDLK_SPACE, 0}, "running",
   "semi-supervised: 3 runs, one EM iteration every frame"},
  {"posterior", "posterior", {NULL}, 0, {0, 0}, "static", ""},
  {"posterior.draw", "posterior", {NULL}, 0, {SDLK_SPACE, 0}, "running",
   "Space every frame: one more point (playback)"},
  {"bmm", "bmm", {NULL}, 0, {0, 0}, "static", "N=10,000 K=10 after start"},
  {"bmm.em_running", "bmm", {"threaded=1", NULL}, SDLK_RETURN, {0, 0}, "running",
   "EM running on the worker thread, 12 it/s"},
  {"moe", "moe", {NULL}, 0, {0, 0}, "static", ""},
  {"moe.em_step", "moe", {NULL}, 0, {SDLK_SPACE, 0}, "running", "Space every frame: one EM step"},
};

static int bench_frames(void) {
  mx_app_options opt;
  mx_app *app;
  mx_error err;
  int F = O.frames, s, f;
  double *t = malloc((size_t)F * sizeof *t);
  cJSON *sec = section_obj("frames");
  if (!t) return -1;
  memset(&opt, 0, sizeof opt);
  opt.mnist_dir = O.mnist;
  opt.width = O.frame_w;
  opt.height = O.frame_h;
  app = mx_app_create_headless(&opt, &err);
  if (!app) {
    fprintf(stderr, "mixbench: %s\n", err.msg);
    return -1;
  }
  mx_app_set_font_scale(app, (float)O.text_scale);
  {
    char h[160];
    snprintf(h, sizeof h, "frames: mx_app_frame at %dx%d, text scale %.2g, software renderer (headless)",
             O.frame_w, O.frame_h, O.text_scale);
    header(h);
  }
  for (s = 0; s < (int)(sizeof SCEN / sizeof SCEN[0]); s++) {
    const scenario *sc = &SCEN[s];
    char name[64];
    const char *verr;
    int k;
    stats st;
    if (O.scen && strncmp(sc->label, O.scen, strlen(O.scen)) != 0) continue;
    if (mx_app_set_view(app, sc->view, &err) != 0) {
      printf("  %-40s skipped: %s\n", sc->label, err.msg);
      continue;
    }
    verr = mx_app_view_error(app);
    if (verr || !mx_app_view_state(app, NULL)) {
      printf("  %-40s skipped: %s\n", sc->label, verr ? verr : "view not built yet (placeholder)");
      continue;
    }
    for (k = 0; k < 8 && sc->sets[k]; k++) {
      char kv[256], *eq;
      snprintf(kv, sizeof kv, "%s", sc->sets[k]);
      eq = strchr(kv, '=');
      if (!eq) continue;
      *eq = '\0';
      if (mx_app_view_set(app, kv, eq + 1, &err) != 0) {
        printf("  %-40s --set %s failed: %s\n", sc->label, sc->sets[k], err.msg);
        break;
      }
    }
    if (sc->key_once) mx_app_key(app, sc->key_once, 0);
    for (f = 0; f < 5; f++) mx_app_frame(app, 1.0 / 60.0); /* warm: textures, caches */
    {
      double start = now_s();
      for (f = 0; f < F; f++) {
        SDL_Keycode key = sc->keys[f % 2] ? sc->keys[f % 2] : sc->keys[0];
        double t0 = now_s();
        if (key) mx_app_key(app, key, 0);
        mx_app_frame(app, 1.0 / 60.0);
        t[f] = now_s() - t0;
        /* slow scenarios: stop after the time budget, but keep >= 30 frames */
        if (f + 1 >= 30 && now_s() - start > O.frame_budget) {
          f++;
          break;
        }
      }
    }
    if (sc->key_once) mx_app_key(app, sc->key_once, 0); /* stop what it started */
    snprintf(name, sizeof name, "frame.%s", sc->label);
    st = record(name, t, f, sc->note);
    {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "kind", sc->kind);
      cJSON_AddStringToObject(o, "view", sc->view);
      cJSON_AddItemToObject(o, "median_ms", mx_json_number(1e3 * st.med));
      cJSON_AddItemToObject(o, "p99_ms", mx_json_number(1e3 * st.p99));
      cJSON_DeleteItemFromObjectCaseSensitive(sec, sc->label);
      cJSON_AddItemToObject(sec, sc->label, o);
    }
  }
  mx_app_destroy(app);
  free(t);
  return 0;
}

/* ------------------------------------------------------------------ ui primitives */

/* What the frame times are made of: app/ui.c's anti-aliased primitives on the
 * SDL software renderer (1280x800 surface). */
static int bench_ui(void) {
  SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
  SDL_Renderer *ren = sf ? SDL_CreateSoftwareRenderer(sf) : NULL;
  char fonts[MX_PATH_LEN + 32], eb[256];
  mx_ui *ui;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  int R = reps_or(9), r, i;
  const int NP = 10000;
  double *t = malloc((size_t)R * sizeof *t);
  float *xy = malloc((size_t)NP * 2 * sizeof *xy), *curve = malloc(800 * sizeof *curve);
  mx_color col = {230, 159, 0, 255}, fill = {0, 114, 178, 50}, bg = {20, 20, 20, 200};
  if (!ren || !rng || !t || !xy || !curve) return -1;
  snprintf(fonts, sizeof fonts, "%s/assets/fonts", mx_source_dir());
  ui = mx_ui_create(ren, fonts, eb, sizeof eb);
  if (!ui) {
    fprintf(stderr, "mixbench: %s\n", eb);
    return -1;
  }
  mx_ui_set_size(ui, 1280, 800, 1.0f);
  gsl_rng_set(rng, 1);
  for (i = 0; i < NP; i++) {
    xy[2 * i] = (float)(100.0 + 1000.0 * gsl_rng_uniform(rng));
    xy[2 * i + 1] = (float)(100.0 + 600.0 * gsl_rng_uniform(rng));
  }
  for (i = 0; i < 400; i++) {
    curve[2 * i] = 100.0f + 2.5f * (float)i;
    curve[2 * i + 1] = 400.0f - 250.0f * expf(-0.5f * (float)((i - 200) * (i - 200)) / 900.0f);
  }
  header("ui: app/ui.c primitives on the software renderer");
#define UI_TIME(label, note, ...)                  \
  for (r = 0; r < R; r++) {                        \
    double t0;                                     \
    mx_ui_begin(ui);                               \
    t0 = now_s();                                  \
    __VA_ARGS__;                                   \
    SDL_RenderFlush(ren);                          \
    t[r] = now_s() - t0;                           \
    mx_ui_end(ui);                                 \
  }                                                \
  record(label, t, R, note)
  UI_TIME("ui.circles_10000_r3", "mx_draw_circle x 10,000, radius 3 (+ a halo each in the view)",
          for (i = 0; i < NP; i++) mx_draw_circle(ui, xy[2 * i], xy[2 * i + 1], 3.0f, col));
  UI_TIME("ui.ellipse_fill_3sigma", "mx_draw_ellipse fill+outline, ~380x250 px",
          mx_draw_ellipse(ui, 640.0f, 400.0f, 4000.0, 1500.0, 2500.0, 3.0, fill, col));
  UI_TIME("ui.polyline_400_w3", "mx_draw_polyline 400 points, width 3 (round joins)",
          mx_draw_polyline(ui, curve, 400, col, 3.0f));
  UI_TIME("ui.polyline_400_w2", "mx_draw_polyline 400 points, width 2 (no joins)",
          mx_draw_polyline(ui, curve, 400, col, 2.0f));
  UI_TIME("ui.rects_10000_4x4", "mx_draw_rect x 10,000, 4x4 px",
          for (i = 0; i < NP; i++) mx_draw_rect(ui, (mx_rect){(int)xy[2 * i], (int)xy[2 * i + 1], 4, 4}, bg));
#undef UI_TIME
  mx_ui_destroy(ui);
  SDL_DestroyRenderer(ren);
  SDL_FreeSurface(sf);
  gsl_rng_free(rng);
  free(t);
  free(xy);
  free(curve);
  return 0;
}

/* ------------------------------------------------------------------ start-up */

/* Child mode: time from the clock reading t0s (taken just before fork) to the
 * first frame; with view "all", then to one frame of every view. Prints
 * "<first> <all> <VmHWM kB>": the peak RSS of this process image only. */
static long vm_hwm_kb(void) {
  char line[256];
  long kb = -1;
  FILE *fp = fopen("/proc/self/status", "r");
  if (!fp) return -1;
  while (fgets(line, sizeof line, fp))
    if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
  fclose(fp);
  return kb;
}

static int startup_child(const char *t0s, const char *view, const char *mnist) {
  mx_app_options opt;
  mx_app *app;
  mx_error err;
  double t0 = strtod(t0s, NULL), t1, t2;
  memset(&opt, 0, sizeof opt);
  opt.mnist_dir = (mnist && *mnist) ? mnist : NULL;
  opt.view = strcmp(view, "all") ? view : NULL;
  opt.width = 1280;
  opt.height = 800;
  app = mx_app_create_headless(&opt, &err);
  if (!app) {
    fprintf(stderr, "mixbench: %s\n", err.msg);
    return 1;
  }
  mx_app_frame(app, 1.0 / 60.0);
  t1 = now_s();
  if (!strcmp(view, "all")) {
    int i;
    for (i = 0; i < mx_nviews; i++) {
      mx_app_set_view(app, mx_views[i]->name, &err);
      mx_app_frame(app, 1.0 / 60.0);
    }
  }
  t2 = now_s();
  printf("%.9f %.9f %ld\n", t1 - t0, t2 - t0, vm_hwm_kb());
  fflush(stdout);
  mx_app_destroy(app);
  return 0;
}

/* Spawn mode (argv = command...): a small process that runs the command and
 * reports its resources, so the child's peak RSS does not include a fork-time
 * copy of a big parent (ru_maxrss keeps the pre-exec high-water mark). An
 * argument "@T0@" is replaced by the monotonic clock read just before fork.
 * Prints the child's stdout, then "#spawn <maxrss kB> <wall s> <exit status>". */
static int spawn_main(int argc, char **argv) {
  char t0s[64];
  pid_t pid;
  int status, i;
  struct rusage ru;
  double t0;
  if (argc < 1) return 2;
  t0 = now_s();
  snprintf(t0s, sizeof t0s, "%.9f", t0);
  for (i = 0; i < argc; i++)
    if (!strcmp(argv[i], "@T0@")) argv[i] = t0s;
  fflush(stdout);
  pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    execv(argv[0], argv);
    _exit(127);
  }
  if (wait4(pid, &status, 0, &ru) < 0) return 1;
  printf("#spawn %ld %.9f %d\n", ru.ru_maxrss, now_s() - t0,
         WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  fflush(stdout);
  return 0;
}

/* Run argv through the spawn helper; *wall = seconds from its fork to the
 * child's exit, *rss = the child's peak RSS (kB); out (cap) gets the child's
 * stdout. Returns the child's exit status, or -1. */
static int run_child(const char *self, char *const argv[], double *wall, long *rss, char *out,
                     size_t cap) {
  char *args[32], buf[4096], *mark;
  int fd[2], status, n = 0, code = -1;
  size_t got = 0;
  ssize_t k;
  pid_t pid;
  args[n++] = (char *)self;
  args[n++] = "--spawn";
  while (*argv && n < 30) args[n++] = *argv++;
  args[n] = NULL;
  if (pipe(fd) != 0) return -1;
  pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(fd[1], 1);
    close(fd[0]);
    close(fd[1]);
    execv(self, args);
    _exit(127);
  }
  close(fd[1]);
  while (got + 1 < sizeof buf && (k = read(fd[0], buf + got, sizeof buf - 1 - got)) > 0)
    got += (size_t)k;
  buf[got] = '\0';
  close(fd[0]);
  if (waitpid(pid, &status, 0) < 0) return -1;
  mark = strstr(buf, "#spawn ");
  if (!mark || sscanf(mark, "#spawn %ld %lf %d", rss, wall, &code) != 3) return -1;
  *mark = '\0';
  if (out) snprintf(out, cap, "%s", buf);
  return code;
}

static int bench_startup(void) {
  int R = reps_or(7), r, v;
  double *t = malloc((size_t)R * sizeof *t), *t2 = malloc((size_t)R * sizeof *t2);
  char self[MX_PATH_LEN], png[MX_PATH_LEN + 64], out[4096], dir[MX_PATH_LEN];
  cJSON *sec = section_obj("startup");
  mx_data_source src;
  mx_error err;
  ssize_t n;
  if (!t || !t2) return -1;
  if (mx_mnist_locate(O.mnist, dir, &src, &err) != 0) {
    fprintf(stderr, "mixbench: %s\n", err.msg);
    return -1;
  }
  n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return -1;
  self[n] = '\0';
  snprintf(png, sizeof png, "/tmp/mixbench-shot-%ld.png", (long)getpid());
  header("startup: process start to first frame, MNIST from the data directory, 1280x800");
  printf("  data: %s (%s)\n", dir, mx_data_source_name(src));
  /* the real binary, whole run (includes PNG encoding and exit) */
  {
    long rss = 0, maxrss = 0;
    char *argv[] = {(char *)O.mixscope, "shot", "--view", "digits", "--out", png, "--mnist",
                    dir, NULL};
    for (r = 0; r < R; r++) {
      int rc = run_child(self, argv, &t[r], &rss, NULL, 0);
      if (rc != 0) {
        fprintf(stderr, "mixbench: %s shot exited with %d\n", O.mixscope, rc);
        return -1;
      }
      if (rss > maxrss) maxrss = rss;
    }
    record("startup.mixscope_shot_digits", t, R, "whole process: load, frame, PNG, exit");
    put_num(sec, "shot_digits_maxrss_MB", (double)maxrss / 1024.0);
    printf("  mixscope shot --view digits: peak RSS %.1f MB (getrusage of the child)\n",
           (double)maxrss / 1024.0);
    unlink(png);
  }
  /* this binary in child mode: exec to first frame, per view, and the tour */
  for (v = -1; v < mx_nviews; v++) {
    const char *view = v < 0 ? "all" : mx_views[v]->name;
    long rss = 0, maxrss = 0, hwm = 0, maxhwm = 0;
    char name[64], note[128];
    char *argv[] = {self, "--startup-child", "@T0@", (char *)view, dir, NULL};
    int ok = 1;
    for (r = 0; r < R; r++) {
      double wall, a = NAN, b = NAN;
      int rc = run_child(self, argv, &wall, &rss, out, sizeof out);
      if (rc != 0 || sscanf(out, "%lf %lf %ld", &a, &b, &hwm) != 3) {
        ok = 0;
        break;
      }
      t[r] = a;
      t2[r] = b;
      if (rss > maxrss) maxrss = rss;
      if (hwm > maxhwm) maxhwm = hwm;
    }
    if (!ok) {
      printf("  startup.%s: child failed\n", view);
      continue;
    }
    snprintf(note, sizeof note, "peak RSS %.1f MB", (double)maxrss / 1024.0);
    if (v < 0) {
      snprintf(name, sizeof name, "startup.first_frame_then_all_views");
      record(name, t2, R, note);
    } else {
      snprintf(name, sizeof name, "startup.first_frame_%s", view);
      record(name, t, R, note);
    }
    snprintf(name, sizeof name, "maxrss_MB_%s", view);
    put_num(sec, name, (double)maxrss / 1024.0);
    snprintf(name, sizeof name, "vmhwm_MB_%s", view);
    put_num(sec, name, (double)maxhwm / 1024.0);
  }
  free(t);
  free(t2);
  return 0;
}

/* ------------------------------------------------------------------ main */

static void machine_info(void) {
  cJSON *m = section_obj("machine");
  char line[512], model[256] = "?";
  long memkb = 0;
  FILE *fp = fopen("/proc/cpuinfo", "r");
  if (fp) {
    while (fgets(line, sizeof line, fp))
      if (!strncmp(line, "model name", 10)) {
        char *c = strchr(line, ':');
        if (c) {
          snprintf(model, sizeof model, "%s", c + 2);
          model[strcspn(model, "\n")] = '\0';
        }
        break;
      }
    fclose(fp);
  }
  fp = fopen("/proc/meminfo", "r");
  if (fp) {
    while (fgets(line, sizeof line, fp))
      if (sscanf(line, "MemTotal: %ld kB", &memkb) == 1) break;
    fclose(fp);
  }
  cJSON_AddStringToObject(m, "cpu", model);
  cJSON_AddNumberToObject(m, "cpus_online", (double)sysconf(_SC_NPROCESSORS_ONLN));
  cJSON_AddNumberToObject(m, "mem_total_MB", (double)memkb / 1024.0);
  cJSON_AddItemToObject(m, "load1_start", mx_json_number(loadavg1()));
  cJSON_AddStringToObject(m, "compiler", __VERSION__);
#ifdef __OPTIMIZE__
  cJSON_AddTrueToObject(m, "optimized");
#else
  cJSON_AddFalseToObject(m, "optimized");
#endif
#ifdef __AVX2__
  cJSON_AddTrueToObject(m, "avx2_baseline");
#else
  cJSON_AddFalseToObject(m, "avx2_baseline");
#endif
  printf("mixbench: %s, %ld CPUs, %.0f MB RAM, load %.2f, %s%s\n", model,
         sysconf(_SC_NPROCESSORS_ONLN), (double)memkb / 1024.0, loadavg1(), __VERSION__,
#ifdef __AVX2__
         ", -mavx2"
#else
         ""
#endif
  );
}

static void usage(FILE *fp) {
  fprintf(fp,
          "usage: mixbench [options] [SECTION...]\n"
          "sections: io theta pca gmm bmm frames ui startup (default: all, in that order)\n"
          "  --mnist DIR      MNIST directory (default: $MIXSCOPE_DATA, data/mnist, sample)\n"
          "  --json FILE      write the results as JSON (atomically)\n"
          "  --dump DIR       write inputs/outputs for bench/compare.py (and DIR/mixbench.json)\n"
          "  --reps N         repetitions per workload (default: 5..21 by workload)\n"
          "  --frames N       frames timed per view scenario (default 300)\n"
          "  --threads T      threads for the multi-threaded BMM / PCA runs (default: CPUs)\n"
          "  --gmm-iters N    EM iterations timed per GMM size (default 60 / 25)\n"
          "  --bmm-iters N    EM iterations timed per thread count (default 20)\n"
          "  --mixscope PATH  binary for the start-up run (default: the one built with this)\n"
          "  --scenario NAME  frames: only the scenarios whose name starts with NAME\n"
          "  --frame-size WxH frames: the surface size (default 1280x800)\n"
          "  --text-scale X   frames: the Ctrl +/- text scale (default 1)\n"
          "  --quick          small sizes and few repetitions (development)\n");
}

int main(int argc, char **argv) {
  static const struct option lo[] = {
    {"mnist", required_argument, NULL, 'm'},  {"json", required_argument, NULL, 'j'},
    {"dump", required_argument, NULL, 'd'},   {"reps", required_argument, NULL, 'r'},
    {"frames", required_argument, NULL, 'f'}, {"threads", required_argument, NULL, 't'},
    {"gmm-iters", required_argument, NULL, 'g'}, {"bmm-iters", required_argument, NULL, 'b'},
    {"mixscope", required_argument, NULL, 'x'}, {"quick", no_argument, NULL, 'q'},
    {"scenario", required_argument, NULL, 's'}, {"frame-size", required_argument, NULL, 'z'},
    {"text-scale", required_argument, NULL, 'X'},
    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
  static const char *const all[] = {"io", "theta", "pca", "gmm", "bmm", "frames", "ui", "startup"};
  const char *want[16];
  int nwant = 0, c, i, rc = 0;
  long v;
  char jpath[MX_PATH_LEN + 64];
  mx_error err;

  if (argc >= 5 && !strcmp(argv[1], "--startup-child"))
    return startup_child(argv[2], argv[3], argv[4]);
  if (argc >= 3 && !strcmp(argv[1], "--spawn")) return spawn_main(argc - 2, argv + 2);

  memset(&O, 0, sizeof O);
  O.frames = 300;
  O.frame_budget = 20.0;
  O.frame_w = 1280;
  O.frame_h = 800;
  O.text_scale = 1.0;
  O.threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (O.threads < 1) O.threads = 1;
  O.mixscope = MX_MIXSCOPE_BIN;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
    switch (c) {
    case 'm': O.mnist = optarg; break;
    case 'j': O.json = optarg; break;
    case 'd': O.dump = optarg; break;
    case 'x': O.mixscope = optarg; break;
    case 's': O.scen = optarg; break;
    case 'q': O.quick = 1; break;
    case 'z':
      if (mx_app_parse_size(optarg, &O.frame_w, &O.frame_h) != 0) {
        fprintf(stderr, "mixbench: --frame-size: '%s' is not WIDTHxHEIGHT\n", optarg);
        return 2;
      }
      break;
    case 'X':
      if (mx_cli_double("mixbench", "--text-scale", optarg, MX_APP_SCALE_MIN, MX_APP_SCALE_MAX,
                        &O.text_scale))
        return 2;
      break;
    case 'r': case 'f': case 't': case 'g': case 'b':
      if (mx_cli_long("mixbench", argv[optind - 1], optarg, 1, 1000000, &v)) return 2;
      if (c == 'r') O.reps = (int)v;
      if (c == 'f') O.frames = (int)v;
      if (c == 't') O.threads = (int)(v > MX_BMM_MAX_THREADS ? MX_BMM_MAX_THREADS : v);
      if (c == 'g') O.gmm_iters = (int)v;
      if (c == 'b') O.bmm_iters = (int)v;
      break;
    case 'h': usage(stdout); return 0;
    case ':':
      fprintf(stderr, "mixbench: option '%s' needs a value\n", argv[optind - 1]);
      return 2;
    default:
      fprintf(stderr, "mixbench: unknown option '%s'\n", argv[optind - 1]);
      usage(stderr);
      return 2;
    }
  }
  for (; optind < argc; optind++) {
    int ok = 0;
    for (i = 0; i < (int)(sizeof all / sizeof all[0]); i++)
      if (!strcmp(argv[optind], all[i])) ok = 1;
    if (!ok || nwant >= 16) {
      fprintf(stderr, "mixbench: unknown section '%s' (io theta pca gmm bmm frames ui startup)\n",
              argv[optind]);
      return 2;
    }
    want[nwant++] = argv[optind];
  }
  if (nwant == 0)
    for (i = 0; i < (int)(sizeof all / sizeof all[0]); i++) want[nwant++] = all[i];
  if (O.quick) {
    if (!O.reps) O.reps = 3;
    if (O.frames == 300) O.frames = 30;
  }
  if (O.dump && mkdir(O.dump, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "mixbench: --dump %s: %s\n", O.dump, strerror(errno));
    return 1;
  }

  J = cJSON_CreateObject();
  JR = cJSON_CreateObject();
  cJSON_AddItemToObject(J, "results", JR);
  machine_info();
  {
    cJSON *cfg = section_obj("config");
    cJSON_AddNumberToObject(cfg, "threads", O.threads);
    cJSON_AddNumberToObject(cfg, "frames", O.frames);
    cJSON_AddBoolToObject(cfg, "quick", O.quick);
    if (O.dump) cJSON_AddStringToObject(cfg, "dump", O.dump);
  }
  for (i = 0; i < nwant && rc == 0; i++) {
    const char *s = want[i];
    if (!strcmp(s, "io")) rc = bench_io();
    else if (!strcmp(s, "theta")) rc = bench_theta();
    else if (!strcmp(s, "pca")) rc = bench_pca();
    else if (!strcmp(s, "gmm")) rc = bench_gmm();
    else if (!strcmp(s, "bmm")) rc = bench_bmm();
    else if (!strcmp(s, "frames")) rc = bench_frames();
    else if (!strcmp(s, "ui")) rc = bench_ui();
    else if (!strcmp(s, "startup")) rc = bench_startup();
    if (rc) fprintf(stderr, "mixbench: section %s failed\n", s);
  }
  put_num(section_obj("machine"), "load1_end", loadavg1());
  if (O.json && mx_json_write_file(O.json, J, &err) != 0) {
    fprintf(stderr, "mixbench: %s\n", err.msg);
    rc = 1;
  }
  if (O.dump) {
    snprintf(jpath, sizeof jpath, "%s/mixbench.json", O.dump);
    if (mx_json_write_file(jpath, J, &err) != 0) {
      fprintf(stderr, "mixbench: %s\n", err.msg);
      rc = 1;
    }
  }
  cJSON_Delete(J);
  if (mn_loaded) mx_mnist_free(&MN);
  return rc ? 1 : 0;
}
