/* Headless tests of the mixture-of-experts view (app/view_moe.c): keys change
 * the state as expected, the view shows the same fit as core driven the way
 * `mixscope moe` drives it, options and scenes are validated, and a frame
 * renders something. State is read through the view's save() JSON. */
#include "app_test.h"
#include "mixscope/moe.h"

static const mx_view *moe(void) { return mx_view_find("moe", NULL); }

static cJSON *snapshot(mx_app *app) {
  return mx_test_view_json(app, "moe", MX_TEST_AS_SAVED);
}
static double snap_num(mx_app *app, const char *k) {
  return mx_test_view_num(app, "moe", MX_TEST_AS_SAVED, k);
}
static int snap_bool(mx_app *app, const char *k) {
  return mx_test_view_true(app, "moe", MX_TEST_AS_SAVED, k);
}

/* The fit `mixscope moe` computes on Bishop's data: data from one RNG stream
 * seeded s, initialisation from another seeded s, then `steps` steps. Without
 * mdn, EM of k experts of degree p (`mixscope moe --n n --k k --degree p
 * --seed s --iters steps`); with mdn, Adam steps of a mixture density network
 * with p hidden units (`mixscope moe --mdn --n n --k k --hidden p --seed s
 * --iters steps`). Returns the final log-likelihood. */
static double core_fit(int mdn, int n, int k, int p, unsigned long seed, int steps) {
  gsl_rng *rd = gsl_rng_alloc(gsl_rng_mt19937), *ri = gsl_rng_alloc(gsl_rng_mt19937);
  double *x = malloc(n * sizeof *x), *t = malloc(n * sizeof *t), ll;
  mx_moe *m = mdn ? NULL : mx_moe_alloc(n, k, p, steps + 1, NULL);
  mx_mdn *d = mdn ? mx_mdn_alloc(n, k, p, steps + 1, NULL) : NULL;
  int i;
  gsl_rng_set(rd, seed);
  gsl_rng_set(ri, seed);
  mx_moe_generate_bishop(rd, n, x, t);
  if (mdn) {
    mx_mdn_set_data(d, x, t, NULL);
    mx_mdn_init(d, ri, NULL);
    for (i = 0; i < steps; i++) mx_mdn_step(d, NULL);
    ll = d->loglik;
  } else {
    mx_moe_set_data(m, x, t, NULL);
    mx_moe_init(m, ri, NULL);
    for (i = 0; i < steps; i++) mx_moe_step(m, NULL);
    ll = m->loglik;
  }
  mx_moe_free(m);
  mx_mdn_free(d);
  free(x);
  free(t);
  gsl_rng_free(rd);
  gsl_rng_free(ri);
  return ll;
}
static double core_loglik(int n, int k, int p, unsigned long seed, int iters) {
  return core_fit(0, n, k, p, seed, iters);
}
static double core_mdn_loglik(int n, int k, int hidden, unsigned long seed, int steps) {
  return core_fit(1, n, k, hidden, seed, steps);
}

