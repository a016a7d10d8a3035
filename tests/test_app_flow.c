/* Headless tests of the lecture flow (issue 14): the scene playlist, the scene
 * title on the status line, quitting, stepping back in the MoE view.
 *
 * Expected values are hand-derived from the rules: assets/scenes holds
 * 01..15 (ls assets/scenes), so --scene 03 then PageDown is 04; the bundled
 * sample is 5,000 train + 1,000 test = 6,000 digits (assets/mnist-sample/README.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_test.h"
#include "views/view_gmm.h" /* the GMM view's responsibilities (half-step test) */
#include "views/view_theta.h"

/* A headless app opened on a bundled scene, as `mixscope --scene FILE`. */
static mx_app *app_on_scene(const char *scene, const char *mnist_dir) {
  char path[1200];
  mx_app_options opt;
  mx_error err;
  mx_app *app;
  snprintf(path, sizeof path, "%s/assets/scenes/%s", mx_test_srcdir(), scene);
  memset(&opt, 0, sizeof opt);
  opt.scene = path;
  opt.mnist_dir = mnist_dir;
  opt.width = 1280;
  opt.height = 800;
  mx_error_clear(&err);
  app = mx_app_create_headless(&opt, &err);
  if (!app) fprintf(stderr, "headless app on %s: %s\n", scene, err.msg);
  return app;
}

/* Bug 1: --scene sets the playlist position. */
static void test_scene_sets_playlist_position(void) {
  mx_app *app = app_on_scene("03-theta-raw.json", mx_test_sample_dir());
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  ASSERT_STR_EQ(mx_app_scene_name(app), "03-theta-raw.json");
  mx_test_key(app, SDLK_PAGEDOWN, KMOD_NONE);
  ASSERT_STR_EQ(mx_app_scene_name(app), "04-theta-laplace.json");
  mx_test_key(app, SDLK_PAGEUP, KMOD_NONE);
  mx_test_key(app, SDLK_PAGEUP, KMOD_NONE);
  ASSERT_STR_EQ(mx_app_scene_name(app), "02-digits-binarized.json");
  mx_app_destroy(app);

  /* The README's command: from 01 the first PageDown goes to 02, not 01 again. */
  app = app_on_scene("01-digits.json", mx_test_sample_dir());
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  mx_test_key(app, SDLK_PAGEDOWN, KMOD_NONE);
  ASSERT_STR_EQ(mx_app_scene_name(app), "02-digits-binarized.json");
  mx_app_destroy(app);
}

/* Bug 5: the digits scene states the counts of the data in use. */
static void test_digits_title_counts(void) {
  mx_app *app = app_on_scene("01-digits.json", mx_test_sample_dir());
  char shown[640];
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  mx_app_frame(app, 1.0 / 60.0);
  mx_app_status_shown(app, shown, sizeof shown, NULL);
  ASSERT_TRUE(strstr(shown, "70,000") == NULL);
  ASSERT_STR_CONTAINS(shown, "6,000 real handwritten digits");
  mx_app_destroy(app);
}

/* Bug 8: Q quits at once when nothing changed; after a change it asks first
 * (Q again quits, Esc stays). */
static void test_quit_confirms_changes(void) {
  mx_app *app = app_on_scene("06-gmm-em.json", mx_test_sample_dir());
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  mx_test_key(app, SDLK_q, KMOD_NONE); /* nothing changed since the scene loaded */
  ASSERT_INT_EQ(mx_app_quit_requested(app), 1);
  mx_app_destroy(app);

  app = app_on_scene("06-gmm-em.json", mx_test_sample_dir());
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  mx_test_key(app, SDLK_SPACE, KMOD_NONE); /* one EM step: the state changed */
  mx_test_key(app, SDLK_q, KMOD_NONE);
  ASSERT_INT_EQ(mx_app_quit_requested(app), 0);
  ASSERT_STR_CONTAINS(mx_app_status_text(app), "Q again quits, Esc stays");
  mx_test_key(app, SDLK_ESCAPE, KMOD_NONE);
  ASSERT_INT_EQ(mx_app_quit_requested(app), 0);
  ASSERT_TRUE(strstr(mx_app_status_text(app), "Q again") == NULL);
  mx_test_key(app, SDLK_q, KMOD_LCTRL); /* Ctrl Q asks too */
  ASSERT_INT_EQ(mx_app_quit_requested(app), 0);
  mx_test_key(app, SDLK_q, KMOD_NONE);
  ASSERT_INT_EQ(mx_app_quit_requested(app), 1);
  mx_app_destroy(app);
}

/* Bug 9: Left steps back in the MoE view, as in GMM and BMM: after three EM
 * steps and one back, the view is at iteration 2 with the log-likelihood it
 * had at iteration 2; at iteration 0 Left changes nothing. */
