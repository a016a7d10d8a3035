/* Headless tests of the digits view: simulated keys, wheel and clicks move
 * the page, filter, split, selection and threshold as documented in the view's
 * key list; the digits shown are checked against the dataset loaded here
 * independently with mx_mnist_load (the filtered index lists and the
 * binarization x/255 > t are recomputed in this file, not taken from the view). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_test.h"
#include "views/view_digits.h"

#define MAXS 1024

static mx_app *app;
static void *st;
static mx_mnist data;

static void key(SDL_Keycode k) { mx_test_key(app, k, KMOD_NONE); }

/* The split / label strings as numbers: "all" -1, "test" 1, anything else 0. */
static double split_code(const char *v) {
  return !strcmp(v, "all") ? -1 : !strcmp(v, "test") ? 1 : 0;
}

/* A field of the view's saved state (the view's public scene JSON). */
static double field_num(const char *name) {
  return mx_test_view_field(app, "digits", name, split_code);
}

/* Indices of `set` with the label (or all for -1), computed here. */
static size_t filtered(const mx_images *im, int label, size_t *out) {
  size_t i, n = 0;
  for (i = 0; i < im->n; i++)
    if (label < 0 || im->labels[i] == label) out[n++] = i;
  return n;
}

/* The shown digits are exactly filtered[page * per_page ...], labels agree. */
static void check_page(const mx_images *im, int label, int page, const char *what) {
  size_t shown[MAXS], *want = malloc(im->n * sizeof *want), n, first;
  int k, ns = mx_digits_shown(st, shown, MAXS), per = mx_digits_per_page(st), bad = 0;
  n = filtered(im, label, want);
  first = (size_t)page * (size_t)per;
  ASSERT_TRUE(per > 0);
  ASSERT_INT_EQ(ns, (int)((n - first) < (size_t)per ? n - first : (size_t)per));
  for (k = 0; k < ns && k < MAXS; k++) {
    if (shown[k] != want[first + (size_t)k]) bad++;
    if (label >= 0 && im->labels[shown[k]] != label) bad++;
  }
  if (bad) fprintf(stderr, "check_page(%s): %d mismatches\n", what, bad);
  ASSERT_INT_EQ(bad, 0);
  free(want);
}

static int grey_at(SDL_Surface *s, int x, int y) {
  mx_color c = mx_test_pixel(s, x, y);
  return (c.r == c.g && c.g == c.b) ? c.r : -1;
}

/* Each pixel of cell k on screen equals the digit's grey level (raw) or
 * 255 * (pix / 255 > t) (binarized), sampled at the centre of each zoomed pixel. */
static void check_cell_pixels(const mx_images *im, int k, int binarized, double t) {
  SDL_Surface *s;
  size_t shown[MAXS];
  mx_rect r;
  int x, y, zoom, bad = 0, ns = mx_digits_shown(st, shown, MAXS);
  if (k >= ns || mx_digits_cell(st, k, &r) != 0) {
    ASSERT_TRUE(0);
    return;
  }
  zoom = r.w / (int)im->cols;
  ASSERT_TRUE(zoom >= 1);
  s = mx_test_shot(app, "digits.png");
  ASSERT_TRUE(s != NULL);
  if (!s) return;
  for (y = 0; y < (int)im->rows; y++)
    for (x = 0; x < (int)im->cols; x++) {
      int v = im->pix[shown[k] * im->d + (size_t)y * im->cols + (size_t)x];
      int want = binarized ? ((double)v / 255.0 > t ? 255 : 0) : v;
      int got = grey_at(s, r.x + x * zoom + zoom / 2, r.y + y * zoom + zoom / 2);
      if (got != want) bad++;
    }
  if (bad) fprintf(stderr, "cell %d: %d pixels differ\n", k, bad);
  ASSERT_INT_EQ(bad, 0);
  SDL_FreeSurface(s);
}

