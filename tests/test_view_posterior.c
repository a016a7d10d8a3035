/* Headless tests of the posterior view (app/view_posterior.c): keys and clicks
 * change the state as expected, options are validated, scenes round-trip, and
 * a frame renders something. The state is read through the view's save()
 * JSON; expected posteriors are worked by hand in the comments. */
#include <SDL.h>
#include <SDL_image.h>

#include "app.h"
#include "test.h"
#include "view.h"

static const mx_view *view_of(const char *name) { return mx_view_find(name, NULL); }

static cJSON *snapshot(mx_app *app) {
  return view_of("posterior")->save(mx_app_view_state(app, "posterior"), app);
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
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_MOUSEBUTTONDOWN;
  ev.button.button = (Uint8)button;
  ev.button.state = SDL_PRESSED;
  ev.button.clicks = 1;
  ev.button.x = x;
  ev.button.y = y;
  mx_app_handle_event(app, &ev);
  ev.type = SDL_MOUSEBUTTONUP;
  ev.button.state = SDL_RELEASED;
  mx_app_handle_event(app, &ev);
  mx_app_frame(app, 1.0 / 60.0);
}

/* Fraction of (sampled) pixels that differ from the app background, and the
 * number of distinct colours among them. */
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
  cJSON *saved, *o;
  double first_x, a, b2, x0;
  char png[1200];

  memset(&opt, 0, sizeof opt);
  opt.view = "posterior";
  opt.width = 1280;
  opt.height = 800;
  app = mx_app_create_headless(&opt, &err);
  ASSERT_TRUE(app != NULL);
  if (!app) {
    fprintf(stderr, "headless app: %s\n", err.msg);
    TEST_MAIN_END();
  }
  ASSERT_TRUE(mx_app_view_state(app, "posterior") != NULL);
  mx_app_frame(app, 1.0 / 60.0);

  /* Defaults: prior N(0, 1), σ² = 4, no data: the posterior is the prior. */
  ASSERT_NEAR(snap_num(app, "n"), 0, 0);
  ASSERT_NEAR(snap_num(app, "a"), 0.0, 0);
  ASSERT_NEAR(snap_num(app, "b2"), 1.0, 0);
  ASSERT_NEAR(snap_num(app, "sigma2"), 4.0, 0);

  /* Space: one point x from N(true μ, σ²). With γ² = 1, σ² = 4:
   *   1/b² = 1 + 1/4 = 5/4 → b² = 0.8,  a = 0.8 (0 + x/4) = 0.2 x. */
  key(app, SDLK_SPACE, KMOD_NONE);
  o = snapshot(app);
  ASSERT_NEAR(jnum(o, "n"), 1, 0);
  first_x = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "data"), 0)->valuedouble;
  ASSERT_NEAR(jnum(o, "b2"), 0.8, 1e-15);
  ASSERT_NEAR(jnum(o, "a"), 0.2 * first_x, 1e-15);
  cJSON_Delete(o);

  /* D: ten more; U: undo one; R: reset; Space again replays the same first point. */
  key(app, SDLK_d, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "n"), 11, 0);
  /* b² after 11 points: 1/(1 + 11/4) = 4/15 */
  ASSERT_NEAR(snap_num(app, "b2"), 4.0 / 15.0, 1e-14);
  key(app, SDLK_u, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "n"), 10, 0);
  key(app, SDLK_r, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "n"), 0, 0);
  ASSERT_NEAR(snap_num(app, "b2"), 1.0, 0);
  key(app, SDLK_SPACE, KMOD_NONE);
  o = snapshot(app);
  ASSERT_NEAR(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "data"), 0)->valuedouble, first_x, 0);
  cJSON_Delete(o);
  key(app, SDLK_r, KMOD_NONE);

  /* Options: α=0, γ²=1, σ²=1, data 1,2 → b² = 1/3, a = 1 (hand: 1/b² = 1 + 2, a = (1/3)·3). */
  ASSERT_INT_EQ(mx_app_view_set(app, "sigma2", "1", &err), MX_OK);
  ASSERT_INT_EQ(mx_app_view_set(app, "data", "1,2", &err), MX_OK);
  ASSERT_NEAR(snap_num(app, "n"), 2, 0);
  ASSERT_NEAR(snap_num(app, "a"), 1.0, 1e-15);
  ASSERT_NEAR(snap_num(app, "b2"), 1.0 / 3.0, 1e-15);
  /* Changing the prior keeps the data: γ² = 1/2 → 1/b² = 2 + 2 = 4, a = (1/4)(0 + 3) = 3/4. */
  ASSERT_INT_EQ(mx_app_view_set(app, "gamma2", "0.5", &err), MX_OK);
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_NEAR(snap_num(app, "b2"), 0.25, 1e-15);
  ASSERT_NEAR(snap_num(app, "a"), 0.75, 1e-15);

  /* Bad options: an error naming the key, state unchanged. */
  ASSERT_INT_EQ(mx_app_view_set(app, "gamma2", "-1", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "gamma2=-1");
  ASSERT_INT_EQ(mx_app_view_set(app, "sigma2", "zero", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "sigma2=zero");
  ASSERT_INT_EQ(mx_app_view_set(app, "colour", "red", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "unknown option 'colour'");
  ASSERT_INT_EQ(mx_app_view_set(app, "data", "1,x", &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "value 2");
  ASSERT_NEAR(snap_num(app, "gamma2"), 0.5, 0);

  /* Scene round trip: save, change, load → the same posterior. */
  saved = snapshot(app);
  key(app, SDLK_d, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "n"), 12, 0); /* the 2 from data=1,2 (the refused "1,x" added none) + 10 */
  ASSERT_INT_EQ(view_of("posterior")->load(mx_app_view_state(app, "posterior"), app, saved, &err), MX_OK);
  a = snap_num(app, "a");
  b2 = snap_num(app, "b2");
  ASSERT_NEAR(a, jnum(saved, "a"), 0);
  ASSERT_NEAR(b2, jnum(saved, "b2"), 0);
  ASSERT_NEAR(snap_num(app, "n"), jnum(saved, "n"), 0);
  /* A bad scene is refused and changes nothing. */
  {
    cJSON *bad = cJSON_Parse("{\"gamma2\": -3, \"data\": [1, 2, 3]}");
    ASSERT_INT_EQ(view_of("posterior")->load(mx_app_view_state(app, "posterior"), app, bad, &err), MX_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "gamma2");
    ASSERT_NEAR(snap_num(app, "a"), a, 0);
    cJSON_Delete(bad);
    bad = cJSON_Parse("{\"data\": [1, \"two\"]}");
    ASSERT_INT_EQ(view_of("posterior")->load(mx_app_view_state(app, "posterior"), app, bad, &err), MX_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "data[1]");
    ASSERT_NEAR(snap_num(app, "n"), jnum(saved, "n"), 0);
    cJSON_Delete(bad);
  }
  cJSON_Delete(saved);

  /* Mouse: a left click inside the main plot adds a point there; a right click undoes it.
   * At 1280x800 the main plot spans roughly x 80..835, y 130..390. */
  key(app, SDLK_r, KMOD_NONE);
  click(app, 460, 300, 1);
  o = snapshot(app);
  ASSERT_NEAR(jnum(o, "n"), 1, 0);
  x0 = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "data"), 0)->valuedouble;
  cJSON_Delete(o);
  click(app, 700, 300, 1);
  o = snapshot(app);
  ASSERT_NEAR(jnum(o, "n"), 2, 0);
  /* further right on the μ axis → a larger value */
  ASSERT_TRUE(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "data"), 1)->valuedouble > x0);
  cJSON_Delete(o);
  click(app, 700, 300, 3);
  ASSERT_NEAR(snap_num(app, "n"), 1, 0);

  /* Toggles. */
  key(app, SDLK_v, KMOD_NONE);
  o = snapshot(app);
  ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(o, "predictive")));
  cJSON_Delete(o);
  key(app, SDLK_e, KMOD_NONE);
  o = snapshot(app);
  ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(o, "derivation")));
  cJSON_Delete(o);
  key(app, SDLK_e, KMOD_NONE);

  /* A rendered frame is not blank. */
  ASSERT_INT_EQ(mx_app_view_set(app, "draw", "20", &err), MX_OK);
  mx_app_frame(app, 1.0 / 60.0);
  snprintf(png, sizeof png, "%s/posterior.png", mx_test_scratch());
  ASSERT_INT_EQ(mx_app_save_png(app, png, &err), MX_OK);
  {
    double frac;
    int ncol;
    png_stats(png, &frac, &ncol);
    fprintf(stderr, "posterior frame: %.1f%% non-background pixels, %d colours\n", 100 * frac, ncol);
    ASSERT_TRUE(frac > 0.5);
    ASSERT_TRUE(ncol > 100);
  }
  ASSERT_TRUE(view_of("posterior")->keys != NULL && view_of("posterior")->keys[0].key != NULL);
  mx_app_destroy(app);
  TEST_MAIN_END();
}