static void test_moe_step_back(void) {
  mx_app *app = app_on_scene("11-moe.json", mx_test_sample_dir());
  double ll2, ll3;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  ASSERT_NEAR(mx_test_view_num(app, "moe", MX_TEST_AS_SAVED, "iters"), 0, 0);
  mx_test_key(app, SDLK_LEFT, KMOD_NONE);
  ASSERT_NEAR(mx_test_view_num(app, "moe", MX_TEST_AS_SAVED, "iters"), 0, 0);
  mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  ll2 = mx_test_view_num(app, "moe", MX_TEST_AS_SAVED, "loglik");
  mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  ll3 = mx_test_view_num(app, "moe", MX_TEST_AS_SAVED, "loglik");
  ASSERT_NEAR(mx_test_view_num(app, "moe", MX_TEST_AS_SAVED, "iters"), 3, 0);
  ASSERT_TRUE(ll3 > ll2); /* EM never lowers the log-likelihood: the step did something */
  mx_test_key(app, SDLK_LEFT, KMOD_NONE);
  ASSERT_NEAR(mx_test_view_num(app, "moe", MX_TEST_AS_SAVED, "iters"), 2, 0);
  ASSERT_NEAR(mx_test_view_num(app, "moe", MX_TEST_AS_SAVED, "loglik"), ll2, 0);
  /* the density network: Space is 50 Adam steps, Left takes 50 back */
  mx_test_key(app, SDLK_x, KMOD_NONE);
  mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  ASSERT_NEAR(mx_test_view_num(app, "moe", MX_TEST_AS_SAVED, "mdn_steps"), 100, 0);
  mx_test_key(app, SDLK_LEFT, KMOD_NONE);
  ASSERT_NEAR(mx_test_view_num(app, "moe", MX_TEST_AS_SAVED, "mdn_steps"), 50, 0);
  mx_app_destroy(app);
}

/* The string field key ("title", "note") of a bundled scene file, read with
 * cJSON (not through the app); "" if absent. */
static void scene_file_field(const char *scene, const char *key, char *out, size_t cap) {
  char path[1200], *text = NULL;
  FILE *f;
  long n;
  cJSON *root, *t;
  out[0] = '\0';
  snprintf(path, sizeof path, "%s/assets/scenes/%s", mx_test_srcdir(), scene);
  if (!(f = fopen(path, "rb"))) return;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  if (n > 0 && (text = calloc((size_t)n + 1, 1)) && fread(text, 1, (size_t)n, f) == (size_t)n &&
      (root = cJSON_Parse(text))) {
    t = cJSON_GetObjectItem(root, key);
    if (cJSON_IsString(t)) snprintf(out, cap, "%s", t->valuestring);
    cJSON_Delete(root);
  }
  free(text);
  fclose(f);
}

/* Bug 6 (part): "scene k/N · title" stays on the status line while the scene
 * is on (N = 15 files in assets/scenes), goes when another view is chosen, and
 * PageDown at the last scene says the playlist ended (the scene stays). */
static void test_scene_status_line(void) {
  mx_app *app = app_on_scene("03-theta-raw.json", mx_test_sample_dir());
  char shown[640], title[512], want[640];
  int i, is_error = 1;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  scene_file_field("03-theta-raw.json", "title", title, sizeof title);
  ASSERT_TRUE(title[0] != '\0');
  snprintf(want, sizeof want, "scene 3/15  \xc2\xb7  %s", title);
  for (i = 0; i < 30; i++) mx_app_frame(app, 1.0); /* 30 s, past the 12 s of a message */
  ASSERT_STR_EQ(mx_app_status_shown(app, shown, sizeof shown, &is_error), want);
  ASSERT_INT_EQ(is_error, 0);
  mx_test_key(app, SDLK_PAGEDOWN, KMOD_NONE);
  scene_file_field("04-theta-laplace.json", "title", title, sizeof title);
  snprintf(want, sizeof want, "scene 4/15  \xc2\xb7  %s", title);
  ASSERT_STR_EQ(mx_app_status_shown(app, shown, sizeof shown, NULL), want);
  mx_test_key(app, SDLK_TAB, KMOD_NONE); /* another view: no scene title there */
  ASSERT_STR_EQ(mx_app_status_shown(app, shown, sizeof shown, NULL), "");
  mx_test_key(app, SDLK_TAB, KMOD_LSHIFT);
  ASSERT_STR_EQ(mx_app_status_shown(app, shown, sizeof shown, NULL), "");
  mx_app_destroy(app);

  app = app_on_scene("15-gmm-select.json", mx_test_sample_dir());
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  mx_test_key(app, SDLK_PAGEDOWN, KMOD_NONE);
  ASSERT_STR_EQ(mx_app_scene_name(app), "15-gmm-select.json");
  ASSERT_STR_CONTAINS(mx_app_status_shown(app, shown, sizeof shown, NULL), "End of the playlist");
  mx_app_destroy(app);
}