int main(void) {
  mx_error err;
  size_t shown[MAXS];
  int per, ns, npages;
  size_t n7, *tmp;
  mx_rect cr;

  mx_error_clear(&err);
  if (mx_mnist_load(&data, NULL, &err) != 0) {
    fprintf(stderr, "no MNIST: %s\n", err.msg);
    return 77;
  }
  app = mx_test_app("digits", NULL, 1280, 800, &err);
  ASSERT_TRUE(app != NULL);
  if (!app) TEST_MAIN_END();
  st = mx_app_view_state(app, "digits");
  ASSERT_TRUE(st != NULL);
  if (!st) TEST_MAIN_END();
  mx_app_frame(app, 1.0 / 60.0);
  /* the app found the same data as mx_mnist_load here */
  {
    const mx_mnist *m = mx_app_mnist(app, NULL);
    ASSERT_TRUE(m && m->train.n == data.train.n && m->test.n == data.test.n);
    ASSERT_STR_EQ(m ? m->dir : "", data.dir);
  }

  /* Start: training set, all labels, page 0, raw, threshold 0.5, nothing selected. */
  ASSERT_NEAR(field_num("split"), 0, 0);
  ASSERT_NEAR(field_num("label"), -1, 0);
  ASSERT_NEAR(field_num("page"), 0, 0);
  ASSERT_NEAR(field_num("binarize"), 0, 0);
  ASSERT_NEAR(field_num("threshold"), 0.5, 0);
  ASSERT_NEAR(field_num("selected"), -1, 0);
  per = mx_digits_per_page(st);
  ASSERT_TRUE(per >= 40); /* the layout's minimum at 1280x800 */
  check_page(&data.train, -1, 0, "start");
  check_cell_pixels(&data.train, 0, 0, 0.5);

  /* Right / Left page; Down is +10 pages, Up -10; Home back to 0. */
  key(SDLK_RIGHT);
  ASSERT_NEAR(field_num("page"), 1, 0);
  check_page(&data.train, -1, 1, "right");
  key(SDLK_DOWN);
  ASSERT_NEAR(field_num("page"), 11, 0);
  check_page(&data.train, -1, 11, "down");
  key(SDLK_UP);
  key(SDLK_LEFT);
  ASSERT_NEAR(field_num("page"), 0, 0);
  key(SDLK_LEFT); /* no page before the first */
  ASSERT_NEAR(field_num("page"), 0, 0);
  /* PageDown belongs to the scenes, not the digits pager. */
  {
    double before = field_num("page");
    key(SDLK_PAGEDOWN);
    ASSERT_NEAR(field_num("page"), before, 0);
  }

  /* Mouse wheel over the grid: down (-1) = next page, up (+1) = previous. */
  ASSERT_INT_EQ(mx_digits_cell(st, 0, &cr), 0);
  mx_test_mouse(app, SDL_MOUSEMOTION, cr.x + cr.w / 2, cr.y + cr.h / 2);
  mx_app_frame(app, 1.0 / 60.0);
  mx_test_wheel(app, -1);
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_NEAR(field_num("page"), 1, 0);
  mx_test_wheel(app, -2);
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_NEAR(field_num("page"), 3, 0);
  mx_app_frame(app, 1.0 / 60.0);
  check_page(&data.train, -1, 3, "wheel");
  mx_test_wheel(app, 3);
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_NEAR(field_num("page"), 0, 0);

  /* Filter by label 7 (key '7'): only sevens, in dataset order, page reset. */
  key(SDLK_RIGHT);
  key(SDLK_7);
  ASSERT_NEAR(field_num("label"), 7, 0);
  ASSERT_NEAR(field_num("page"), 0, 0);
  ASSERT_INT_EQ(mx_app_view_index(app), 0); /* digits keep 0-9 for the filter */
  check_page(&data.train, 7, 0, "label 7");
  key(SDLK_RIGHT);
  check_page(&data.train, 7, 1, "label 7 page 1");
  /* End: the last page holds the remainder n7 - (pages - 1) * per. */
  tmp = malloc(data.train.n * sizeof *tmp);
  n7 = filtered(&data.train, 7, tmp);
  free(tmp);
  npages = (int)((n7 + (size_t)per - 1) / (size_t)per);
  key(SDLK_END);
  ASSERT_NEAR(field_num("page"), npages - 1, 0);
  check_page(&data.train, 7, npages - 1, "label 7 last page");
  ns = mx_digits_shown(st, shown, MAXS);
  ASSERT_INT_EQ(ns, (int)(n7 - (size_t)(npages - 1) * (size_t)per));
  key(SDLK_RIGHT); /* no page after the last */
  ASSERT_NEAR(field_num("page"), npages - 1, 0);
  /* A clears the filter, so does Backspace. */
  key(SDLK_a);
  ASSERT_NEAR(field_num("label"), -1, 0);
  key(SDLK_0);
  ASSERT_NEAR(field_num("label"), 0, 0);
  check_page(&data.train, 0, 0, "label 0");
  key(SDLK_BACKSPACE);
  ASSERT_NEAR(field_num("label"), -1, 0);

  /* T: the test set; the filter still applies. */
  key(SDLK_3);
  key(SDLK_t);
  ASSERT_NEAR(field_num("split"), 1, 0);
  check_page(&data.test, 3, 0, "test label 3");
  key(SDLK_a);
  check_page(&data.test, -1, 0, "test all");

  /* Click cell 5: it becomes the selection (an index into the test set). */
  ns = mx_digits_shown(st, shown, MAXS);
  ASSERT_TRUE(ns > 5);
  ASSERT_INT_EQ(mx_digits_cell(st, 5, &cr), 0);
  mx_test_mouse(app, SDL_MOUSEMOTION, cr.x + cr.w / 2, cr.y + cr.h / 2);
  mx_app_frame(app, 1.0 / 60.0);
  mx_test_mouse(app, SDL_MOUSEBUTTONDOWN, cr.x + cr.w / 2, cr.y + cr.h / 2);
  mx_test_mouse(app, SDL_MOUSEBUTTONUP, cr.x + cr.w / 2, cr.y + cr.h / 2);
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_NEAR(field_num("selected"), (double)shown[5], 0);
  /* A click outside the grid (on the right panel's empty area) does not change it. */
  mx_test_mouse(app, SDL_MOUSEBUTTONDOWN, 1270, 790);
  mx_test_mouse(app, SDL_MOUSEBUTTONUP, 1270, 790);
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_NEAR(field_num("selected"), (double)shown[5], 0);
  key(SDLK_ESCAPE);
  ASSERT_NEAR(field_num("selected"), -1, 0);

  /* Binarize (B) and the threshold: ] is +0.05, [ is -0.05 (0.5 -> 0.55 -> 0.45). */
  /* keep the mouse off the slider (it would take arrows) */
  mx_test_mouse(app, SDL_MOUSEMOTION, 5, 5);
  key(SDLK_b);
  ASSERT_NEAR(field_num("binarize"), 1, 0);
  check_cell_pixels(&data.test, 0, 1, 0.5);
  key(SDLK_RIGHTBRACKET);
  ASSERT_NEAR(field_num("threshold"), 0.55, 1e-12);
  key(SDLK_LEFTBRACKET);
  key(SDLK_LEFTBRACKET);
  ASSERT_NEAR(field_num("threshold"), 0.45, 1e-12);
  check_cell_pixels(&data.test, 3, 1, 0.45);
  /* A very low threshold lights every pixel above 0: 0.0 -> x/255 > 0. */
  {
    mx_error e2;
    int i;
    mx_error_clear(&e2);
    ASSERT_INT_EQ(mx_app_view_set(app, "threshold", "0", &e2), 0);
    for (i = 0; i < 10; i++) key(SDLK_LEFTBRACKET); /* clamps at 0 */
    ASSERT_NEAR(field_num("threshold"), 0.0, 0);
    check_cell_pixels(&data.test, 1, 1, 0.0);
  }
  key(SDLK_b);
  ASSERT_NEAR(field_num("binarize"), 0, 0);
  check_cell_pixels(&data.test, 1, 0, 0.0);
  /* ] turns binarize back on (the threshold only shows when binarized): 0 + 0.05. */
  key(SDLK_RIGHTBRACKET);
  ASSERT_NEAR(field_num("binarize"), 1, 0);
  ASSERT_NEAR(field_num("threshold"), 0.05, 1e-12);

  /* set: the CLI / scene options, and their errors naming key and value. */
  {
    mx_error e2;
    mx_error_clear(&e2);
    ASSERT_INT_EQ(mx_app_view_set(app, "split", "train", &e2), 0);
    ASSERT_INT_EQ(mx_app_view_set(app, "label", "4", &e2), 0);
    ASSERT_INT_EQ(mx_app_view_set(app, "page", "2", &e2), 0);
    ASSERT_INT_EQ(mx_app_view_set(app, "binarize", "0", &e2), 0);
    ASSERT_INT_EQ(mx_app_view_set(app, "selected", "123", &e2), 0);
    mx_app_frame(app, 1.0 / 60.0);
    check_page(&data.train, 4, 2, "set");
    ASSERT_NEAR(field_num("selected"), 123, 0);
    ASSERT_INT_EQ(mx_app_view_set(app, "threshold", "1.5", &e2), MX_EINVAL);
    ASSERT_STR_CONTAINS(e2.msg, "threshold");
    ASSERT_STR_CONTAINS(e2.msg, "1.5");
    ASSERT_INT_EQ(mx_app_view_set(app, "label", "11", &e2), MX_EINVAL);
    ASSERT_STR_CONTAINS(e2.msg, "11");
    ASSERT_INT_EQ(mx_app_view_set(app, "split", "validation", &e2), MX_EINVAL);
    ASSERT_STR_CONTAINS(e2.msg, "validation");
    ASSERT_INT_EQ(mx_app_view_set(app, "bogus", "1", &e2), MX_EINVAL);
    ASSERT_STR_CONTAINS(e2.msg, "bogus");
    ASSERT_INT_EQ(mx_app_view_set(app, "selected", "99999999", &e2), MX_EINVAL);
    ASSERT_STR_CONTAINS(e2.msg, "selected");
    /* errors left the state as it was */
    ASSERT_NEAR(field_num("label"), 4, 0);
    ASSERT_NEAR(field_num("split"), 0, 0);
  }

  /* Scenes: save, change, load restores; a bad field changes nothing. */
  {
    cJSON *saved = mx_view_digits.save(st, app), *bad;
    char *a, *b;
    mx_error e2;
    mx_error_clear(&e2);
    key(SDLK_t);
    key(SDLK_9);
    ASSERT_INT_EQ(mx_view_digits.load(st, app, saved, &e2), 0);
    mx_app_frame(app, 1.0 / 60.0);
    check_page(&data.train, 4, 2, "loaded");
    ASSERT_NEAR(field_num("selected"), 123, 0);
    a = cJSON_PrintUnformatted(saved);
    bad = cJSON_Parse("{\"split\":\"test\",\"label\":3,\"threshold\":2}");
    ASSERT_TRUE(mx_view_digits.load(st, app, bad, &e2) != 0);
    ASSERT_STR_CONTAINS(e2.msg, "threshold");
    {
      cJSON *now = mx_view_digits.save(st, app);
      b = cJSON_PrintUnformatted(now);
      cJSON_Delete(now);
    }
    ASSERT_STR_EQ(a, b);
    cJSON_free(a);
    cJSON_free(b);
    cJSON_Delete(bad);
    cJSON_Delete(saved);
  }

  mx_app_destroy(app);
  mx_mnist_free(&data);
  TEST_MAIN_END();
}
