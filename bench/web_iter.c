/* web_iter — the GMM and BMM EM iterations of mixbench, small enough to build both natively
 * (run with MX_NO_SIMD=1: the scalar paths) and to WebAssembly (bench/web_iter.html in
 * headless chromium, bench/web_bench.mjs), so the two can be compared on the same data:
 *   GMM: 'overlap' preset, N = 10,000, K = 4, full covariance, k-means++ seed 1, 60 iterations
 *   BMM: the bundled MNIST sample (5,000 training digits), K = 10, Laplace prior, 1 thread,
 *        k-means++ seed 1, 20 iterations
 * each timed after untimed warm-up iterations (20 GMM, 10 BMM) from a copy of the generator.
 * Prints one line per model: mean (and median) ms per iteration and the final log-likelihood (the two
 * builds must agree on it to rounding), and the fastest iteration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "mixscope/bmm.h"
#include "mixscope/dataset.h"
#include "mixscope/gmm.h"
#include "mixscope/points.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* the median, the mean (the browser's clock is coarse: a total over n is finer) and the
 * fastest (least disturbed by other work on a loaded machine) */
static double median(double *t, int n, double *mean, double *fastest) {
  double s = 0.0;
  int i;
  for (i = 0; i < n; i++) s += t[i];
  *mean = s / n;
  qsort(t, (size_t)n, sizeof *t, cmp_double);
  *fastest = t[0];
  return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static int run_gmm(void) {
  enum { ITERS = 60, WARM = 20, K = 4 };
  const size_t N = 10000;
  mx_points pts;
  mx_gmm *g = mx_gmm_alloc(K, 2);
  mx_gmm_work *w = mx_gmm_work_alloc(K, N, 2);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  mx_error err;
  double t[ITERS], ll = 0.0;
  int it;
  memset(&pts, 0, sizeof pts);
  if (!g || !w || !rng || mx_points_preset(&pts, MX_PRESET_OVERLAP, N, 1, rng) != 0) {
    fprintf(stderr, "web_iter: gmm setup failed\n");
    return 1;
  }
  { /* warm-up, untimed, from a copy of the generator: the browser runs new wasm code in its
     * baseline compiler until the optimised code is ready (later on a loaded machine) */
    gsl_rng *r2 = gsl_rng_clone(rng);
    if (!r2 || mx_gmm_init_data(g, w, pts.x, N, MX_GMM_INIT_KMEANSPP, 1, r2, &err) != 0) return 1;
    for (it = 0; it < WARM; it++)
      if (mx_gmm_e_step(g, pts.x, N, NULL, w, &ll) == 0) mx_gmm_m_step(g, pts.x, N, w);
    gsl_rng_free(r2);
  }
  if (mx_gmm_init_data(g, w, pts.x, N, MX_GMM_INIT_KMEANSPP, 1, rng, &err) != 0) {
    fprintf(stderr, "web_iter: gmm setup failed\n");
    return 1;
  }
  for (it = 0; it < ITERS; it++) {
    double t0 = now_ms();
    int rc = mx_gmm_e_step(g, pts.x, N, NULL, w, &ll);
    if (!rc) rc = mx_gmm_m_step(g, pts.x, N, w);
    if (rc && rc != MX_ECOLLAPSE) return 1;
    t[it] = now_ms() - t0;
  }
  {
    double mean, fast, med = median(t, ITERS, &mean, &fast);
    printf("web_iter gmm N=10000 K=4: %.4f ms/iter (median %.4f), loglik %.10g, fastest %.4f\n", mean, med,
           ll, fast);
  }
  mx_points_free(&pts);
  mx_gmm_free(g);
  mx_gmm_work_free(w);
  gsl_rng_free(rng);
  return 0;
}

static int run_bmm(const char *mnist_dir) {
  enum { ITERS = 20, WARM = 10 };
  mx_mnist mn;
  mx_bmm_data *data = NULL;
  mx_bmm *m = NULL;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  mx_error err;
  double t[ITERS], lp;
  int it;
  if (!rng || mx_mnist_load(&mn, mnist_dir, &err) != 0) {
    fprintf(stderr, "web_iter: %s\n", rng ? err.msg : "out of memory");
    return 1;
  }
  gsl_rng_set(rng, 1);
  if (mx_bmm_data_alloc_grey(&data, mn.train.pix, mn.train.n, mn.train.d, 0.5, &err) != 0 ||
      mx_bmm_alloc(&m, 10, mn.train.d, mn.train.n, mx_bmm_prior_laplace(1.0, 1.0), 1, &err) != 0) {
    fprintf(stderr, "web_iter: %s\n", err.msg);
    return 1;
  }
  { /* warm-up, untimed, from a copy of the generator (see run_gmm) */
    gsl_rng *r2 = gsl_rng_clone(rng);
    if (!r2 || mx_bmm_init_kmeanspp(m, data, r2, NULL, &err) != 0) return 1;
    for (it = 0; it < WARM; it++)
      if (mx_bmm_iterate(m, data, &lp) != 0) return 1;
    gsl_rng_free(r2);
  }
  if (mx_bmm_init_kmeanspp(m, data, rng, NULL, &err) != 0) {
    fprintf(stderr, "web_iter: %s\n", err.msg);
    return 1;
  }
  for (it = 0; it < ITERS; it++) {
    double t0 = now_ms();
    if (mx_bmm_iterate(m, data, &lp) != 0) return 1;
    t[it] = now_ms() - t0;
  }
  {
    double mean, fast, med = median(t, ITERS, &mean, &fast);
    printf("web_iter bmm N=%zu K=10: %.4f ms/iter (median %.4f), loglik %.10g, fastest %.4f\n", mn.train.n,
           mean, med, m->loglik, fast);
  }
  mx_bmm_free(m);
  mx_bmm_data_free(data);
  mx_mnist_free(&mn);
  gsl_rng_free(rng);
  return 0;
}

int main(int argc, char **argv) {
  gsl_set_error_handler_off();
  if (run_gmm() != 0) return 1;
  return run_bmm(argc > 1 ? argv[1] : NULL);
}