/* Pixels that differ between two frames of the same size inside r. */
static int pixels_differing(const SDL_Surface *a, const SDL_Surface *b, mx_rect r) {
  int x, y, n = 0;
  for (y = r.y; y < r.y + r.h; y++)
    for (x = r.x; x < r.x + r.w; x++) {
      mx_color p = mx_test_pixel(a, x, y), q = mx_test_pixel(b, x, y);
      n += p.r != q.r || p.g != q.g || p.b != q.b;
    }
  return n;
}

/* Bug 4: B (decision boundaries) changes the plot in plain EM. At 1280x800 the
 * main plot spans x 22..886, y 102..716 (the frame in test_app_flow-b0.png);
 * the side panel with the "boundary" button starts at x 910, outside the region
 * compared. Three boundaries crossing the plot change well over 300 pixels. */
static void test_gmm_boundary_plain_em(void) {
  mx_app *app = app_on_scene("06-gmm-em.json", mx_test_sample_dir());
  SDL_Surface *off, *on;
  mx_rect plot = {30, 150, 850, 550};
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  ASSERT_INT_EQ(mx_test_view_true(app, "gmm", MX_TEST_AS_SAVED, "semi"), 0);
  mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  ASSERT_INT_EQ(mx_test_view_true(app, "gmm", MX_TEST_AS_SAVED, "boundary"), 0);
  off = mx_test_shot(app, "test_app_flow-b0.png");
  mx_test_key(app, SDLK_b, KMOD_NONE);
  ASSERT_INT_EQ(mx_test_view_true(app, "gmm", MX_TEST_AS_SAVED, "boundary"), 1);
  on = mx_test_shot(app, "test_app_flow-b1.png");
  ASSERT_TRUE(off != NULL && on != NULL);
  if (off && on) {
    int n = pixels_differing(off, on, plot);
    if (n <= 300) fprintf(stderr, "boundary toggle changed %d plot pixels\n", n);
    ASSERT_TRUE(n > 300);
  }
  if (off) SDL_FreeSurface(off);
  if (on) SDL_FreeSurface(on);
  mx_app_destroy(app);
}


/* The shown GMM's responsibilities (N, K) and means (K, 2), copied. */
static void gmm_state(mx_app *app, double *resp, double *means, size_t *n, int *K) {
  gmm_view *v = mx_app_view_state(app, "gmm");
  gv_run *r = &v->run[RUN_MAIN];
  *n = v->pts.n;
  *K = r->g->K;
  memcpy(resp, r->w->resp, *n * (size_t)*K * sizeof *resp);
  memcpy(means, r->g->means, (size_t)*K * 2 * sizeof *means);
}

static double max_abs_diff(const double *a, const double *b, size_t n) {
  double d = 0.0;
  size_t i;
  for (i = 0; i < n; i++) d = fmax(d, fabs(a[i] - b[i]));
  return d;
}

/* EM in half-steps (issue 14): in scene 06, after two full iterations, "."
 * does the M half: the means equal those of a third full iteration (a second
 * app pressing Space three times) and the responsibilities stay those of
 * iteration 2; "." again does the E half: the responsibilities equal the full
 * iteration's and the means do not move. The M half moves the means (the
 * test would pass vacuously otherwise) and colours change on the E half. */
