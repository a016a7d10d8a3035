/* Headless tests of the θ view on the bundled sample: every key in the view's
 * list changes the state it documents; a click on the digit picker selects that
 * digit; `set`, save and load; and the rendered frame shows the numbers.
 * Expected numbers come from tests/ref/theta_view_ref.py (numpy, output in
 * theta_view_ref.out) and, for the heatmap colours, from counts made in this
 * file straight from the pixels — never from the view or core/bernoulli. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_test.h"
#include "views/view_theta.h"

static mx_app *app;
static void *st;

/* tests/ref/theta_view_ref.out (threshold 0.5 unless noted) */
#define REF_RAW_THETA0 154
#define REF_RAW_INF 3
static const long ref_impossible[REF_RAW_INF] = {97, 149, 483};
#define REF_LAPLACE_NLL 201.0689706733331
#define REF_BETA22_NLL 201.11208595228317
#define REF_DIGIT0_RAW_LL (-178.24733658884722)
#define REF_DIGIT0_LAP_LL (-178.32393476911096)
#define REF_NB_ACC 0.807
#define REF_LAPLACE_NLL_055 195.83614089590208

static void key(SDL_Keycode k) { mx_test_key(app, k, KMOD_NONE); }

/* A framed left click at (x, y), then the mouse away (so no hover effects linger). */
static void click(int x, int y) {
  mx_test_click_framed(app, x, y, SDL_BUTTON_LEFT);
  mx_test_mouse(app, SDL_MOUSEMOTION, 2, 2);
  mx_app_frame(app, 1.0 / 60.0);
}

static mx_theta_info info(void) {
  mx_theta_info in;
  memset(&in, 0, sizeof in);
  ASSERT_INT_EQ(mx_theta_view_info(st, &in), 0);
  return in;
}

