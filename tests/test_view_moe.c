/* Headless tests of the mixture-of-experts view (app/view_moe.c): keys change
 * the state as expected, the view shows the same fit as core driven the way
 * `mixscope moe` drives it, options and scenes are validated, and a frame
 * renders something. State is read through the view's save() JSON. */
#include <SDL.h>
#include <SDL_image.h>

#include "app.h"
#include "mixscope/moe.h"
#include "test.h"
#include "view.h"

static const mx_view *moe(void) { return mx_view_find("moe", NULL); }

static cJSON *snapshot(mx_app *app) { return moe()->save(mx_app_view_state(app, "moe"), app); }
static double snap_num(mx_app *app, const char *k) {
  cJSON *o = snapshot(app);
  const cJSON *it = cJSON_GetObjectItem(o, k);
  double v = cJSON_IsNumber(it) ? it->valuedouble : NAN;
  cJSON_Delete(o);
  return v;
}
static int snap_bool(mx_app *app, const char *k) {
  cJSON *o = snapshot(app);
  int v = cJSON_IsTrue(cJSON_GetObjectItem(o, k));
  cJSON_Delete(o);
  return v;
}

static void key(mx_app *app, SDL_Keycode k, Uint16 mod) {
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_KEYDOWN;
  ev.key.state = SDL_PRESSED;
  ev.key.keysym.sym = k;
  ev.key.keysym.mod = mod;
  mx_app_handle_event(app, &ev);
  ev.type = SDL_KEYUP;
  ev.key.state = SDL_RELEASED;
  mx_app_handle_event(app, &ev);
  mx_app_frame(app, 1.0 / 60.0);
}

/* The fit `mixscope moe --n n --k k --degree p --seed s --iters it` computes:
 * data from one RNG stream seeded s, initialisation from another seeded s. */
static double core_loglik(int n, int k, int p, unsigned long seed, int iters) {
  gsl_rng *rd = gsl_rng_alloc(gsl_rng_mt19937), *ri = gsl_rng_alloc(gsl_rng_mt19937);
  double *x = malloc(n * sizeof *x), *t = malloc(n * sizeof *t), ll;
  mx_moe *m = mx_moe_alloc(n, k, p, iters + 1, NULL);
  int i;
  gsl_rng_set(rd, seed);
  gsl_rng_set(ri, seed);
  mx_moe_generate_bishop(rd, n, x, t);
  mx_moe_set_data(m, x, t, NULL);
  mx_moe_init(m, ri, NULL);
  for (i = 0; i < iters; i++) mx_moe_step(m, NULL);
  ll = m->loglik;
  mx_moe_free(m);
  free(x);
  free(t);
  gsl_rng_free(rd);
  gsl_rng_free(ri);
  return ll;
}

/* The network `mixscope moe --mdn --n n --k k --hidden h --seed s --iters steps` trains. */
static double core_mdn_loglik(int n, int k, int hidden, unsigned long seed, int steps) {
  gsl_rng *rd = gsl_rng_alloc(gsl_rng_mt19937), *ri = gsl_rng_alloc(gsl_rng_mt19937);
  double *x = malloc(n * sizeof *x), *t = malloc(n * sizeof *t), ll;
  mx_mdn *d = mx_mdn_alloc(n, k, hidden, steps + 1, NULL);
  int i;
  gsl_rng_set(rd, seed);
  gsl_rng_set(ri, seed);
  mx_moe_generate_bishop(rd, n, x, t);
  mx_mdn_set_data(d, x, t, NULL);
  mx_mdn_init(d, ri, NULL);
  for (i = 0; i < steps; i++) mx_mdn_step(d, NULL);
  ll = d->loglik;
  mx_mdn_free(d);
  free(x);
  free(t);
  gsl_rng_free(rd);
  gsl_rng_free(ri);
  return ll;
}

static void png_stats(const char *path, double *frac_nonbg, int *ncolors) {
  SDL_Surface *s0 = IMG_Load(path), *s;
  uint32_t seen[4096];
  int nseen = 0, x, y, diff = 0, total = 0;
  *frac_nonbg = 0;
  *ncolors = 0;
  if (!s0) return;
  s = SDL_ConvertSurfaceFormat(s0, SDL_PIXELFORMAT_ARGB8888, 0);
  SDL_FreeSurface(s0);
  if (!s) return;
  {
    const uint32_t *px = s->pixels;
    int pitch = s->pitch / 4;
    uint32_t bg = px[(s->h / 2) * pitch]; /* left edge, middle row: the app background */
    for (y = 0; y < s->h; y += 3)
      for (x = 0; x < s->w; x += 3) {
        uint32_t c = px[y * pitch + x];
        int i;
        total++;
        if (c != bg) diff++;
        for (i = 0; i < nseen; i++)
          if (seen[i] == c) break;
        if (i == nseen && nseen < 4096) seen[nseen++] = c;
      }
  }
  SDL_FreeSurface(s);
  *frac_nonbg = total ? (double)diff / total : 0;
  *ncolors = nseen;
}

