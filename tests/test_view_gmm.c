/* Headless tests of the Gaussian mixture view (app/view_gmm.c): step / back /
 * reset keys move through the EM history as expected, the view's parameters
 * are exactly those of core EM run by hand on the same preset and seed,
 * semi-supervised mode reports three accuracies, clicks add and remove
 * points, options are validated, scenes round-trip, and a frame renders. */
#include <SDL.h>
#include <SDL_image.h>
#include <gsl/gsl_rng.h>

#include "app.h"
#include "mixscope/gmm.h"
#include "mixscope/points.h"
#include "test.h"
#include "view.h"

static const mx_view *gmmv(void) { return mx_view_find("gmm", NULL); }

/* The view's save() JSON, printed and parsed back (exact numbers are raw items). */
static cJSON *snapshot(mx_app *app) {
  cJSON *o = gmmv()->save(mx_app_view_state(app, "gmm"), app), *p;
  char *s = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  p = cJSON_Parse(s);
  cJSON_free(s);
  return p;
}
static double jnum(const cJSON *o, const char *k) {
  const cJSON *it = cJSON_GetObjectItem(o, k);
  return cJSON_IsNumber(it) ? it->valuedouble : NAN;
}
static double snap_num(mx_app *app, const char *k) {
  cJSON *o = snapshot(app);
  double v = jnum(o, k);
  cJSON_Delete(o);
  return v;
}
/* means[k][i] of the shown parameters */
static double snap_mean(mx_app *app, int k, int i) {
  cJSON *o = snapshot(app);
  double v = cJSON_GetArrayItem(
                 cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "params"), "means"), k),
                 i)
                 ->valuedouble;
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

static void click(mx_app *app, int x, int y, int button) {
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_MOUSEMOTION;
  ev.motion.x = x;
  ev.motion.y = y;
  mx_app_handle_event(app, &ev);
  mx_app_frame(app, 1.0 / 60.0);
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_MOUSEBUTTONDOWN;
  ev.button.button = (Uint8)button;
  ev.button.state = SDL_PRESSED;
  ev.button.clicks = 1;
  ev.button.x = x;
  ev.button.y = y;
  mx_app_handle_event(app, &ev);
  mx_app_frame(app, 1.0 / 60.0);
  ev.type = SDL_MOUSEBUTTONUP;
  ev.button.state = SDL_RELEASED;
  mx_app_handle_event(app, &ev);
  mx_app_frame(app, 1.0 / 60.0);
}

/* Fraction of sampled pixels differing from the background, and distinct colours. */
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
    uint32_t bg = px[(s->h / 2) * pitch];
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

/* Core EM by hand on the view's default data: overlap preset, 600 points,
 * data seed 7, K = 3, k-means++ seed 1, reg 1e-6, `iters` iterations. */
static void core_reference(int iters, double *means, double *ll_out) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_points p = {0};
  mx_gmm *g = mx_gmm_alloc(3, 2);
  mx_gmm_work *w;
  mx_error e;
  double ll;
  int t;
  mx_points_preset(&p, MX_PRESET_OVERLAP, 600, 7, r);
  w = mx_gmm_work_alloc(3, p.n, 2);
  mx_gmm_init_data(g, w, p.x, p.n, MX_GMM_INIT_KMEANSPP, 1, r, &e);
  for (t = 0; t < iters; t++) mx_gmm_iterate(g, p.x, p.n, NULL, w, &ll);
  mx_gmm_e_step(g, p.x, p.n, NULL, w, &ll);
  memcpy(means, g->means, 6 * sizeof *means);
  *ll_out = ll;
  mx_gmm_work_free(w);
  mx_gmm_free(g);
  mx_points_free(&p);
  gsl_rng_free(r);
}