static void test_gmm_half_steps(void) {
  mx_app *a = app_on_scene("06-gmm-em.json", mx_test_sample_dir());
  mx_app *b = app_on_scene("06-gmm-em.json", mx_test_sample_dir());
  static double r2[GV_MAXN * GV_MAXK], r3[GV_MAXN * GV_MAXK], rh[GV_MAXN * GV_MAXK];
  double m2[2 * GV_MAXK], m3[2 * GV_MAXK], mh[2 * GV_MAXK];
  size_t n, nb;
  int K, Kb;
  ASSERT_TRUE(a != NULL && b != NULL);
  if (!a || !b) return;
  mx_test_key(a, SDLK_SPACE, KMOD_NONE);
  mx_test_key(a, SDLK_SPACE, KMOD_NONE);
  gmm_state(a, r2, m2, &n, &K);
  mx_test_key(b, SDLK_SPACE, KMOD_NONE);
  mx_test_key(b, SDLK_SPACE, KMOD_NONE);
  mx_test_key(b, SDLK_SPACE, KMOD_NONE);
  gmm_state(b, r3, m3, &nb, &Kb);
  ASSERT_INT_EQ((int)nb, (int)n);
  ASSERT_INT_EQ(Kb, K);
  ASSERT_TRUE(max_abs_diff(m2, m3, 2 * (size_t)K) > 1e-3); /* iteration 3 moves the means */
  ASSERT_TRUE(max_abs_diff(r2, r3, n * (size_t)K) > 1e-3);

  mx_test_key(a, SDLK_PERIOD, KMOD_NONE); /* M half-step */
  gmm_state(a, rh, mh, &n, &K);
  ASSERT_NEAR(max_abs_diff(mh, m3, 2 * (size_t)K), 0, 1e-12);
  ASSERT_NEAR(max_abs_diff(rh, r2, n * (size_t)K), 0, 1e-12);
  ASSERT_NEAR(mx_test_view_num(a, "gmm", MX_TEST_AS_SAVED, "iteration"), 3, 0);
  ASSERT_INT_EQ(mx_test_view_true(a, "gmm", MX_TEST_AS_SAVED, "half_step"), 1);
  {
    SDL_Surface *shot = mx_test_shot(a, "test_app_flow-half.png"); /* dashed ghosts: look */
    if (shot) SDL_FreeSurface(shot);
  }

  mx_test_key(a, SDLK_PERIOD, KMOD_NONE); /* E half-step */
  gmm_state(a, rh, mh, &n, &K);
  ASSERT_NEAR(max_abs_diff(rh, r3, n * (size_t)K), 0, 1e-12);
  ASSERT_NEAR(max_abs_diff(mh, m3, 2 * (size_t)K), 0, 1e-12);
  ASSERT_INT_EQ(mx_test_view_true(a, "gmm", MX_TEST_AS_SAVED, "half_step"), 0);
  ASSERT_NEAR(mx_test_view_num(a, "gmm", MX_TEST_AS_SAVED, "loglik"),
              mx_test_view_num(b, "gmm", MX_TEST_AS_SAVED, "loglik"), 0);

  /* M half then Space: Space completes the iteration (no second M-step) */
  mx_test_key(a, SDLK_PERIOD, KMOD_NONE);
  mx_test_key(a, SDLK_SPACE, KMOD_NONE);
  ASSERT_NEAR(mx_test_view_num(a, "gmm", MX_TEST_AS_SAVED, "iteration"), 4, 0);
  ASSERT_INT_EQ(mx_test_view_true(a, "gmm", MX_TEST_AS_SAVED, "half_step"), 0);
  /* M half then Left: back to iteration 3, whole */
  mx_test_key(a, SDLK_PERIOD, KMOD_NONE);
  mx_test_key(a, SDLK_LEFT, KMOD_NONE);
  gmm_state(a, rh, mh, &n, &K);
  ASSERT_NEAR(mx_test_view_num(a, "gmm", MX_TEST_AS_SAVED, "iteration"), 4, 0);
  ASSERT_INT_EQ(mx_test_view_true(a, "gmm", MX_TEST_AS_SAVED, "half_step"), 0);
  mx_app_destroy(a);
  mx_app_destroy(b);
}

/* Bug 10: the prior's test NLL is coloured by whether the last change made it
 * better or worse. From Laplace (a = 1, scene 04) to a = 1000, 1000 pseudo-
 * digits of each kind against 5,000 training digits pull θ towards 1/2: on
 * the sample the test NLL rises from 201.07 to 268.53 nats per digit
 * (`mixscope theta --alpha A --beta A` on assets/mnist-sample): worse (+1).
 * Back to a = 1: better (-1). No change yet: neutral (0). */
static void test_theta_nll_trend(void) {
  mx_app *app = app_on_scene("04-theta-laplace.json", mx_test_sample_dir());
  mx_theta_info in;
  double lap;
  mx_error err;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_INT_EQ(mx_theta_view_info(mx_app_view_state(app, "theta"), &in), 0);
  ASSERT_INT_EQ(in.fit_trend, 0);
  lap = in.fit_nll;
  mx_error_clear(&err);
  ASSERT_INT_EQ(mx_app_view_set(app, "prior", "1000", &err), 0);
  mx_app_frame(app, 1.0 / 60.0);
  mx_theta_view_info(mx_app_view_state(app, "theta"), &in);
  ASSERT_TRUE(in.fit_nll > lap + 50.0);
  ASSERT_INT_EQ(in.fit_trend, 1);
  mx_test_key(app, SDLK_1, KMOD_NONE); /* Laplace again */
  mx_theta_view_info(mx_app_view_state(app, "theta"), &in);
  ASSERT_NEAR(in.fit_nll, lap, 1e-9);
  ASSERT_INT_EQ(in.fit_trend, -1);
  mx_app_destroy(app);
}