int main(void) {
  mx_app_options opt;
  mx_error err;
  mx_app *app;
  cJSON *saved;
  double ll0, ll1, ll;
  char path[1200];

  memset(&opt, 0, sizeof opt);
  opt.view = "moe";
  opt.width = 1280;
  opt.height = 800;
  app = mx_app_create_headless(&opt, &err);
  ASSERT_TRUE(app != NULL);
  if (!app) {
    fprintf(stderr, "headless app: %s\n", err.msg);
    TEST_MAIN_END();
  }
  mx_app_frame(app, 1.0 / 60.0);

  /* Defaults: K = 3 linear experts, N = 1000, seed 1, iteration 0. */
  ASSERT_NEAR(snap_num(app, "k"), 3, 0);
  ASSERT_NEAR(snap_num(app, "degree"), 1, 0);
  ASSERT_NEAR(snap_num(app, "n"), 1000, 0);
  ASSERT_NEAR(snap_num(app, "iters"), 0, 0);
  ll0 = snap_num(app, "loglik");
  ASSERT_NEAR(ll0, core_loglik(1000, 3, 1, 1, 0), 0);

  /* Space: one EM step, the log-likelihood does not go down. */
  key(app, SDLK_SPACE, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "iters"), 1, 0);
  ll1 = snap_num(app, "loglik");
  ASSERT_TRUE(ll1 >= ll0);
  ASSERT_NEAR(ll1, core_loglik(1000, 3, 1, 1, 1), 0);

  /* Enter starts running (no wall-clock steps headless), Enter again pauses. */
  key(app, SDLK_RETURN, KMOD_NONE);
  ASSERT_TRUE(snap_bool(app, "running"));
  key(app, SDLK_RETURN, KMOD_NONE);
  ASSERT_TRUE(!snap_bool(app, "running"));

  /* iters=49 more → 50 in all: the same number `mixscope moe --iters 50` reports. */
  ASSERT_INT_EQ(mx_app_view_set(app, "iters", "49", &err), MX_OK);
  ASSERT_NEAR(snap_num(app, "iters"), 50, 0);
  ASSERT_NEAR(snap_num(app, "loglik"), core_loglik(1000, 3, 1, 1, 50), 0);
  /* On this one-to-many problem the mixture beats the single line by far. */
  ASSERT_TRUE(snap_num(app, "loglik") > snap_num(app, "baseline_loglik") + 500.0);

  /* R restarts EM on the same data. */
  key(app, SDLK_r, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "iters"), 0, 0);
  ASSERT_NEAR(snap_num(app, "loglik"), ll0, 0);

  /* K / Shift K, D / Shift D, N. */
  key(app, SDLK_k, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "k"), 4, 0);
  key(app, SDLK_k, KMOD_LSHIFT);
  key(app, SDLK_k, KMOD_LSHIFT);
  ASSERT_NEAR(snap_num(app, "k"), 2, 0);
  key(app, SDLK_d, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "degree"), 2, 0);
  key(app, SDLK_d, KMOD_LSHIFT);
  ASSERT_NEAR(snap_num(app, "degree"), 1, 0);
  key(app, SDLK_n, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "seed"), 2, 0);
  ASSERT_NEAR(snap_num(app, "loglik"), core_loglik(1000, 2, 1, 2, 0), 0);

  /* K = 1: one expert is exactly the least-squares line (after one M-step). */
  ASSERT_INT_EQ(mx_app_view_set(app, "k", "1", &err), MX_OK);
  ASSERT_INT_EQ(mx_app_view_set(app, "iters", "1", &err), MX_OK);
  ASSERT_NEAR(snap_num(app, "loglik"), snap_num(app, "baseline_loglik"), 1e-12);

  /* Toggles. */
  key(app, SDLK_g, KMOD_NONE);
  ASSERT_TRUE(!snap_bool(app, "heatmap"));
  key(app, SDLK_g, KMOD_NONE);
  ASSERT_TRUE(snap_bool(app, "heatmap"));
  key(app, SDLK_b, KMOD_NONE);
  ASSERT_TRUE(!snap_bool(app, "line"));
  key(app, SDLK_b, KMOD_NONE);

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
  key(app, SDLK_k, KMOD_NONE);
  key(app, SDLK_n, KMOD_NONE);
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
  key(app, SDLK_x, KMOD_NONE);
  {
    cJSON *o = snapshot(app);
    ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(o, "mode")), "mdn");
    cJSON_Delete(o);
  }
  ASSERT_NEAR(snap_num(app, "loglik"), core_mdn_loglik(1000, 3, 20, 5, 0), 0);
  key(app, SDLK_SPACE, KMOD_NONE); /* 50 Adam steps */
  ASSERT_NEAR(snap_num(app, "mdn_steps"), 50, 0);
  ASSERT_NEAR(snap_num(app, "loglik"), core_mdn_loglik(1000, 3, 20, 5, 50), 0);
  ASSERT_NEAR(snap_num(app, "iters"), 40, 0); /* the EM fit is kept */
  saved = snapshot(app);
  key(app, SDLK_d, KMOD_LSHIFT); /* hidden units halved: a new network */
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
  key(app, SDLK_x, KMOD_NONE); /* back to EM: the same fit as before */
  ASSERT_NEAR(snap_num(app, "loglik"), ll, 0);

  /* A rendered frame is not blank. */
  mx_app_frame(app, 1.0 / 60.0);
  snprintf(path, sizeof path, "%s/moe.png", mx_test_scratch());
  ASSERT_INT_EQ(mx_app_save_png(app, path, &err), MX_OK);
  {
    double frac;
    int ncol;
    png_stats(path, &frac, &ncol);
    fprintf(stderr, "moe frame: %.1f%% non-background pixels, %d colours\n", 100 * frac, ncol);
    ASSERT_TRUE(frac > 0.5);
    ASSERT_TRUE(ncol > 200);
  }
  ASSERT_TRUE(moe()->keys != NULL && moe()->keys[0].key != NULL);
  mx_app_destroy(app);
  TEST_MAIN_END();
}
