/* The GMM view's fast drawing paths (app/view_gmm.c) against the plain ones,
 * on frames of real scenes (10,000 points after EM steps, plain and
 * semi-supervised; the near-flat "degenerate" preset):
 *  - SSE2 blending of the density layer vs the scalar code (the view created
 *    with MX_NO_SIMD set): the same bytes, since both do the same integer
 *    arithmetic per channel;
 *  - the image drawn in bands by the UI thread and a worker vs by the UI
 *    thread alone (MX_GMM_DRAW_THREADS=1): the same bytes, since every band
 *    is drawn by the same operations in the same order whoever draws it;
 *  - the density grid and boundary margins from core's vectorized E-step vs
 *    from mx_gmm_grid2d, with EM itself on core's scalar code
 *    (mx_gmm_set_simd(0)): the same picture up to the last bits of the
 *    densities, i.e. a few pixels off by a few levels where a value sits on a
 *    rounding edge. Tolerance: under 0.2% of the pixels differ and none by
 *    more than 24 levels in a channel (a heatmap step or an anti-aliased
 *    edge pixel; a moved contour or ellipse would change thousands of
 *    pixels by up to ~200). */
#include <stdlib.h>

#include "app_test.h"
#include "mixscope/gmm.h"

typedef struct scene {
  const char *name;
  const char *sets[6];
} scene;

static const scene SCENES[] = {
  {"plain", {"semi=0", "n=10000", "iters=5", NULL}},
  {"semi", {"n=10000", "semi=1", "iters=5", NULL}},
  {"degenerate", {"semi=0", "dataset=degenerate", "n=3000", "iters=25", NULL}},
};

/* Render a scene in a fresh app (env var name=value while the view is
 * created, if name) and return the frame (RGBA32), or NULL. */
static SDL_Surface *render(const scene *sc, const char *name, const char *value, const char *png) {
  mx_app *app;
  mx_error err;
  SDL_Surface *s;
  int i;
  if (name) setenv(name, value, 1);
  app = mx_test_app("gmm", mx_test_sample_dir(), 1280, 800, &err);
  if (name) unsetenv(name);
  if (!app) return NULL;
  for (i = 0; sc->sets[i]; i++) {
    char kv[64], *eq;
    snprintf(kv, sizeof kv, "%s", sc->sets[i]);
    eq = strchr(kv, '=');
    *eq = '\0';
    ASSERT_INT_EQ(mx_app_view_set(app, kv, eq + 1, &err), MX_OK);
  }
  mx_app_frame(app, 1.0 / 60.0);
  mx_test_key(app, SDLK_SPACE, KMOD_NONE); /* and one step with a frame before it */
  mx_app_frame(app, 1.0 / 60.0);
  s = mx_test_shot(app, png);
  mx_app_destroy(app);
  return s;
}

/* Pixels that differ, and the largest channel difference. */
static long compare(const SDL_Surface *a, const SDL_Surface *b, int *maxd) {
  long n = 0;
  int x, y, c;
  *maxd = 0;
  if (!a || !b || a->w != b->w || a->h != b->h) return -1;
  for (y = 0; y < a->h; y++)
    for (x = 0; x < a->w; x++) {
      const Uint8 *p = (const Uint8 *)a->pixels + y * a->pitch + x * 4;
      const Uint8 *q = (const Uint8 *)b->pixels + y * b->pitch + x * 4;
      int d = 0;
      for (c = 0; c < 4; c++) {
        int e = abs((int)p[c] - (int)q[c]);
        if (e > d) d = e;
      }
      if (d) n++;
      if (d > *maxd) *maxd = d;
    }
  return n;
}

int main(void) {
  int s, simd_cpu;
  /* core's kernels on for the reference frames, whatever MX_NO_SIMD says */
  simd_cpu = mx_gmm_set_simd(1) >= 0 && mx_gmm_simd_active();
  for (s = 0; s < (int)(sizeof SCENES / sizeof SCENES[0]); s++) {
    const scene *sc = &SCENES[s];
    char png[128];
    SDL_Surface *ref, *other;
    long n;
    int maxd;
    snprintf(png, sizeof png, "gmm_fast_%s.png", sc->name);
    ref = render(sc, NULL, NULL, png);
    ASSERT_TRUE(ref != NULL);

    snprintf(png, sizeof png, "gmm_fast_%s_nosse.png", sc->name);
    other = render(sc, "MX_NO_SIMD", "1", png);
    n = compare(ref, other, &maxd);
    fprintf(stderr, "%s: scalar blending: %ld pixels differ (max %d)\n", sc->name, n, maxd);
    ASSERT_INT_EQ(n, 0);
    SDL_FreeSurface(other);

    snprintf(png, sizeof png, "gmm_fast_%s_1thread.png", sc->name);
    other = render(sc, "MX_GMM_DRAW_THREADS", "1", png);
    n = compare(ref, other, &maxd);
    fprintf(stderr, "%s: one thread: %ld pixels differ (max %d)\n", sc->name, n, maxd);
    ASSERT_INT_EQ(n, 0);
    SDL_FreeSurface(other);

    mx_gmm_set_simd(0);
    snprintf(png, sizeof png, "gmm_fast_%s_grid2d.png", sc->name);
    other = render(sc, NULL, NULL, png);
    mx_gmm_set_simd(1);
    n = compare(ref, other, &maxd);
    fprintf(stderr, "%s: grid from mx_gmm_grid2d, scalar EM%s: %ld pixels differ (max %d)\n",
            sc->name, simd_cpu ? "" : " (no vectorized kernels on this CPU: both scalar)", n, maxd);
    ASSERT_TRUE(n >= 0 && n < 1280 * 800 / 500);
    ASSERT_TRUE(maxd <= 24);
    SDL_FreeSurface(other);
    SDL_FreeSurface(ref);
  }
  TEST_MAIN_END();
}