int main(void) {
  mx_app_options opt;
  mx_error err;
  mx_app *app;
  double m0, m1, m2, ref[6], ll, frac;
  int i, ncol;
  char png[1200];
  cJSON *saved, *o;

  memset(&opt, 0, sizeof opt);
  opt.view = "gmm";
  opt.width = 1280;
  opt.height = 800;
  app = mx_app_create_headless(&opt, &err);
  ASSERT_TRUE(app != NULL);
  if (!app) {
    fprintf(stderr, "headless app: %s\n", err.msg);
    TEST_MAIN_END();
  }
  ASSERT_TRUE(mx_app_view_state(app, "gmm") != NULL);
  mx_app_frame(app, 1.0 / 60.0);

  /* Defaults: overlap preset, 600 points, K = 3, iteration 0. */
  ASSERT_NEAR(snap_num(app, "iteration"), 0, 0);
  ASSERT_NEAR(snap_num(app, "points_n"), 600, 0);
  ASSERT_NEAR(snap_num(app, "k"), 3, 0);
  m0 = snap_mean(app, 0, 0);
  core_reference(0, ref, &ll);
  ASSERT_NEAR(m0, ref[0], 0);
  ASSERT_NEAR(snap_num(app, "loglik"), ll, 0);

  /* Space and Right: one EM step each; the parameters are core's, bit for bit. */
  key(app, SDLK_SPACE, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "iteration"), 1, 0);
  m1 = snap_mean(app, 0, 0);
  ASSERT_TRUE(m1 != m0);
  core_reference(1, ref, &ll);
  ASSERT_NEAR(m1, ref[0], 0);
  ASSERT_NEAR(snap_mean(app, 2, 1), ref[5], 0);
  ASSERT_NEAR(snap_num(app, "loglik"), ll, 0);
  key(app, SDLK_RIGHT, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "iteration"), 2, 0);
  m2 = snap_mean(app, 0, 0);
  core_reference(2, ref, &ll);
  ASSERT_NEAR(m2, ref[0], 0);
  ASSERT_NEAR(snap_num(app, "loglik"), ll, 0);
  ASSERT_NEAR(snap_num(app, "iterations_stored"), 2, 0);

  /* Left: back through the history (stored, not recomputed); Right replays. */
  key(app, SDLK_LEFT, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "iteration"), 1, 0);
  ASSERT_NEAR(snap_mean(app, 0, 0), m1, 0);
  ASSERT_NEAR(snap_num(app, "iterations_stored"), 2, 0);
  key(app, SDLK_LEFT, KMOD_NONE);
  key(app, SDLK_LEFT, KMOD_NONE); /* at 0 already: stays */
  ASSERT_NEAR(snap_num(app, "iteration"), 0, 0);
  ASSERT_NEAR(snap_mean(app, 0, 0), m0, 0);
  key(app, SDLK_RIGHT, KMOD_NONE);
  key(app, SDLK_RIGHT, KMOD_NONE);
  ASSERT_NEAR(snap_mean(app, 0, 0), m2, 0);

  /* Twenty steps: the log-likelihood never decreased along the way. */
  {
    double prev = -INFINITY;
    int bad = 0;
    for (i = 0; i < 20; i++) {
      double l;
      key(app, SDLK_SPACE, KMOD_NONE);
      l = snap_num(app, "loglik");
      if (l < prev - 1e-9 * fabs(prev)) bad++;
      prev = l;
    }
    ASSERT_INT_EQ(bad, 0);
    ASSERT_NEAR(snap_num(app, "iteration"), 22, 0);
  }

  /* R: back to iteration 0 with the same start. */
  key(app, SDLK_r, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "iteration"), 0, 0);
  ASSERT_NEAR(snap_mean(app, 0, 0), m0, 0);

  /* K up / down (+ and -), S new seed changes the start, Shift S goes back. */
  key(app, SDLK_EQUALS, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "k"), 4, 0);
  key(app, SDLK_MINUS, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "k"), 3, 0);
  key(app, SDLK_k, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "k"), 4, 0);
  key(app, SDLK_k, KMOD_LSHIFT);
  ASSERT_NEAR(snap_num(app, "k"), 3, 0);
  key(app, SDLK_s, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "seed"), 2, 0);
  ASSERT_TRUE(snap_mean(app, 0, 0) != m0);
  key(app, SDLK_s, KMOD_LSHIFT);
  ASSERT_NEAR(snap_mean(app, 0, 0), m0, 0);
  /* I: random init */
  key(app, SDLK_i, KMOD_NONE);
  o = snapshot(app);
  ASSERT_STR_EQ(cJSON_GetObjectItem(o, "init")->valuestring, "random");
  cJSON_Delete(o);
  key(app, SDLK_i, KMOD_NONE);
  o = snapshot(app);
  ASSERT_STR_EQ(cJSON_GetObjectItem(o, "init")->valuestring, "kmeans++");
  cJSON_Delete(o);

  /* Semi-supervised: three accuracies, the labelled count, start from labels. */
  ASSERT_INT_EQ(mx_app_view_set(app, "semi", "1", &err), MX_OK);
  ASSERT_INT_EQ(mx_app_view_set(app, "labelled", "30", &err), MX_OK);
  ASSERT_INT_EQ(mx_app_view_set(app, "iters", "25", &err), MX_OK);
  mx_app_frame(app, 1.0 / 60.0);
  o = snapshot(app);
  ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(o, "semi")));
  ASSERT_NEAR(jnum(o, "labelled"), 30, 0);
  ASSERT_STR_EQ(cJSON_GetObjectItem(o, "init")->valuestring, "labels");
  ASSERT_TRUE(jnum(o, "accuracy") > 0.5 && jnum(o, "accuracy") <= 1.0);
  ASSERT_TRUE(jnum(o, "accuracy_plain") > 0.3 && jnum(o, "accuracy_plain") <= 1.0);
  ASSERT_TRUE(jnum(o, "accuracy_supervised") > 0.3 && jnum(o, "accuracy_supervised") <= 1.0);
  ASSERT_NEAR(jnum(o, "iteration"), 25, 0);
  cJSON_Delete(o);
  key(app, SDLK_RIGHTBRACKET, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "labelled"), 31, 0);
  key(app, SDLK_LEFTBRACKET, KMOD_LSHIFT);
  ASSERT_NEAR(snap_num(app, "labelled"), 21, 0);
  /* K cannot go below the 3 classes in semi-supervised mode */
  ASSERT_INT_EQ(mx_app_view_set(app, "k", "2", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "needs k >= 3 classes");
  snprintf(png, sizeof png, "%s/gmm_semi.png", mx_test_scratch());
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_INT_EQ(mx_app_save_png(app, png, &err), MX_OK);
  png_stats(png, &frac, &ncol);
  ASSERT_TRUE(frac > 0.3);
  ASSERT_TRUE(ncol > 200);
  key(app, SDLK_u, KMOD_NONE); /* off again */
  ASSERT_TRUE(!cJSON_IsTrue(cJSON_GetObjectItem(o = snapshot(app), "semi")));
  cJSON_Delete(o);

  /* Bad options: errors naming the key, state unchanged. */
  ASSERT_INT_EQ(mx_app_view_set(app, "k", "99", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "k=99");
  ASSERT_INT_EQ(mx_app_view_set(app, "dataset", "spirals", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "dataset=spirals");
  ASSERT_INT_EQ(mx_app_view_set(app, "init", "kmeans", &err), MX_EINVAL);
  ASSERT_INT_EQ(mx_app_view_set(app, "semi", "yes", &err), MX_EINVAL);
  ASSERT_INT_EQ(mx_app_view_set(app, "colour", "red", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "unknown option 'colour'");
  snprintf(png, sizeof png, "%s/does-not-exist.csv", mx_test_scratch());
  ASSERT_INT_EQ(mx_app_view_set(app, "data", png, &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "does-not-exist.csv");
  ASSERT_NEAR(snap_num(app, "k"), 3, 0);
  ASSERT_NEAR(snap_num(app, "points_n"), 600, 0);

  /* A CSV file: data=FILE (2 columns + labels). */
  {
    char csv[1200];
    snprintf(csv, sizeof csv, "%s/tests/data/gmm_truth2d.csv", mx_test_srcdir());
    ASSERT_INT_EQ(mx_app_view_set(app, "data", csv, &err), MX_OK);
    ASSERT_NEAR(snap_num(app, "points_n"), 90, 0);
    ASSERT_INT_EQ(mx_app_view_set(app, "dataset", "blobs", &err), MX_OK);
  }

  /* Clicks: a left click in the plot adds a point, a right click on it removes it. */
  ASSERT_INT_EQ(mx_app_view_set(app, "dataset", "overlap", &err), MX_OK);
  key(app, SDLK_SPACE, KMOD_NONE);
  click(app, 300, 420, 1);
  ASSERT_NEAR(snap_num(app, "points_n"), 601, 0);
  ASSERT_NEAR(snap_num(app, "iteration"), 0, 0); /* history restarts from the current fit */
  click(app, 300, 420, 3);
  ASSERT_NEAR(snap_num(app, "points_n"), 600, 0);

  /* Scene round trip, including edited points. */
  click(app, 250, 300, 1);
  ASSERT_INT_EQ(mx_app_view_set(app, "iters", "4", &err), MX_OK);
  saved = snapshot(app);
  ASSERT_NEAR(jnum(saved, "points_n"), 601, 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "dataset", "blobs", &err), MX_OK);
  {
    cJSON *orig = gmmv()->save(mx_app_view_state(app, "gmm"), app);
    char *text;
    cJSON_Delete(orig);
    text = cJSON_PrintUnformatted(saved);
    orig = cJSON_Parse(text);
    cJSON_free(text);
    ASSERT_INT_EQ(gmmv()->load(mx_app_view_state(app, "gmm"), app, orig, &err), MX_OK);
    cJSON_Delete(orig);
  }
  ASSERT_NEAR(snap_num(app, "points_n"), 601, 0);
  ASSERT_NEAR(snap_num(app, "iteration"), 4, 0);
  ASSERT_NEAR(snap_num(app, "loglik"), jnum(saved, "loglik"), 0);
  /* a bad scene changes nothing */
  {
    cJSON *bad = cJSON_Parse("{\"k\": 0}");
    ASSERT_INT_EQ(gmmv()->load(mx_app_view_state(app, "gmm"), app, bad, &err), MX_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "\"k\"");
    cJSON_Delete(bad);
    bad = cJSON_Parse("{\"points\": [[1, 2, 0], [3, \"x\", 0]]}");
    ASSERT_INT_EQ(gmmv()->load(mx_app_view_state(app, "gmm"), app, bad, &err), MX_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "points[1]");
    cJSON_Delete(bad);
    ASSERT_NEAR(snap_num(app, "points_n"), 601, 0);
    ASSERT_NEAR(snap_num(app, "loglik"), jnum(saved, "loglik"), 0);
  }
  cJSON_Delete(saved);

  /* A frame renders: much of it differs from the background, with many colours. */
  snprintf(png, sizeof png, "%s/gmm.png", mx_test_scratch());
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_INT_EQ(mx_app_save_png(app, png, &err), MX_OK);
  png_stats(png, &frac, &ncol);
  ASSERT_TRUE(frac > 0.3);
  ASSERT_TRUE(ncol > 200);

  mx_app_destroy(app);
  TEST_MAIN_END();
}
