/* Layout that scales (issue 14): every scene of assets/scenes drawn headless at
 * the sizes lecture halls use (1024x768, 1280x720, 1280x800, 1920x1080,
 * 3840x2160) with the text scale of Ctrl +/- at 1.0, 1.5 and 2.0, and the UI
 * kit's layout recorder (ui.h, "Layout faults") asked for the texts that were
 * cut (by their box, the clip rect, the window, a panel edge) and the texts
 * that overlap. Any fault fails the test, naming scene, size, scale and text.
 *
 * tests/layout-xfail.txt lists the scene/size/scale combinations still known
 * to have faults (expected failures while issue 14 is worked on; the list only
 * shrinks): their faults are printed as XFAIL and do not fail the test; a
 * listed combination found clean is printed as XPASS (remove its line).
 *
 * Bugs 2 and 3 by name: scene 07 at 160 % text (1.125^4, four Ctrl +) must show
 * its iteration readout, log-likelihood plot and labelled-points slider whole;
 * at 1024x768 the θ view's "raw: NLL = ..." and "prior: NLL = ...", naive
 * Bayes' "test accuracy" and "of 10,000 test digits", the BMM-semi "π"
 * labels, and at 1280x720 the BMM "π" labels, must show whole. MNIST: the
 * bundled sample (what CI has). Projector mode and the light theme: every
 * scene at 1280x800 and 1920x1080, text scale 1 (xfail lines "NN WxH projector"
 * / "NN WxH light"). MX_LAYOUT_ONLY=NN limits the sweep to scenes
 * whose file name starts with NN. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_test.h"
#include "shell/scene_file.h"

static const int sizes[][2] = {{1024, 768}, {1280, 720}, {1280, 800}, {1920, 1080}, {3840, 2160}};
static const float scales[] = {1.0f, 1.5f, 2.0f};

#define XFAIL_MAX 512
static char xfail[XFAIL_MAX][96];
static int nxfail;

/* tests/layout-xfail.txt: "NN WxH S" lines ('#' comments). */
static void xfail_load(void) {
  char path[1200], line[256];
  FILE *fp;
  snprintf(path, sizeof path, "%s/tests/layout-xfail.txt", mx_test_srcdir());
  fp = fopen(path, "r");
  if (!fp) return;
  while (fgets(line, sizeof line, fp) && nxfail < XFAIL_MAX) {
    char sc[16], sz[32], s[16];
    if (line[0] == '#' || sscanf(line, "%15s %31s %15s", sc, sz, s) != 3) continue;
    snprintf(xfail[nxfail++], sizeof xfail[0], "%s %s %s", sc, sz, s);
  }
  fclose(fp);
}

static int xfail_listed(const char *key) {
  int i;
  for (i = 0; i < nxfail; i++)
    if (!strcmp(xfail[i], key)) return 1;
  return 0;
}

static mx_app *app_open(const char *scene, int w, int h, int projector, int light) {
  mx_app_options opt;
  mx_error err;
  mx_app *app;
  memset(&opt, 0, sizeof opt);
  opt.scene = scene;
  opt.mnist_dir = mx_test_sample_dir();
  opt.width = w;
  opt.height = h;
  opt.projector = projector;
  opt.light = light;
  mx_error_clear(&err);
  app = mx_app_create_headless(&opt, &err);
  if (!app) fprintf(stderr, "headless app on %s: %s\n", scene, err.msg);
  else mx_ui_layout_record(mx_app_ui(app), 1);
  return app;
}

/* Draw at text scale s (two frames: the first after a scale change rebuilds fonts). */
static void draw_at(mx_app *app, float s) {
  mx_app_set_font_scale(app, s);
  mx_app_frame(app, 1.0 / 60.0);
  mx_app_frame(app, 1.0 / 60.0);
}

/* Report one frame's faults under key; returns the number of faults. */
static int report(mx_app *app, const char *key, int *fails) {
  int n, i, listed = xfail_listed(key);
  const mx_layout_fault *f = mx_ui_layout_faults(mx_app_ui(app), &n);
  if (n == 0 && listed) fprintf(stderr, "XPASS %s: now clean, remove it from tests/layout-xfail.txt\n", key);
  for (i = 0; i < n; i++) {
    if (f[i].kind == MX_LAYOUT_CLIPPED)
      fprintf(stderr, "%s %s: clipped \"%s\" (%s)\n", listed ? "XFAIL" : "FAIL", key, f[i].text, f[i].why);
    else
      fprintf(stderr, "%s %s: %s \"%s\" / \"%s\"\n", listed ? "XFAIL" : "FAIL", key, f[i].why,
              f[i].text, f[i].other);
  }
  if (n && !listed) (*fails)++;
  return n;
}