int main(void) {
  mx_error err;
  mx_app *app;
  cJSON *saved;
  double ll0, ll1, ll;
  char path[1200];

  app = mx_test_app("moe", NULL, 1280, 800, &err);
  ASSERT_TRUE(app != NULL);
  if (!app) TEST_MAIN_END();
  mx_app_frame(app, 1.0 / 60.0);

  /* Defaults: K = 3 linear experts, N = 1000, seed 1, iteration 0. */
  ASSERT_NEAR(snap_num(app, "k"), 3, 0);
  ASSERT_NEAR(snap_num(app, "degree"), 1, 0);
  ASSERT_NEAR(snap_num(app, "n"), 1000, 0);
  ASSERT_NEAR(snap_num(app, "iters"), 0, 0);
  ll0 = snap_num(app, "loglik");
  ASSERT_NEAR(ll0, core_loglik(1000, 3, 1, 1, 0), 0);

  /* Space: one EM step, the log-likelihood does not go down. */
  mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "iters"), 1, 0);
  ll1 = snap_num(app, "loglik");
  ASSERT_TRUE(ll1 >= ll0);
  ASSERT_NEAR(ll1, core_loglik(1000, 3, 1, 1, 1), 0);

  /* Enter starts running (no wall-clock steps headless), Enter again pauses. */
  mx_test_key(app, SDLK_RETURN, KMOD_NONE);
  ASSERT_TRUE(snap_bool(app, "running"));
  mx_test_key(app, SDLK_RETURN, KMOD_NONE);
  ASSERT_TRUE(!snap_bool(app, "running"));

  /* iters=49 more → 50 in all: the same number `mixscope moe --iters 50` reports. */
  ASSERT_INT_EQ(mx_app_view_set(app, "iters", "49", &err), MX_OK);
  ASSERT_NEAR(snap_num(app, "iters"), 50, 0);
  ASSERT_NEAR(snap_num(app, "loglik"), core_loglik(1000, 3, 1, 1, 50), 0);
  /* On this one-to-many problem the mixture beats the single line by far. */
  ASSERT_TRUE(snap_num(app, "loglik") > snap_num(app, "baseline_loglik") + 500.0);

  /* R restarts EM on the same data. */
  mx_test_key(app, SDLK_r, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "iters"), 0, 0);
  ASSERT_NEAR(snap_num(app, "loglik"), ll0, 0);

  /* K / Shift K, D / Shift D, N. */
  mx_test_key(app, SDLK_k, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "k"), 4, 0);
  mx_test_key(app, SDLK_k, KMOD_LSHIFT);
  mx_test_key(app, SDLK_k, KMOD_LSHIFT);
  ASSERT_NEAR(snap_num(app, "k"), 2, 0);
  mx_test_key(app, SDLK_o, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "degree"), 2, 0);
  mx_test_key(app, SDLK_o, KMOD_LSHIFT);
  ASSERT_NEAR(snap_num(app, "degree"), 1, 0);
  mx_test_key(app, SDLK_n, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "seed"), 2, 0);
  ASSERT_NEAR(snap_num(app, "loglik"), core_loglik(1000, 2, 1, 2, 0), 0);

  /* K = 1: one expert is exactly the least-squares line (after one M-step). */
  ASSERT_INT_EQ(mx_app_view_set(app, "k", "1", &err), MX_OK);
  ASSERT_INT_EQ(mx_app_view_set(app, "iters", "1", &err), MX_OK);
  ASSERT_NEAR(snap_num(app, "loglik"), snap_num(app, "baseline_loglik"), 1e-12);

  /* Toggles. */
  mx_test_key(app, SDLK_v, KMOD_NONE);
  ASSERT_TRUE(!snap_bool(app, "heatmap"));
  mx_test_key(app, SDLK_v, KMOD_NONE);
  ASSERT_TRUE(snap_bool(app, "heatmap"));
  mx_test_key(app, SDLK_b, KMOD_NONE);
  ASSERT_TRUE(!snap_bool(app, "line"));
  mx_test_key(app, SDLK_b, KMOD_NONE);

  /* Bad options: errors naming the key or the file; the state is kept. */
  ASSERT_INT_EQ(mx_app_view_set(app, "k", "9", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "k=9");
  ASSERT_INT_EQ(mx_app_view_set(app, "degree", "-1", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "degree=-1");
  ASSERT_INT_EQ(mx_app_view_set(app, "zoom", "2", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "unknown option 'zoom'");
  snprintf(path, sizeof path, "%s/no-such-file.csv", mx_test_scratch());
  ASSERT_TRUE(mx_app_view_set(app, "data", path, &err) != MX_OK);
  ASSERT_STR_CONTAINS(err.msg, "no-such-file.csv");
  ASSERT_NEAR(snap_num(app, "k"), 1, 0);
  ASSERT_NEAR(snap_num(app, "seed"), 2, 0);
  {
    cJSON *o = snapshot(app);
    ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(o, "data")), "bishop");
    cJSON_Delete(o);
  }
  /* A CSV file works: three points, K = 1 is the hand-worked line
   * t = −1/6 + (3/2) x with σ² = 1/18, loglik = −(3/2)(log(2π/18) + 1). */
  snprintf(path, sizeof path, "%s/three.csv", mx_test_scratch());
  {
    FILE *f = fopen(path, "w");
    if (f) {
      fputs("x,t\n0,0\n1,1\n2,3\n", f);
      fclose(f);
    }
  }
  ASSERT_INT_EQ(mx_app_view_set(app, "data", path, &err), MX_OK);
  ASSERT_INT_EQ(mx_app_view_set(app, "iters", "2", &err), MX_OK);
  ASSERT_NEAR(snap_num(app, "loglik"), -1.5 * (log(2.0 * 3.14159265358979323846 / 18.0) + 1.0), 1e-12);
  mx_app_frame(app, 1.0 / 60.0); /* draws with three points without trouble */
  ASSERT_INT_EQ(mx_app_view_set(app, "data", "bishop", &err), MX_OK);
  ASSERT_NEAR(snap_num(app, "n"), 1000, 0);

  /* Scene round trip: K=3, degree 3, seed 5, 40 iterations. */
  ASSERT_INT_EQ(mx_app_view_set(app, "k", "3", &err), MX_OK);
  ASSERT_INT_EQ(mx_app_view_set(app, "degree", "3", &err), MX_OK);
  ASSERT_INT_EQ(mx_app_view_set(app, "seed", "5", &err), MX_OK);
  ASSERT_INT_EQ(mx_app_view_set(app, "iters", "40", &err), MX_OK);
  ll = snap_num(app, "loglik");
  ASSERT_NEAR(ll, core_loglik(1000, 3, 3, 5, 40), 0);
  saved = snapshot(app);
  mx_test_key(app, SDLK_k, KMOD_NONE);
  mx_test_key(app, SDLK_n, KMOD_NONE);
  ASSERT_INT_EQ(moe()->load(mx_app_view_state(app, "moe"), app, saved, &err), MX_OK);
  ASSERT_NEAR(snap_num(app, "loglik"), ll, 0);
  ASSERT_NEAR(snap_num(app, "iters"), 40, 0);
  ASSERT_NEAR(snap_num(app, "k"), 3, 0);
  cJSON_Delete(saved);
  {
    cJSON *bad = cJSON_Parse("{\"k\": 12, \"degree\": 1}");
    ASSERT_INT_EQ(moe()->load(mx_app_view_state(app, "moe"), app, bad, &err), MX_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "\"k\"");
    ASSERT_NEAR(snap_num(app, "loglik"), ll, 0);
    cJSON_Delete(bad);
  }

  /* X: the mixture density network on the same data (K = 3, 20 hidden units, seed 5). */
  mx_test_key(app, SDLK_x, KMOD_NONE);
  {
    cJSON *o = snapshot(app);
    ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(o, "mode")), "mdn");
    cJSON_Delete(o);
  }
  ASSERT_NEAR(snap_num(app, "loglik"), core_mdn_loglik(1000, 3, 20, 5, 0), 0);
  mx_test_key(app, SDLK_SPACE, KMOD_NONE); /* 50 Adam steps */
  ASSERT_NEAR(snap_num(app, "mdn_steps"), 50, 0);
  ASSERT_NEAR(snap_num(app, "loglik"), core_mdn_loglik(1000, 3, 20, 5, 50), 0);
  ASSERT_NEAR(snap_num(app, "iters"), 40, 0); /* the EM fit is kept */
  saved = snapshot(app);
  mx_test_key(app, SDLK_o, KMOD_LSHIFT); /* hidden units halved: a new network */
  ASSERT_NEAR(snap_num(app, "hidden"), 10, 0);
  ASSERT_NEAR(snap_num(app, "mdn_steps"), 0, 0);
  ASSERT_INT_EQ(moe()->load(mx_app_view_state(app, "moe"), app, saved, &err), MX_OK);
  ASSERT_NEAR(snap_num(app, "mdn_steps"), 50, 0);
  ASSERT_NEAR(snap_num(app, "hidden"), 20, 0);
  ASSERT_NEAR(snap_num(app, "loglik"), core_mdn_loglik(1000, 3, 20, 5, 50), 0);
  cJSON_Delete(saved);
  mx_app_frame(app, 1.0 / 60.0);
  snprintf(path, sizeof path, "%s/mdn.png", mx_test_scratch());
  ASSERT_INT_EQ(mx_app_save_png(app, path, &err), MX_OK);
  ASSERT_INT_EQ(mx_app_view_set(app, "mode", "gradient", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "mode=gradient");
  mx_test_key(app, SDLK_x, KMOD_NONE); /* back to EM: the same fit as before */
  ASSERT_NEAR(snap_num(app, "loglik"), ll, 0);

  /* A rendered frame is not blank. */
  {
    double frac;
    int ncol;
    ASSERT_INT_EQ(mx_test_frame_stats(app, "moe.png", &frac, &ncol), MX_OK);
    fprintf(stderr, "moe frame: %.1f%% non-background pixels, %d colours\n", 100 * frac, ncol);
    ASSERT_TRUE(frac > 0.5);
    ASSERT_TRUE(ncol > 200);
  }
  {
    mx_keyhelp kh[64];
    ASSERT_TRUE(mx_keymap_view("moe", kh, 64) > 0); /* its keys in the one key map */
  }
  mx_app_destroy(app);
  TEST_MAIN_END();
}