/* Bug 10: the GMM panel title names what is drawn: "density" goes with V,
 * "boundaries" comes with B (scene 06: density and ellipses on, boundary off). */
static void test_gmm_title_follows_toggles(void) {
  mx_app *app = app_on_scene("06-gmm-em.json", mx_test_sample_dir());
  gmm_view *v;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  v = mx_app_view_state(app, "gmm");
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_STR_CONTAINS(v->title, "density");
  ASSERT_TRUE(strstr(v->title, "boundar") == NULL);
  mx_test_key(app, SDLK_v, KMOD_NONE);
  ASSERT_TRUE(strstr(v->title, "density") == NULL);
  ASSERT_STR_CONTAINS(v->title, "ellipses");
  mx_test_key(app, SDLK_b, KMOD_NONE);
  ASSERT_STR_CONTAINS(v->title, "boundaries");
  mx_test_key(app, SDLK_e, KMOD_NONE);
  ASSERT_TRUE(strstr(v->title, "ellipses") == NULL);
  mx_app_destroy(app);
}

/* Bug 10: the derivation card (E) closes on Undo (U), Reset (R) and Play (Enter). */
static void test_posterior_card_closes(void) {
  static const SDL_Keycode closers[3] = {SDLK_LEFT, SDLK_r, SDLK_RETURN};
  mx_app *app = app_on_scene("08-posterior.json", mx_test_sample_dir());
  int i;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  for (i = 0; i < 3; i++) {
    mx_test_key(app, SDLK_SPACE, KMOD_NONE); /* a point, so that Undo has one to take */
    if (!mx_test_view_true(app, "posterior", MX_TEST_AS_SAVED, "derivation"))
      mx_test_key(app, SDLK_e, KMOD_NONE);
    ASSERT_INT_EQ(mx_test_view_true(app, "posterior", MX_TEST_AS_SAVED, "derivation"), 1);
    mx_test_key(app, closers[i], KMOD_NONE);
    ASSERT_INT_EQ(mx_test_view_true(app, "posterior", MX_TEST_AS_SAVED, "derivation"), 0);
  }
  mx_app_destroy(app);
}

