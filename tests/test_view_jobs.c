/* The views' background jobs (ui/pool.h) give the numbers of a direct run,
 * in the pool's mode of this process (threads; ctest runs this test again
 * with MIXSCOPE_JOBS=slices, the web build's mode):
 *  - the GMM model-selection table (gmm_select.h), polled frame by frame as
 *    the window does, equals a loop of core calls made here (k-means++ start,
 *    EM, E-step, BIC / AIC; one generator through the fits in order), to the
 *    bit; a run cancelled half way leaves nothing behind (ASan);
 *  - the BMM view's accuracy-vs-L sweep and EM run as a job over frames equal
 *    the same requests run inline (headless), to the bit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "app_test.h"
#include "mixscope/dataset.h"
#include "mixscope/gmm.h"
#include "ui/pool.h"
#include "views/gmm_select.h"

#define NPTS 500

/* Three Gaussian blobs (seeded). */
static void make_points(double *x) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  int i;
  gsl_rng_set(r, 11);
  for (i = 0; i < NPTS; i++) {
    int c = i % 3;
    x[2 * i] = 3.0 * c + gsl_ran_gaussian(r, 0.6 + 0.2 * c);
    x[2 * i + 1] = (c == 1 ? 2.5 : 0.0) + gsl_ran_gaussian(r, 0.8);
  }
  gsl_rng_free(r);
}

/* The table by direct core calls: fits K = 1..8, each through the 4 types. */
static void direct_table(const double *x, unsigned long seed, double reg,
                         double bic[MX_GMM_NCOV][MX_GSEL_KMAX], double aic[MX_GMM_NCOV][MX_GSEL_KMAX]) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  int K, t, it, conv;
  for (K = 1; K <= MX_GSEL_KMAX; K++)
    for (t = 0; t < MX_GMM_NCOV; t++) {
      mx_gmm *g = mx_gmm_alloc(K, 2);
      mx_gmm_work *w = mx_gmm_work_alloc(K, NPTS, 2);
      mx_error err;
      double ll;
      int rc;
      g->reg = reg;
      g->cov_type = t;
      rc = mx_gmm_init_data(g, w, x, NPTS, MX_GMM_INIT_KMEANSPP, seed, r, &err);
      ASSERT_INT_EQ(rc, MX_OK);
      rc = mx_gmm_run(g, x, NPTS, NULL, w, 500, 1e-6, &it, &conv, &ll);
      ASSERT_TRUE(rc == MX_OK || rc == MX_ECOLLAPSE);
      ASSERT_INT_EQ(mx_gmm_e_step(g, x, NPTS, NULL, w, &ll), MX_OK);
      bic[t][K - 1] = mx_gmm_bic(g, ll, NPTS);
      aic[t][K - 1] = mx_gmm_aic(g, ll);
      mx_gmm_work_free(w);
      mx_gmm_free(g);
    }
  gsl_rng_free(r);
}

