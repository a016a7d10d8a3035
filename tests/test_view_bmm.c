/* Headless tests of the Bernoulli mixture view on the bundled sample: keys
 * step / walk back / walk forward / reset / K / semi-supervised / seed act as
 * the key list says; the numbers the view shows for iteration t equal a run
 * of core/bmm made here from the same start (init, t EM iterations, E-step:
 * the path the NumPy reference of tests/ref/bmm_ref.py checks for the CLI);
 * set/save/load reject bad values and round-trip; the frame is not blank. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_test.h"
#include "mixscope/bmm.h"
#include "mixscope/dataset.h"

static mx_app *app;
static void *st;

static void key(SDL_Keycode k) { mx_test_key(app, k, KMOD_NONE); }

/* The init string as a number: "random" 1, anything else 0. */
static double init_code(const char *v) { return !strcmp(v, "random"); }

/* A number from the view's saved state (booleans as 0/1, init as 0/1). */
static double field(const char *name) { return mx_test_view_field(app, "bmm", name, init_code); }

/* loglik per digit, test loglik per digit and J after t EM iterations from
 * the k-means++ start with this seed, on the first n binarized sample digits. */
static void core_run(const mx_mnist *mn, size_t n, int k, unsigned long seed, int t, double *ll,
                     double *tll, double *lp) {
  uint8_t *bin = malloc(mn->train.n * mn->train.d);
  mx_bmm_data *train = NULL, *test = NULL;
  mx_bmm *m = NULL;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  mx_error err;
  int i;
  double tl = NAN;
  gsl_rng_set(rng, seed);
  mx_binarize(mn->train.pix, n * mn->train.d, 0.5, bin);
  ASSERT_INT_EQ(mx_bmm_data_alloc(&train, bin, n, mn->train.d, &err), 0);
  mx_binarize(mn->test.pix, mn->test.n * mn->test.d, 0.5, bin);
  ASSERT_INT_EQ(mx_bmm_data_alloc(&test, bin, mn->test.n, mn->test.d, &err), 0);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, (size_t)k, mn->train.d, n, mx_bmm_prior_laplace(1.0, 1.0), 2, &err), 0);
  ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m, train, rng, NULL, &err), 0);
  for (i = 0; i < t; i++) ASSERT_INT_EQ(mx_bmm_iterate(m, train, NULL), 0);
  ASSERT_INT_EQ(mx_bmm_e_step(m, train), 0);
  ASSERT_INT_EQ(mx_bmm_score(m, test, NULL, &tl, NULL, NULL), 0);
  *ll = m->loglik / (double)n;
  *tll = tl / (double)mn->test.n;
  *lp = m->logpost;
  mx_bmm_free(m);
  mx_bmm_data_free(train);
  mx_bmm_data_free(test);
  gsl_rng_free(rng);
  free(bin);
}

/* Distinct colours in a region of the saved frame, sampled every 2nd pixel. */
static int distinct_colours(const char *path, int x0, int y0, int w, int h) {
  mx_rect r = {x0, y0, w, h};
  int n;
  if (mx_test_png_stats(path, &r, 2, NULL, &n) != 0) return -1;
  return n;
}