static void test_sweep(void) {
  char dir[1200], *paths[64];
  const char *only = getenv("MX_LAYOUT_ONLY");
  mx_error err;
  int np, i, k, j, fails = 0, faulty = 0, combos = 0;
  snprintf(dir, sizeof dir, "%s/assets/scenes", mx_test_srcdir());
  mx_error_clear(&err);
  np = mx_scene_list(dir, paths, 64, &err);
  ASSERT_TRUE(np >= 15); /* 01..15 in assets/scenes */
  for (i = 0; i < np; i++) {
    const char *base = strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1 : paths[i];
    if (only && strncmp(base, only, strlen(only))) continue;
    for (k = 0; k < (int)(sizeof sizes / sizeof sizes[0]); k++) {
      mx_app *app = app_open(paths[i], sizes[k][0], sizes[k][1], 0, 0);
      ASSERT_TRUE(app != NULL);
      if (!app) continue;
      for (j = 0; j < (int)(sizeof scales / sizeof scales[0]); j++) {
        char key[96];
        snprintf(key, sizeof key, "%.2s %dx%d %.1f", base, sizes[k][0], sizes[k][1], (double)scales[j]);
        draw_at(app, scales[j]);
        faulty += report(app, key, &fails) > 0;
        combos++;
      }
      mx_app_destroy(app);
    }
  }
  fprintf(stderr, "layout sweep: %d combinations, %d with faults, %d not in the expected-failure list\n",
          combos, faulty, fails);
  ASSERT_INT_EQ(fails, 0);
  /* projector mode and the light theme: every scene at 1280x800 and 1920x1080, text scale 1 */
  for (fails = 0, i = 0; i < np; i++) {
    const char *base = strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1 : paths[i];
    int mode;
    if (only && strncmp(base, only, strlen(only))) continue;
    for (mode = 0; mode < 4; mode++) {
      int w = mode & 1 ? 1920 : 1280, h = mode & 1 ? 1080 : 800;
      mx_app *app = app_open(paths[i], w, h, mode < 2, mode >= 2);
      char key[96];
      ASSERT_TRUE(app != NULL);
      if (!app) continue;
      snprintf(key, sizeof key, "%.2s %dx%d %s", base, w, h, mode < 2 ? "projector" : "light");
      draw_at(app, 1.0f);
      report(app, key, &fails);
      mx_app_destroy(app);
    }
  }
  ASSERT_INT_EQ(fails, 0);
  mx_scene_list_free(paths, np);
}

/* A scene drawn at w x h, text scale s; NULL if it cannot open. */
static mx_app *scene_at(const char *file, int w, int h, float s) {
  char path[1200];
  mx_app *app;
  snprintf(path, sizeof path, "%s/assets/scenes/%s", mx_test_srcdir(), file);
  app = app_open(path, w, h, 0, 0);
  if (app) draw_at(app, s);
  return app;
}

static void expect_whole(mx_app *app, const char *what, const char *needle) {
  int r = mx_ui_layout_shown(mx_app_ui(app), needle, NULL);
  mx_test_checks++;
  if (r != 1) MX_FAIL_("%s: \"%s\" %s", what, needle, r ? "is cut" : "is not drawn");
}

/* Bug 2: 160 % text in scene 07 keeps the readout, the plot and the slider. */
static void test_bug2(void) {
  mx_app *app = scene_at("07-gmm-semi.json", 1280, 800, 1.125f * 1.125f * 1.125f * 1.125f);
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  expect_whole(app, "bug 2, scene 07 at 160%", "iteration");
  expect_whole(app, "bug 2, scene 07 at 160%", "log-lik");
  expect_whole(app, "bug 2, scene 07 at 160%", "labelled points  (");
  mx_app_destroy(app);
}

/* Bug 3: the named strings at 1024x768 (and 1280x720 for the BMM). */
static void test_bug3(void) {
  mx_app *app = scene_at("03-theta-raw.json", 1024, 768, 1.0f);
  if (app) {
    expect_whole(app, "bug 3, scene 03 at 1024x768", "raw:  NLL = ");
    expect_whole(app, "bug 3, scene 03 at 1024x768", "prior:  NLL = ");
    mx_app_destroy(app);
  }
  app = scene_at("05-naive-bayes.json", 1024, 768, 1.0f);
  if (app) {
    expect_whole(app, "bug 3, scene 05 at 1024x768", "test accuracy");
    expect_whole(app, "bug 3, scene 05 at 1024x768", " test digits");
    mx_app_destroy(app);
  }
  app = scene_at("10-bmm-semi.json", 1024, 768, 1.0f);
  if (app) {
    expect_whole(app, "bug 3, scene 10 at 1024x768", "π 0.");
    mx_app_destroy(app);
  }
  app = scene_at("09-bmm.json", 1280, 720, 1.0f);
  if (app) {
    expect_whole(app, "bug 3, scene 09 at 1280x720", "π 0.");
    mx_app_destroy(app);
  }
}

int main(void) {
  if (SDL_Init(0) != 0) {
    fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    return 1;
  }
  xfail_load();
  test_bug2();
  test_bug3();
  test_sweep();
  SDL_Quit();
  TEST_MAIN_END();
}