static void test_select(void) {
  static mx_gmm_select s;
  double *x = malloc(2 * NPTS * sizeof *x), bic[MX_GMM_NCOV][MX_GSEL_KMAX],
         aic[MX_GMM_NCOV][MX_GSEL_KMAX];
  int frames = 0, st, done = 0, last = -1, moves = 0, t, k, same = 1;
  make_points(x);
  direct_table(x, 5, 1e-6, bic, aic);
  ASSERT_INT_EQ(mx_gmm_select_start(&s, x, NPTS, 5, 1e-6), MX_OK);
  /* frames as the window draws them: tick (slice mode), poll */
  while ((st = mx_gmm_select_state(&s, &done)) == 1 && frames < 100000) {
    mx_jobs_tick(6.0);
    if (done != last) moves++;
    last = done;
    frames++;
    SDL_Delay(1);
  }
  ASSERT_INT_EQ(st, 2);
  ASSERT_INT_EQ(done, MX_GSEL_NFITS);
  ASSERT_TRUE(moves >= 2); /* progress was seen between frames */
  for (t = 0; t < MX_GMM_NCOV; t++)
    for (k = 0; k < MX_GSEL_KMAX; k++) {
      ASSERT_TRUE(s.ok[t][k]);
      if (memcmp(&s.bic[t][k], &bic[t][k], sizeof(double)) ||
          memcmp(&s.aic[t][k], &aic[t][k], sizeof(double)))
        same = 0;
    }
  ASSERT_TRUE(same);
  fprintf(stderr, "select (%s): %d frames, progress seen at %d of them\n",
          mx_jobs_sliced() ? "slices" : "threads", frames, moves);
  /* cancelled half way: stop frees everything, the job runs no more */
  ASSERT_INT_EQ(mx_gmm_select_start(&s, x, NPTS, 5, 1e-6), MX_OK);
  mx_jobs_tick(1.0);
  mx_gmm_select_stop(&s);
  ASSERT_INT_EQ(mx_gmm_select_state(&s, NULL), 0);
  free(x);
}

/* The BMM view's sweep table and EM numbers as saved. */
static char *bmm_numbers(mx_app *app) {
  cJSON *o = mx_test_view_json(app, "bmm", MX_TEST_AS_SAVED), *keep = cJSON_CreateObject();
  const char *names[] = {"accuracy_vs_L", "iterations", "loglik_per_digit", "logpost",
                         "test_accuracy"};
  char *s;
  size_t i;
  for (i = 0; i < sizeof names / sizeof *names; i++) {
    cJSON *f = cJSON_GetObjectItemCaseSensitive(o, names[i]);
    if (f) cJSON_AddItemToObject(keep, names[i], cJSON_Duplicate(f, 1));
  }
  s = cJSON_PrintUnformatted(keep);
  cJSON_Delete(keep);
  cJSON_Delete(o);
  return s;
}

static void bmm_requests(mx_app *app) {
  mx_error err;
  ASSERT_INT_EQ(mx_app_view_set(app, "semi", "1", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "n", "1000", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "steps", "4", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "sweep", "1", &err), 0);
}

static void test_bmm(void) {
  mx_error err;
  const char *dir = mx_test_sample_dir();
  mx_app *app = mx_test_app("bmm", dir, 1024, 768, &err);
  char *inline_nums, *job_nums;
  int frames = 0;
  Uint32 t0;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  bmm_requests(app); /* headless: inline */
  inline_nums = bmm_numbers(app);
  mx_app_destroy(app);
  app = mx_test_app("bmm", dir, 1024, 768, &err);
  ASSERT_INT_EQ(mx_app_view_set(app, "threaded", "1", &err), 0);
  bmm_requests(app);
  t0 = SDL_GetTicks();
  while ((frames < 2 || mx_test_view_true(app, "bmm", MX_TEST_AS_SAVED, "busy")) &&
         SDL_GetTicks() - t0 < 120000) {
    mx_app_frame(app, 1.0 / 60.0);
    frames++;
  }
  job_nums = bmm_numbers(app);
  ASSERT_TRUE(strstr(inline_nums, "accuracy_vs_L") != NULL);
  ASSERT_STR_EQ(job_nums, inline_nums);
  ASSERT_TRUE(frames > 2); /* the work spread over frames */
  fprintf(stderr, "bmm (%s): %d frames; %s\n", mx_jobs_sliced() ? "slices" : "threads", frames,
          job_nums);
  /* a sweep cancelled by leaving: destroy waits for the step in progress */
  ASSERT_INT_EQ(mx_app_view_set(app, "sweep", "1", &err), 0);
  mx_app_frame(app, 1.0 / 60.0);
  mx_app_destroy(app);
  cJSON_free(inline_nums);
  cJSON_free(job_nums);
}

int main(void) {
  test_select();
  test_bmm();
  TEST_MAIN_END();
}