static int same_rgb(mx_color a, mx_color b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

/* Lit count of pixel j over the sample's training digits, counted here. */
static size_t lit_count(const mx_images *im, size_t j, double thr) {
  size_t i, n = 0;
  for (i = 0; i < im->n; i++) n += (double)im->pix[i * im->d + j] / 255.0 > thr;
  return n;
}

/* Centre of heatmap cell (row, col) of a 28x28 map drawn in r. */
static void cell_centre(mx_rect r, int row, int col, int *x, int *y) {
  *x = r.x + (2 * col + 1) * r.w / 56;
  *y = r.y + (2 * row + 1) * r.h / 56;
}

int main(void) {
  mx_error err;
  mx_theta_info in;
  const mx_mnist *m;
  const mx_view *v;
  int vi = -1, k;

  app = mx_test_app(NULL, mx_test_sample_dir(), 1280, 800, &err);
  ASSERT_TRUE(app != NULL);
  if (!app) TEST_MAIN_END();
  ASSERT_INT_EQ(mx_app_set_view(app, "theta", &err), 0);
  v = mx_view_find("theta", &vi);
  ASSERT_TRUE(v != NULL && vi == mx_app_view_index(app));
  st = mx_app_view_state(app, "theta");
  ASSERT_TRUE(st != NULL);
  if (!st || !v) TEST_MAIN_END();
  m = mx_app_mnist(app, NULL);
  ASSERT_TRUE(m && m->train.n == 5000 && m->test.n == 1000);
  mx_app_frame(app, 1.0 / 60.0);

  /* Every key in the help list has a description. */
  {
    mx_keyhelp kh[64]; /* the view's rows of the one key map */
    mx_keymap_view("theta", kh, 64);
    for (k = 0; kh[k].key; k++) ASSERT_TRUE(kh[k].what && *kh[k].what);
    ASSERT_TRUE(k >= 9);
  }

  /* Start: Laplace, mean, threshold 0.5, θ maps, on the first digit raw θ
   * calls impossible. Raw: 154 zero pixels, 3 impossible digits, NLL inf,
   * the notes' formula nan; Laplace: finite, numpy's value. */
  in = info();
  ASSERT_NEAR(in.prior, 1.0, 0);
  ASSERT_INT_EQ(in.map, 0);
  ASSERT_NEAR(in.threshold, 0.5, 0);
  ASSERT_INT_EQ(in.panel, 0);
  ASSERT_INT_EQ(in.digit, ref_impossible[0]);
  ASSERT_INT_EQ(in.raw_theta0, REF_RAW_THETA0);
  ASSERT_INT_EQ(in.raw_inf, REF_RAW_INF);
  ASSERT_TRUE(isinf(in.raw_nll) && in.raw_nll > 0);
  ASSERT_TRUE(isnan(in.raw_notes));
  ASSERT_NEAR(in.fit_nll, REF_LAPLACE_NLL, 1e-9);
  ASSERT_INT_EQ(in.fit_inf, 0);
  ASSERT_TRUE(isinf(in.digit_raw_ll) && in.digit_raw_ll < 0);
  ASSERT_TRUE(isfinite(in.digit_fit_ll));

  /* Digits: Home, Right, Shift+Right, Left, End; J and Shift+J through the impossible ones. */
  key(SDLK_HOME);
  in = info();
  ASSERT_INT_EQ(in.digit, 0);
  ASSERT_NEAR(in.digit_raw_ll, REF_DIGIT0_RAW_LL, 1e-9);
  ASSERT_NEAR(in.digit_fit_ll, REF_DIGIT0_LAP_LL, 1e-9);
  key(SDLK_RIGHT);
  ASSERT_INT_EQ(info().digit, 1);
  mx_test_key(app, SDLK_RIGHT, KMOD_LSHIFT);
  ASSERT_INT_EQ(info().digit, 11);
  key(SDLK_LEFT);
  ASSERT_INT_EQ(info().digit, 10);
  key(SDLK_END);
  ASSERT_INT_EQ(info().digit, 999);
  key(SDLK_RIGHT); /* clamps */
  ASSERT_INT_EQ(info().digit, 999);
  key(SDLK_j); /* wraps around to the first */
  ASSERT_INT_EQ(info().digit, ref_impossible[0]);
  key(SDLK_j);
  ASSERT_INT_EQ(info().digit, ref_impossible[1]);
  key(SDLK_j);
  ASSERT_INT_EQ(info().digit, ref_impossible[2]);
  mx_test_key(app, SDLK_j, KMOD_LSHIFT);
  ASSERT_INT_EQ(info().digit, ref_impossible[1]);

  /* Prior: 0 (raw on both sides), 1 (Laplace), Up / Down along the ladder. */
  key(SDLK_0);
  in = info();
  ASSERT_NEAR(in.prior, 0, 0);
  ASSERT_TRUE(isinf(in.fit_nll) && isnan(in.fit_notes));
  ASSERT_INT_EQ(in.fit_inf, REF_RAW_INF);
  key(SDLK_1);
  ASSERT_NEAR(info().fit_nll, REF_LAPLACE_NLL, 1e-9);
  key(SDLK_UP);
  in = info();
  ASSERT_NEAR(in.prior, 2, 0);
  ASSERT_NEAR(in.fit_nll, REF_BETA22_NLL, 1e-9);
  key(SDLK_DOWN);
  key(SDLK_DOWN);
  ASSERT_NEAR(info().prior, 0.5, 0);
  key(SDLK_UP);
  ASSERT_NEAR(info().prior, 1, 0);

  /* E: posterior mode. With a = b = 2 the mode is (n1+1)/(n+2): Laplace's mean. */
  key(SDLK_e);
  ASSERT_INT_EQ(info().map, 1);
  key(SDLK_UP);
  in = info();
  ASSERT_NEAR(in.prior, 2, 0);
  ASSERT_NEAR(in.fit_nll, REF_LAPLACE_NLL, 1e-9);
  key(SDLK_e);
  key(SDLK_DOWN);
  ASSERT_INT_EQ(info().map, 0);

  /* [ ] move the threshold and recount. */
  key(SDLK_RIGHTBRACKET);
  in = info();
  ASSERT_NEAR(in.threshold, 0.55, 0);
  ASSERT_NEAR(in.fit_nll, REF_LAPLACE_NLL_055, 1e-9);
  key(SDLK_LEFTBRACKET);
  ASSERT_NEAR(info().threshold, 0.5, 0);
  ASSERT_NEAR(info().fit_nll, REF_LAPLACE_NLL, 1e-9);

  /* X: the naive Bayes panel fits per-class θ; numpy's accuracy. */
  ASSERT_INT_EQ(info().nb_ok, 0);
  key(SDLK_x);
  in = info();
  ASSERT_INT_EQ(in.panel, 1);
  ASSERT_INT_EQ(in.nb_ok, 1);
  ASSERT_NEAR(in.nb_accuracy, REF_NB_ACC, 1e-12);
  {
    SDL_Surface *s = mx_test_shot(app, "theta-nb.png");
    ASSERT_TRUE(s != NULL);
    SDL_FreeSurface(s);
  }
  key(SDLK_x);
  ASSERT_INT_EQ(info().panel, 0);

  /* Clicking a digit in the picker selects it. */
  key(SDLK_HOME);
  in = info();
  ASSERT_TRUE(in.nthumb == MX_THETA_STRIP);
  ASSERT_INT_EQ(in.thumb_idx[0], 0);
  if (in.nthumb >= 7) {
    click(in.thumb[6].x + in.thumb[6].w / 2, in.thumb[6].y + in.thumb[6].h / 2);
    ASSERT_INT_EQ(info().digit, in.thumb_idx[6]);
    ASSERT_INT_EQ(info().digit, 6);
  }

  /* The frame: not blank; the raw map's corner pixel (never lit: θ = 0) is
   * drawn in the theme's red; the Laplace map's centre pixel has the viridis
   * colour of (n1 + 1) / (n + 2) with n1 counted here. */
  key(SDLK_1);
  in = info();
  {
    SDL_Surface *s = mx_test_shot(app, "theta.png");
    ASSERT_TRUE(s != NULL);
    if (s) {
      int x, y, distinct = 0;
      mx_color first = mx_test_pixel(s, 0, 0), c;
      const mx_color red = {255, 99, 88, 255}; /* theme_dark.bad in app/ui.c */
      size_t n1;
      for (y = 0; y < s->h; y += 7)
        for (x = 0; x < s->w; x += 7)
          if (!same_rgb(mx_test_pixel(s, x, y), first)) distinct++;
      ASSERT_TRUE(distinct > 1000);
      ASSERT_TRUE(in.map_raw.w >= 28 * 4 && in.map_fit.w == in.map_raw.w);
      ASSERT_INT_EQ(lit_count(&m->train, 0, 0.5), 0);
      cell_centre(in.map_raw, 0, 0, &x, &y);
      c = mx_test_pixel(s, x, y);
      ASSERT_TRUE(same_rgb(c, red));
      n1 = lit_count(&m->train, 14 * 28 + 14, 0.5);
      ASSERT_TRUE(n1 > 0 && n1 < 5000);
      cell_centre(in.map_fit, 14, 14, &x, &y);
      c = mx_test_pixel(s, x, y);
      {
        mx_color want = mx_cmap(MX_CMAP_VIRIDIS, ((double)n1 + 1.0) / (5000.0 + 2.0), 0.0, 1.0);
        ASSERT_TRUE(same_rgb(c, want));
        if (!same_rgb(c, want))
          fprintf(stderr, "centre pixel %d,%d,%d want %d,%d,%d\n", c.r, c.g, c.b, want.r, want.g,
                  want.b);
      }
      /* raw map's centre pixel: viridis of n1 / n (not red: θ > 0) */
      cell_centre(in.map_raw, 14, 14, &x, &y);
      c = mx_test_pixel(s, x, y);
      ASSERT_TRUE(same_rgb(c, mx_cmap(MX_CMAP_VIRIDIS, (double)n1 / 5000.0, 0.0, 1.0)));
      SDL_FreeSurface(s);
    }
  }

  /* set: good values, and bad ones rejected with a message naming key and value. */
  ASSERT_INT_EQ(mx_app_view_set(app, "prior", "raw", &err), 0);
  ASSERT_NEAR(info().prior, 0, 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "prior", "3.5", &err), 0);
  ASSERT_NEAR(info().prior, 3.5, 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "estimate", "map", &err), 0);
  ASSERT_INT_EQ(info().map, 1);
  ASSERT_INT_EQ(mx_app_view_set(app, "digit", "impossible", &err), 0);
  ASSERT_INT_EQ(info().digit, ref_impossible[0]);
  ASSERT_INT_EQ(mx_app_view_set(app, "digit", "42", &err), 0);
  ASSERT_INT_EQ(info().digit, 42);
  ASSERT_INT_EQ(mx_app_view_set(app, "panel", "nb", &err), 0);
  ASSERT_INT_EQ(info().panel, 1);
  ASSERT_INT_EQ(mx_app_view_set(app, "threshold", "0.25", &err), 0);
  ASSERT_NEAR(info().threshold, 0.25, 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "prior", "-1", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "'-1'");
  ASSERT_INT_EQ(mx_app_view_set(app, "digit", "1000", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "0-999");
  ASSERT_INT_EQ(mx_app_view_set(app, "threshold", "x", &err), MX_EINVAL);
  ASSERT_INT_EQ(mx_app_view_set(app, "estimate", "median", &err), MX_EINVAL);
  ASSERT_INT_EQ(mx_app_view_set(app, "colour", "red", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "unknown option 'colour'");

  /* save -> change -> load restores; a bad scene leaves the state unchanged. */
  {
    cJSON *saved = v->save(st, app), *bad;
    ASSERT_TRUE(saved != NULL);
    key(SDLK_1);
    key(SDLK_e);
    key(SDLK_HOME);
    key(SDLK_x);
    ASSERT_INT_EQ(v->load(st, app, saved, &err), 0);
    in = info();
    ASSERT_NEAR(in.prior, 3.5, 0);
    ASSERT_INT_EQ(in.map, 1);
    ASSERT_INT_EQ(in.digit, 42);
    ASSERT_INT_EQ(in.panel, 1);
    ASSERT_NEAR(in.threshold, 0.25, 0);
    bad = cJSON_Parse("{\"prior\": 2, \"digit\": 5000}");
    ASSERT_INT_EQ(v->load(st, app, bad, &err), MX_EPARSE);
    ASSERT_STR_CONTAINS(err.msg, "digit");
    ASSERT_NEAR(info().prior, 3.5, 0); /* unchanged: prior not applied either */
    cJSON_Delete(bad);
    bad = cJSON_Parse("{\"estimate\": \"median\"}");
    ASSERT_INT_EQ(v->load(st, app, bad, &err), MX_EPARSE);
    cJSON_Delete(bad);
    cJSON_Delete(saved);
  }

  mx_app_destroy(app);
  TEST_MAIN_END();
}
