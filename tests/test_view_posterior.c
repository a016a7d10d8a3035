/* Headless tests of the posterior view (app/view_posterior.c): keys and clicks
 * change the state as expected, options are validated, scenes round-trip, and
 * a frame renders something. The state is read through the view's save()
 * JSON; expected posteriors are worked by hand in the comments. */
#include "app_test.h"

static const mx_view *view_of(const char *name) { return mx_view_find(name, NULL); }

static cJSON *snapshot(mx_app *app) {
  return mx_test_view_json(app, "posterior", MX_TEST_AS_SAVED);
}
static double snap_num(mx_app *app, const char *k) {
  return mx_test_view_num(app, "posterior", MX_TEST_AS_SAVED, k);
}

int main(void) {
  mx_error err;
  mx_app *app;
  cJSON *saved, *o;
  double first_x, a, b2, x0;

  app = mx_test_app("posterior", NULL, 1280, 800, &err);
  ASSERT_TRUE(app != NULL);
  if (!app) TEST_MAIN_END();
  ASSERT_TRUE(mx_app_view_state(app, "posterior") != NULL);
  mx_app_frame(app, 1.0 / 60.0);

  /* Defaults: prior N(0, 1), σ² = 4, no data: the posterior is the prior. */
  ASSERT_NEAR(snap_num(app, "n"), 0, 0);
  ASSERT_NEAR(snap_num(app, "a"), 0.0, 0);
  ASSERT_NEAR(snap_num(app, "b2"), 1.0, 0);
  ASSERT_NEAR(snap_num(app, "sigma2"), 4.0, 0);

  /* Space: one point x from N(true μ, σ²). With γ² = 1, σ² = 4:
   *   1/b² = 1 + 1/4 = 5/4 → b² = 0.8,  a = 0.8 (0 + x/4) = 0.2 x. */
  mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  o = snapshot(app);
  ASSERT_NEAR(mx_test_json_num(o, "n"), 1, 0);
  first_x = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "data"), 0)->valuedouble;
  ASSERT_NEAR(mx_test_json_num(o, "b2"), 0.8, 1e-15);
  ASSERT_NEAR(mx_test_json_num(o, "a"), 0.2 * first_x, 1e-15);
  cJSON_Delete(o);

  /* D: ten more; U: undo one; R: reset; Space again replays the same first point. */
  mx_test_key(app, SDLK_d, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "n"), 11, 0);
  /* b² after 11 points: 1/(1 + 11/4) = 4/15 */
  ASSERT_NEAR(snap_num(app, "b2"), 4.0 / 15.0, 1e-14);
  mx_test_key(app, SDLK_LEFT, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "n"), 10, 0);
  mx_test_key(app, SDLK_r, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "n"), 0, 0);
  ASSERT_NEAR(snap_num(app, "b2"), 1.0, 0);
  mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  o = snapshot(app);
  ASSERT_NEAR(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "data"), 0)->valuedouble, first_x, 0);
  cJSON_Delete(o);
  mx_test_key(app, SDLK_r, KMOD_NONE);

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
  mx_test_key(app, SDLK_d, KMOD_NONE);
  ASSERT_NEAR(snap_num(app, "n"), 12, 0); /* the 2 from data=1,2 (the refused "1,x" added none) + 10 */
  ASSERT_INT_EQ(view_of("posterior")->load(mx_app_view_state(app, "posterior"), app, saved, &err), MX_OK);
  a = snap_num(app, "a");
  b2 = snap_num(app, "b2");
  ASSERT_NEAR(a, mx_test_json_num(saved, "a"), 0);
  ASSERT_NEAR(b2, mx_test_json_num(saved, "b2"), 0);
  ASSERT_NEAR(snap_num(app, "n"), mx_test_json_num(saved, "n"), 0);
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
    ASSERT_NEAR(snap_num(app, "n"), mx_test_json_num(saved, "n"), 0);
    cJSON_Delete(bad);
  }
  cJSON_Delete(saved);

  /* Mouse: a left click inside the main plot adds a point there; a right click undoes it.
   * At 1280x800 the main plot spans roughly x 80..835, y 130..390. */
  mx_test_key(app, SDLK_r, KMOD_NONE);
  mx_test_click(app, 460, 300, 1);
  o = snapshot(app);
  ASSERT_NEAR(mx_test_json_num(o, "n"), 1, 0);
  x0 = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "data"), 0)->valuedouble;
  cJSON_Delete(o);
  mx_test_click(app, 700, 300, 1);
  o = snapshot(app);
  ASSERT_NEAR(mx_test_json_num(o, "n"), 2, 0);
  /* further right on the μ axis → a larger value */
  ASSERT_TRUE(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "data"), 1)->valuedouble > x0);
  cJSON_Delete(o);
  mx_test_click(app, 700, 300, 3);
  ASSERT_NEAR(snap_num(app, "n"), 1, 0);

  /* Toggles. */
  mx_test_key(app, SDLK_v, KMOD_NONE);
  o = snapshot(app);
  ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(o, "predictive")));
  cJSON_Delete(o);
  mx_test_key(app, SDLK_e, KMOD_NONE);
  o = snapshot(app);
  ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(o, "derivation")));
  cJSON_Delete(o);
  mx_test_key(app, SDLK_e, KMOD_NONE);

  /* A rendered frame is not blank. */
  ASSERT_INT_EQ(mx_app_view_set(app, "draw", "20", &err), MX_OK);
  {
    double frac;
    int ncol;
    ASSERT_INT_EQ(mx_test_frame_stats(app, "posterior.png", &frac, &ncol), MX_OK);
    fprintf(stderr, "posterior frame: %.1f%% non-background pixels, %d colours\n", 100 * frac, ncol);
    ASSERT_TRUE(frac > 0.5);
    ASSERT_TRUE(ncol > 100);
  }
  {
    mx_keyhelp kh[64];
    ASSERT_TRUE(mx_keymap_view("posterior", kh, 64) > 0); /* its keys in the one key map */
  }
  mx_app_destroy(app);
  TEST_MAIN_END();
}