static int rects_meet(mx_rect a, mx_rect b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* Bug 7: tooltips. In scene 04 the mouse rests on the bottom row of the
 * prior's θ map, where a pixel's counts show as a tooltip; the test NLL line
 * ("test NLL 206.23 nats / digit", font LARGE) is 8 px under the map. The
 * tooltip is not up at once, is up after 0.4 s (24 frames of 1/60 s), never
 * meets the NLL line (the band from 8 px under the map, 40 px tall: the line
 * is 27 px at scale 1), goes on a key press, comes back 0.4 s after the mouse
 * moves, and is gone after its 10 s. */
static void test_tooltips(void) {
  mx_app *app = app_on_scene("04-theta-laplace.json", mx_test_sample_dir());
  mx_theta_info in;
  mx_rect box, nll;
  SDL_Event e;
  int i, mx, my;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  mx_app_frame(app, 1.0 / 60.0);
  mx_theta_view_info(mx_app_view_state(app, "theta"), &in);
  mx = in.map_fit.x + in.map_fit.w / 2;
  my = in.map_fit.y + in.map_fit.h - 3;
  nll = (mx_rect){0, in.map_fit.y + in.map_fit.h + 8, 4000, 40};
  mx_test_mouse(app, SDL_MOUSEMOTION, mx, my);
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_INT_EQ(mx_ui_tooltip_shown(mx_app_ui(app), NULL), 0);
  for (i = 0; i < 12; i++) mx_app_frame(app, 1.0 / 60.0); /* 0.22 s */
  ASSERT_INT_EQ(mx_ui_tooltip_shown(mx_app_ui(app), NULL), 0);
  for (i = 0; i < 12; i++) mx_app_frame(app, 1.0 / 60.0); /* 0.42 s */
  ASSERT_INT_EQ(mx_ui_tooltip_shown(mx_app_ui(app), &box), 1);
  ASSERT_TRUE(!rects_meet(box, nll));
  /* a key the view ignores hides it */
  mx_test_key(app, SDLK_F5, KMOD_NONE);
  ASSERT_INT_EQ(mx_ui_tooltip_shown(mx_app_ui(app), NULL), 0);
  for (i = 0; i < 60; i++) mx_app_frame(app, 1.0 / 60.0);
  ASSERT_INT_EQ(mx_ui_tooltip_shown(mx_app_ui(app), NULL), 0);
  /* the mouse moves (one pixel): back after the delay */
  mx_test_mouse_event(&e, SDL_MOUSEMOTION, mx + 1, my, 0);
  mx_app_handle_event(app, &e);
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_INT_EQ(mx_ui_tooltip_shown(mx_app_ui(app), NULL), 0);
  for (i = 0; i < 25; i++) mx_app_frame(app, 1.0 / 60.0);
  ASSERT_INT_EQ(mx_ui_tooltip_shown(mx_app_ui(app), NULL), 1);
  for (i = 0; i < 10; i++) mx_app_frame(app, 1.0); /* past its 10 s */
  ASSERT_INT_EQ(mx_ui_tooltip_shown(mx_app_ui(app), NULL), 0);
  mx_app_destroy(app);
}

/* Scene notes as captions: off at start; W shows the scene's "note" (read
 * from the file here) under the view and the strip changes pixels there; the
 * caption follows PageDown to the next scene's note, is not shown on another
 * tab, and W hides it again. */
static void test_scene_note_caption(void) {
  mx_app *app = app_on_scene("06-gmm-em.json", mx_test_sample_dir());
  char note[512];
  SDL_Surface *off, *on;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  scene_file_field("06-gmm-em.json", "note", note, sizeof note);
  ASSERT_TRUE(note[0] != '\0');
  ASSERT_STR_EQ(mx_app_caption_shown(app), "");
  off = mx_test_shot(app, "test_app_flow-cap0.png");
  mx_test_key(app, SDLK_w, KMOD_NONE);
  ASSERT_STR_EQ(mx_app_caption_shown(app), note);
  on = mx_test_shot(app, "test_app_flow-cap1.png");
  if (off && on) {
    /* a strip at least one line tall just above the key legend (y < 740 at 1280x800) */
    int n = pixels_differing(off, on, (mx_rect){0, 690, 1280, 40});
    ASSERT_TRUE(n > 5000);
  }
  if (off) SDL_FreeSurface(off);
  if (on) SDL_FreeSurface(on);
  mx_test_key(app, SDLK_PAGEDOWN, KMOD_NONE);
  scene_file_field("07-gmm-semi.json", "note", note, sizeof note);
  ASSERT_STR_EQ(mx_app_caption_shown(app), note);
  mx_test_key(app, SDLK_TAB, KMOD_NONE);
  ASSERT_STR_EQ(mx_app_caption_shown(app), "");
  mx_test_key(app, SDLK_TAB, KMOD_LSHIFT);
  mx_test_key(app, SDLK_w, KMOD_NONE);
  ASSERT_STR_EQ(mx_app_caption_shown(app), "");
  mx_app_destroy(app);
}

/* One key map: README.md's key table ("| key | what it does | views |") is
 * mx_keymap row for row, in order ("*" written "everywhere", view names
 * separated by ", "), and nothing more. */
static void test_readme_key_table(void) {
  char path[1200], line[1024], want[1024], views[256];
  FILE *f;
  int i = 0, in_table = 0, extra = 0;
  snprintf(path, sizeof path, "%s/README.md", mx_test_srcdir());
  f = fopen(path, "r");
  ASSERT_TRUE(f != NULL);
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    if (!in_table) {
      in_table = !strcmp(line, "| key | what it does | views |");
      if (in_table && fgets(line, sizeof line, f)) {} /* the |---| row */
      continue;
    }
    if (line[0] != '|') break;
    if (!mx_keymap[i].key) {
      extra++;
      continue;
    }
    if (!strcmp(mx_keymap[i].views, "*")) {
      snprintf(views, sizeof views, "everywhere");
    } else {
      size_t j, n = 0;
      for (j = 0; mx_keymap[i].views[j] && n + 3 < sizeof views; j++) {
        if (mx_keymap[i].views[j] == ' ') views[n++] = ',';
        views[n++] = mx_keymap[i].views[j];
      }
      views[n] = '\0';
    }
    snprintf(want, sizeof want, "| %s | %s | %s |", mx_keymap[i].key, mx_keymap[i].what, views);
    if (strcmp(line, want)) fprintf(stderr, "README key table row %d: want\n  %s\n", i + 1, want);
    ASSERT_STR_EQ(line, want);
    i++;
  }
  fclose(f);
  ASSERT_INT_EQ(in_table, 1);
  ASSERT_TRUE(mx_keymap[i].key == NULL); /* every row of the key map is in the README */
  ASSERT_INT_EQ(extra, 0);
}

/* The run-speed slider's arithmetic: at 5 iterations a second, 60 frames of
 * 1/60 s are due 5 steps in all (one every 12 frames); at 60 a second, one a
 * frame; past the top, "as fast as possible" (-1); a 1 s stall at 60 a second
 * is due at most 8, not 60. The GMM view takes rate=1..60|max (saved 0 for
 * max) and refuses 0 and 61. */