int main(void) {
  mx_error err;
  mx_mnist mn;
  const char *dir = mx_test_sample_dir();
  char png[MX_PATH_LEN + 64];
  double ll, tll, lp;
  cJSON *saved;

  if (mx_mnist_load(&mn, dir, &err)) {
    fprintf(stderr, "cannot load %s: %s\n", dir, err.msg);
    return 1;
  }
  app = mx_test_app("bmm", dir, 1280, 800, &err);
  if (!app) return 1;
  st = mx_app_view_state(app, "bmm");
  ASSERT_TRUE(st != NULL);
  if (!st) return 1;
  mx_app_frame(app, 1.0 / 60.0);

  /* the start: K = 10 on all 5000 sample digits (the default 10,000 is capped) */
  ASSERT_INT_EQ(field("k"), 10);
  ASSERT_INT_EQ(field("n"), 5000);
  ASSERT_INT_EQ(field("iterations"), 0);
  ASSERT_INT_EQ(field("view"), 0);

  /* Space x3: three iterations, the view follows */
  key(SDLK_SPACE);
  key(SDLK_SPACE);
  key(SDLK_RIGHT);
  ASSERT_INT_EQ(field("iterations"), 3);
  ASSERT_INT_EQ(field("view"), 3);
  core_run(&mn, 5000, 10, 1, 3, &ll, &tll, &lp);
  ASSERT_NEAR(field("loglik_per_digit"), ll, 1e-12);
  ASSERT_NEAR(field("test_loglik_per_digit"), tll, 1e-12);
  ASSERT_NEAR(field("logpost"), lp, 1e-12);

  /* Left x2: back through the history, nothing recomputed */
  key(SDLK_LEFT);
  key(SDLK_LEFT);
  ASSERT_INT_EQ(field("iterations"), 3);
  ASSERT_INT_EQ(field("view"), 1);
  core_run(&mn, 5000, 10, 1, 1, &ll, &tll, &lp);
  ASSERT_NEAR(field("loglik_per_digit"), ll, 1e-12);
  ASSERT_NEAR(field("logpost"), lp, 1e-12);
  key(SDLK_LEFT);
  key(SDLK_LEFT); /* stops at 0 */
  ASSERT_INT_EQ(field("view"), 0);
  core_run(&mn, 5000, 10, 1, 0, &ll, &tll, &lp);
  ASSERT_NEAR(field("loglik_per_digit"), ll, 1e-12);
  /* Right walks forward through the stored iterations, then computes a new one */
  key(SDLK_RIGHT);
  ASSERT_INT_EQ(field("view"), 1);
  ASSERT_INT_EQ(field("iterations"), 3);
  key(SDLK_RIGHT);
  key(SDLK_RIGHT);
  key(SDLK_RIGHT);
  ASSERT_INT_EQ(field("view"), 4);
  ASSERT_INT_EQ(field("iterations"), 4);
  core_run(&mn, 5000, 10, 1, 4, &ll, &tll, &lp);
  ASSERT_NEAR(field("loglik_per_digit"), ll, 1e-12);

  /* the frame shows heatmaps: many colours where the maps are */
  snprintf(png, sizeof png, "%s/bmm.png", mx_test_scratch());
  ASSERT_INT_EQ(mx_app_save_png(app, png, &err), 0);
  ASSERT_TRUE(distinct_colours(png, 30, 110, 740, 330) > 200);
  ASSERT_TRUE(distinct_colours(png, 20, 560, 800, 100) > 5); /* the curve */

  /* R: back to the start of the same run */
  key(SDLK_r);
  ASSERT_INT_EQ(field("iterations"), 0);
  ASSERT_INT_EQ(field("view"), 0);
  core_run(&mn, 5000, 10, 1, 0, &ll, &tll, &lp);
  ASSERT_NEAR(field("loglik_per_digit"), ll, 1e-12);

  /* + and -: K, a new run each time */
  key(SDLK_SPACE);
  key(SDLK_PLUS);
  ASSERT_INT_EQ(field("k"), 11);
  ASSERT_INT_EQ(field("iterations"), 0);
  key(SDLK_MINUS);
  key(SDLK_MINUS);
  ASSERT_INT_EQ(field("k"), 9);
  key(SDLK_SPACE);
  key(SDLK_SPACE);
  core_run(&mn, 5000, 9, 1, 2, &ll, &tll, &lp);
  ASSERT_NEAR(field("loglik_per_digit"), ll, 1e-12);
  /* N: a new seed, another start */
  key(SDLK_n);
  ASSERT_INT_EQ(field("seed"), 2);
  key(SDLK_SPACE);
  core_run(&mn, 5000, 9, 2, 1, &ll, &tll, &lp);
  ASSERT_NEAR(field("loglik_per_digit"), ll, 1e-12);
  /* I: random start */
  key(SDLK_i);
  ASSERT_INT_EQ(field("init"), 1);

  /* U: semi-supervised, K = 10; accuracies are fractions; [ ] change L */
  key(SDLK_u);
  ASSERT_INT_EQ(field("semi"), 1);
  ASSERT_INT_EQ(field("k"), 10);
  ASSERT_INT_EQ(field("labels"), 10);
  key(SDLK_SPACE);
  key(SDLK_SPACE);
  ASSERT_TRUE(field("test_accuracy") > 0.3 && field("test_accuracy") <= 1.0);
  ASSERT_TRUE(field("test_accuracy_labelled_only") > 0.3);
  key(SDLK_PLUS); /* K is fixed in this mode */
  ASSERT_INT_EQ(field("k"), 10);
  key(SDLK_RIGHTBRACKET);
  ASSERT_INT_EQ(field("labels"), 20);
  key(SDLK_LEFTBRACKET);
  key(SDLK_LEFTBRACKET);
  ASSERT_INT_EQ(field("labels"), 5);
  /* A: accuracy against L; its L = 5 start is the run above's start */
  key(SDLK_a);
  {
    cJSON *js = mx_view_bmm.save(st, app), *a = cJSON_GetObjectItem(js, "accuracy_vs_L"), *e;
    int found = 0;
    ASSERT_TRUE(cJSON_GetArraySize(a) >= 5);
    cJSON_ArrayForEach(e, a) {
      if (cJSON_GetObjectItem(e, "L")->valuedouble == 5.0) {
        found = 1;
        ASSERT_NEAR(cJSON_GetObjectItem(e, "labelled_only")->valuedouble,
                    cJSON_GetObjectItem(js, "test_accuracy_labelled_only")->valuedouble, 0);
      }
    }
    ASSERT_TRUE(found);
    cJSON_Delete(js);
  }
  mx_app_frame(app, 1.0 / 60.0);
  snprintf(png, sizeof png, "%s/bmm_semi.png", mx_test_scratch());
  ASSERT_INT_EQ(mx_app_save_png(app, png, &err), 0);

  /* set: bad values are refused with a message naming the key */
  ASSERT_INT_EQ(mx_app_view_set(app, "k", "99", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "k=99");
  ASSERT_INT_EQ(mx_app_view_set(app, "k", "12", &err), MX_EINVAL); /* semi: K = 10 */
  ASSERT_STR_CONTAINS(err.msg, "semi-supervised");
  ASSERT_INT_EQ(mx_app_view_set(app, "alpha", "-1", &err), MX_EINVAL);
  ASSERT_INT_EQ(mx_app_view_set(app, "init", "kmeans", &err), MX_EINVAL);
  ASSERT_INT_EQ(mx_app_view_set(app, "frobnicate", "1", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "unknown option 'frobnicate'");
  ASSERT_INT_EQ(mx_app_view_set(app, "semi", "0", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "sweep", "1", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "semi=1 first");
  ASSERT_INT_EQ(mx_app_view_set(app, "n", "50", &err), MX_EINVAL);
  ASSERT_INT_EQ(mx_app_view_set(app, "n", "9000", &err), MX_EINVAL); /* the sample has 5000 */

  /* set, then save / load round trip */
  ASSERT_INT_EQ(mx_app_view_set(app, "semi", "0", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "k", "7", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "n", "2000", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "init", "kmeans++", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "seed", "4", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "steps", "6", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "view", "4", &err), 0);
  ASSERT_INT_EQ(field("iterations"), 6);
  ASSERT_INT_EQ(field("view"), 4);
  core_run(&mn, 2000, 7, 4, 4, &ll, &tll, &lp);
  ASSERT_NEAR(field("loglik_per_digit"), ll, 1e-12);
  saved = mx_view_bmm.save(st, app);
  key(SDLK_r);
  key(SDLK_PLUS);
  ASSERT_INT_EQ(field("k"), 8);
  ASSERT_INT_EQ(mx_view_bmm.load(st, app, saved, &err), 0);
  ASSERT_INT_EQ(field("k"), 7);
  ASSERT_INT_EQ(field("n"), 2000);
  ASSERT_INT_EQ(field("iterations"), 6);
  ASSERT_INT_EQ(field("view"), 4);
  ASSERT_NEAR(field("loglik_per_digit"), ll, 1e-12);
  cJSON_Delete(saved);
  saved = cJSON_Parse("{\"k\": 40}");
  ASSERT_INT_EQ(mx_view_bmm.load(st, app, saved, &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "\"k\"");
  ASSERT_INT_EQ(field("k"), 7); /* unchanged */
  cJSON_Delete(saved);

  /* the worker thread (as in the window): requests return at once, the frame
   * never waits; poll frames until the history holds the iterations asked for */
  {
    int frames = 0, ran;
    double t0 = SDL_GetTicks() / 1000.0;
    ASSERT_INT_EQ(mx_app_view_set(app, "threaded", "1", &err), 0);
    ASSERT_INT_EQ(mx_app_view_set(app, "k", "5", &err), 0);
    ASSERT_INT_EQ(mx_app_view_set(app, "n", "1000", &err), 0);
    ASSERT_INT_EQ(mx_app_view_set(app, "seed", "3", &err), 0);
    ASSERT_INT_EQ(mx_app_view_set(app, "steps", "5", &err), 0);
    while ((field("busy") || field("iterations") < 5) && SDL_GetTicks() / 1000.0 - t0 < 60.0) {
      mx_app_frame(app, 1.0 / 60.0);
      frames++;
    }
    ASSERT_INT_EQ(field("iterations"), 5);
    core_run(&mn, 1000, 5, 3, 5, &ll, &tll, &lp);
    ASSERT_NEAR(field("loglik_per_digit"), ll, 1e-12);
    /* Enter: run, paced by frame time; Enter again: pause */
    key(SDLK_RETURN);
    for (ran = 0; ran < 240 && field("iterations") < 9; ran++) {
      SDL_Delay(5);
      mx_app_frame(app, 1.0 / 10.0);
    }
    key(SDLK_RETURN);
    while (field("busy") && SDL_GetTicks() / 1000.0 - t0 < 60.0) mx_app_frame(app, 1.0 / 60.0);
    ran = (int)field("iterations");
    ASSERT_TRUE(ran >= 9);
    core_run(&mn, 1000, 5, 3, ran, &ll, &tll, &lp);
    ASSERT_NEAR(field("loglik_per_digit"), ll, 1e-12);
    fprintf(stderr, "threaded: %d frames while 5 iterations ran; run mode reached %d\n", frames, ran);
  }

  mx_app_destroy(app);
  mx_mnist_free(&mn);
  TEST_MAIN_END();
}