static void test_run_speed(void) {
  double clock = 0.0, rate;
  int i, n = 0, most = 0;
  mx_app *app;
  mx_error err;
  for (i = 0; i < 60; i++) {
    int d = mx_view_rate_due(5.0, &clock, 1.0 / 60.0);
    n += d;
    most = d > most ? d : most;
  }
  ASSERT_INT_EQ(n, 5);
  ASSERT_INT_EQ(most, 1);
  clock = 0.0;
  for (i = 0, n = 0; i < 60; i++) n += mx_view_rate_due(60.0, &clock, 1.0 / 60.0);
  ASSERT_TRUE(n >= 59 && n <= 60); /* 60 x (1/60 x 60) in floating point */
  ASSERT_INT_EQ(mx_view_rate_due(MX_RATE_TOP, &clock, 1.0 / 60.0), -1);
  clock = 0.0;
  ASSERT_INT_EQ(mx_view_rate_due(60.0, &clock, 1.0), 8);
  ASSERT_INT_EQ(mx_view_rate_parse("max", &rate), 0);
  ASSERT_TRUE(rate > MX_RATE_MAX);
  ASSERT_INT_EQ(mx_view_rate_parse("0", &rate), -1);
  ASSERT_INT_EQ(mx_view_rate_parse("61", &rate), -1);

  app = app_on_scene("06-gmm-em.json", mx_test_sample_dir());
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  ASSERT_TRUE(isnan(mx_test_view_num(app, "gmm", MX_TEST_AS_SAVED, "rate"))); /* default: not saved */
  mx_error_clear(&err);
  ASSERT_INT_EQ(mx_app_view_set(app, "rate", "max", &err), 0);
  ASSERT_NEAR(mx_test_view_num(app, "gmm", MX_TEST_AS_SAVED, "rate"), 0, 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "rate", "30", &err), 0);
  ASSERT_NEAR(mx_test_view_num(app, "gmm", MX_TEST_AS_SAVED, "rate"), 30, 0);
  ASSERT_TRUE(mx_app_view_set(app, "rate", "0", &err) != 0);
  ASSERT_STR_CONTAINS(err.msg, "rate=0");
  mx_app_destroy(app);
}

/* log p(x) of every point under the "params" of a saved GMM state (REPRINTED:
 * exact numbers), by the 2-D Gaussian density written out here:
 * log sum_k w_k exp(-q/2) / (2 pi sqrt(det S)), q the Mahalanobis form with
 * S^-1 = (s11, -s01; -s01, s00) / det. */
static double loglik_by_hand(const cJSON *params, const double *x, size_t n) {
  const cJSON *w = cJSON_GetObjectItem(params, "weights"), *m = cJSON_GetObjectItem(params, "means"),
              *c = cJSON_GetObjectItem(params, "covariances");
  int K = cJSON_GetArraySize(w), k;
  size_t i;
  double total = 0.0;
  for (i = 0; i < n; i++) {
    double p = 0.0;
    for (k = 0; k < K; k++) {
      const cJSON *mk = cJSON_GetArrayItem(m, k), *ck = cJSON_GetArrayItem(c, k);
      double mx = cJSON_GetArrayItem(mk, 0)->valuedouble, my = cJSON_GetArrayItem(mk, 1)->valuedouble;
      double s00 = cJSON_GetArrayItem(cJSON_GetArrayItem(ck, 0), 0)->valuedouble;
      double s01 = cJSON_GetArrayItem(cJSON_GetArrayItem(ck, 0), 1)->valuedouble;
      double s11 = cJSON_GetArrayItem(cJSON_GetArrayItem(ck, 1), 1)->valuedouble;
      double det = s00 * s11 - s01 * s01, dx = x[2 * i] - mx, dy = x[2 * i + 1] - my;
      double q = (s11 * dx * dx - 2.0 * s01 * dx * dy + s00 * dy * dy) / det;
      p += cJSON_GetArrayItem(w, k)->valuedouble * exp(-0.5 * q) / (2.0 * GV_PI * sqrt(det));
    }
    total += log(p);
  }
  return total;
}

/* Issue 14: semi-supervised and plain EM on the same terms. In scene 07 after
 * four steps, the curve's value for the semi-supervised run is log p(x) of all
 * 600 points with the labels ignored (computed here from its saved parameters),
 * not its own objective log p(x, known labels) (the saved "loglik", which is
 * lower: a labelled point's term is one component's share of p(x)); the plain
 * run's value is its own log-likelihood. */
static void test_semi_vs_plain_same_terms(void) {
  mx_app *app = app_on_scene("07-gmm-semi.json", mx_test_sample_dir());
  gmm_view *v;
  cJSON *st;
  double want;
  int i;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  for (i = 0; i < 4; i++) mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  v = mx_app_view_state(app, "gmm");
  ASSERT_INT_EQ(v->semi, 1);
  st = mx_test_view_json(app, "gmm", MX_TEST_REPRINTED);
  want = loglik_by_hand(cJSON_GetObjectItem(st, "params"), v->pts.x, v->pts.n);
  ASSERT_NEAR(v->run[RUN_MAIN].llx[v->run[RUN_MAIN].cur], want, 1e-8 * fabs(want));
  ASSERT_TRUE(mx_test_json_num(st, "loglik") < want - 1.0);
  ASSERT_NEAR(v->run[RUN_PLAIN].llx[v->run[RUN_PLAIN].cur], v->run[RUN_PLAIN].ll[v->run[RUN_PLAIN].cur],
              0);
  cJSON_Delete(st);
  mx_app_destroy(app);
}

/* sRGB (0..255) to CIE L*a*b* (D65), the textbook formulas, written out here. */
static void srgb_to_lab(mx_color c, double lab[3]) {
  double rgb[3] = {c.r / 255.0, c.g / 255.0, c.b / 255.0}, X, Y, Z, fx, fy, fz;
  int i;
  for (i = 0; i < 3; i++)
    rgb[i] = rgb[i] <= 0.04045 ? rgb[i] / 12.92 : pow((rgb[i] + 0.055) / 1.055, 2.4);
  X = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047;
  Y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  Z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883;
  fx = X > 0.008856 ? cbrt(X) : 7.787 * X + 16.0 / 116.0;
  fy = Y > 0.008856 ? cbrt(Y) : 7.787 * Y + 16.0 / 116.0;
  fz = Z > 0.008856 ? cbrt(Z) : 7.787 * Z + 16.0 / 116.0;
  lab[0] = 116.0 * fy - 16.0;
  lab[1] = 500.0 * (fx - fy);
  lab[2] = 200.0 * (fy - fz);
}

static double delta_e(mx_color a, mx_color b) {
  double p[3], q[3];
  srgb_to_lab(a, p);
  srgb_to_lab(b, q);
  return sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) +
              (p[2] - q[2]) * (p[2] - q[2]));
}

/* Ten classes, ten colours: every theme (dark, dark high contrast, light high
 * contrast, light) has at least 10 component colours, every two at CIE76
 * distance >= 25 and each >= 45 from the background. By python3 with the same
 * formulas: closest 26.4 (dark and its high contrast: sky blue / blue of
 * Okabe-Ito; light and its high contrast: ochre / olive, sky blue / blue 33.0),
 * from the background 50.9 dark, 61.9 dark high contrast, 46.1 light, 49.6
 * light high contrast. C in the light theme gives its high-contrast variant:
 * text on background 91.9 -> 100.0 apart. */
static void test_ten_class_colours(void) {
  mx_app *app = app_on_scene("05-naive-bayes.json", mx_test_sample_dir());
  int pass, i, j;
  double text_bg[4];
  ASSERT_TRUE(MX_NCOMP_COLORS >= 10);
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  for (pass = 0; pass < 4; pass++) {
    const mx_theme *th = mx_ui_theme(mx_app_ui(app));
    double closest = 1e9, bg = 1e9;
    for (i = 0; i < MX_NCOMP_COLORS; i++) {
      bg = fmin(bg, delta_e(th->comp[i], th->bg));
      for (j = i + 1; j < MX_NCOMP_COLORS; j++) closest = fmin(closest, delta_e(th->comp[i], th->comp[j]));
    }
    if (closest < 25.0 || bg < 45.0) fprintf(stderr, "theme %d: closest %.2f, from bg %.2f\n", pass, closest, bg);
    ASSERT_TRUE(closest >= 25.0);
    ASSERT_TRUE(bg >= 45.0);
    text_bg[pass] = delta_e(th->text, th->bg);
    /* C: dark -> dark high contrast; F3: light (high contrast still on); C: light */
    mx_test_key(app, pass == 1 ? SDLK_F3 : SDLK_c, KMOD_NONE);
  }
  ASSERT_TRUE(text_bg[2] > text_bg[3] + 5.0); /* C changed the light theme */
  ASSERT_INT_EQ(mx_ui_theme_id(mx_app_ui(app)), MX_THEME_LIGHT);
  mx_app_destroy(app);
}

int main(void) {
  test_scene_sets_playlist_position();
  test_digits_title_counts();
  test_quit_confirms_changes();
  test_moe_step_back();
  test_scene_status_line();
  test_gmm_boundary_plain_em();
  test_gmm_half_steps();
  test_theta_nll_trend();
  test_gmm_title_follows_toggles();
  test_posterior_card_closes();
  test_tooltips();
  test_scene_note_caption();
  test_readme_key_table();
  test_run_speed();
  test_semi_vs_plain_same_terms();
  test_ten_class_colours();
  TEST_MAIN_END();
}
