/* mixscope — helpers for the headless app and view tests (test_app_*.c,
 * test_view_*.c; includes test.h). Input goes through mx_app_handle_event
 * exactly as the window loop sends it; a frame is mx_app_frame(app, 1/60).
 * Events carry every field SDL fills, even those the app never reads
 * (key.state, scancode, button.state, clicks). Saved frames are read back as
 * RGBA32 surfaces; a view's state is read through its save() JSON. The
 * helpers compute nothing the tests check: expected values stay in the tests. */
#ifndef MIXSCOPE_APP_TEST_H
#define MIXSCOPE_APP_TEST_H

#include <SDL.h>
#include <SDL_image.h>
#include <cjson/cJSON.h>
#include <stdint.h>

#include "shell/app.h"
#include "test.h"
#include "views/view.h"

/* Arguments of mx_test_view_json: the object save() returns, or that object
 * printed and parsed back (as a scene file is read: the exact numbers save()
 * writes as raw items become numbers again). */
#define MX_TEST_AS_SAVED 0
#define MX_TEST_REPRINTED 1

/* ---------------------------------------------------------------- input */

/* Press and release key k with modifiers mod (KMOD_NONE, KMOD_LSHIFT, ...),
 * then draw one frame. */
static inline void mx_test_key(mx_app *app, SDL_Keycode k, Uint16 mod) {
  mx_app_key(app, k, mod);
  mx_app_frame(app, 1.0 / 60.0);
}

/* *e = SDL_MOUSEMOTION to (x, y), or SDL_MOUSEBUTTONDOWN / UP of button at (x, y). */
static inline void mx_test_mouse_event(SDL_Event *e, Uint32 type, int x, int y, int button) {
  memset(e, 0, sizeof *e);
  e->type = type;
  if (type == SDL_MOUSEMOTION) {
    e->motion.x = x;
    e->motion.y = y;
  } else {
    e->button.button = (Uint8)button;
    e->button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e->button.clicks = 1;
    e->button.x = x;
    e->button.y = y;
  }
}

/* *e = a wheel turn of dy notches (+ away from the user, - towards). */
static inline void mx_test_wheel_event(SDL_Event *e, int dy) {
  memset(e, 0, sizeof *e);
  e->type = SDL_MOUSEWHEEL;
  e->wheel.y = dy;
}

/* Feed one mouse event: motion to (x, y), or the left button down / up there. No frame. */
static inline void mx_test_mouse(mx_app *app, Uint32 type, int x, int y) {
  SDL_Event e;
  mx_test_mouse_event(&e, type, x, y, SDL_BUTTON_LEFT);
  mx_app_handle_event(app, &e);
}

/* Feed a wheel turn of dy notches at the current mouse position. No frame. */
static inline void mx_test_wheel(mx_app *app, int dy) {
  SDL_Event e;
  mx_test_wheel_event(&e, dy);
  mx_app_handle_event(app, &e);
}

/* Move to (x, y), press and release button (SDL_BUTTON_LEFT / _RIGHT) there,
 * then draw one frame: widgets see all three events in that frame. */
static inline void mx_test_click(mx_app *app, int x, int y, int button) {
  SDL_Event e;
  mx_test_mouse_event(&e, SDL_MOUSEMOTION, x, y, button);
  mx_app_handle_event(app, &e);
  mx_test_mouse_event(&e, SDL_MOUSEBUTTONDOWN, x, y, button);
  mx_app_handle_event(app, &e);
  mx_test_mouse_event(&e, SDL_MOUSEBUTTONUP, x, y, button);
  mx_app_handle_event(app, &e);
  mx_app_frame(app, 1.0 / 60.0);
}

/* The same click with a frame drawn after each of the three events, as in the
 * window: the widget under the mouse is hot before the press arrives. */
static inline void mx_test_click_framed(mx_app *app, int x, int y, int button) {
  SDL_Event e;
  mx_test_mouse_event(&e, SDL_MOUSEMOTION, x, y, button);
  mx_app_handle_event(app, &e);
  mx_app_frame(app, 1.0 / 60.0);
  mx_test_mouse_event(&e, SDL_MOUSEBUTTONDOWN, x, y, button);
  mx_app_handle_event(app, &e);
  mx_app_frame(app, 1.0 / 60.0);
  mx_test_mouse_event(&e, SDL_MOUSEBUTTONUP, x, y, button);
  mx_app_handle_event(app, &e);
  mx_app_frame(app, 1.0 / 60.0);
}

/* ---------------------------------------------------------------- the app */

/* <source dir>/assets/mnist-sample: the bundled 5000 / 1000 digit sample. */
static inline const char *mx_test_sample_dir(void) {
  static char dir[1200];
  snprintf(dir, sizeof dir, "%s/assets/mnist-sample", mx_test_srcdir());
  return dir;
}

/* A headless app drawing w x h, started on view (NULL: the first view), with
 * MNIST from mnist_dir (NULL: the lookup order of dataset.h). NULL on failure,
 * with the message in *err (err may be NULL) and printed to stderr. */
static inline mx_app *mx_test_app(const char *view, const char *mnist_dir, int w, int h,
                                  mx_error *err) {
  mx_app_options opt;
  mx_error e;
  mx_app *app;
  if (!err) err = &e;
  memset(&opt, 0, sizeof opt);
  opt.view = view;
  opt.mnist_dir = mnist_dir;
  opt.width = w;
  opt.height = h;
  mx_error_clear(err);
  app = mx_app_create_headless(&opt, err);
  if (!app) fprintf(stderr, "headless app: %s\n", err->msg);
  return app;
}

/* ---------------------------------------------------------------- frames */

/* A PNG file as an RGBA32 surface (bytes r, g, b, a), or NULL. SDL_FreeSurface it. */
static inline SDL_Surface *mx_test_load_png(const char *path) {
  SDL_Surface *s = IMG_Load(path), *c;
  if (!s) return NULL;
  c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGBA32, 0);
  SDL_FreeSurface(s);
  return c;
}

/* Save the current frame as <scratch>/name and load it back (mx_test_load_png);
 * NULL, with the reason printed, on failure. */
static inline SDL_Surface *mx_test_shot(mx_app *app, const char *name) {
  char path[1200];
  mx_error err;
  snprintf(path, sizeof path, "%s/%s", mx_test_scratch(), name);
  mx_error_clear(&err);
  if (mx_app_save_png(app, path, &err) != 0) {
    fprintf(stderr, "save_png: %s\n", err.msg);
    return NULL;
  }
  return mx_test_load_png(path);
}

/* Pixel (x, y) of an RGBA32 surface (mx_test_load_png, mx_test_shot). */
static inline mx_color mx_test_pixel(const SDL_Surface *s, int x, int y) {
  const Uint8 *p = (const Uint8 *)s->pixels + y * s->pitch + x * 4;
  mx_color c = {p[0], p[1], p[2], p[3]};
  return c;
}

/* Pixels of a PNG file sampled every step pixels across region (NULL: the
 * whole image; clipped to it): *frac_nonbg, the fraction that differ from the
 * app background (the image's left-edge pixel of the middle row), and
 * *ncolors, how many distinct colours they have (counted up to 4096). Either
 * output may be NULL. 0, or -1 (both outputs 0) if the file is unreadable. */
static inline int mx_test_png_stats(const char *path, const mx_rect *region, int step,
                                    double *frac_nonbg, int *ncolors) {
  SDL_Surface *s = mx_test_load_png(path);
  uint32_t seen[4096], bg;
  int nseen = 0, x, y, x0, y0, x1, y1, diff = 0, total = 0;
  if (frac_nonbg) *frac_nonbg = 0;
  if (ncolors) *ncolors = 0;
  if (!s) return -1;
  x0 = region && region->x > 0 ? region->x : 0;
  y0 = region && region->y > 0 ? region->y : 0;
  x1 = region && region->x + region->w < s->w ? region->x + region->w : s->w;
  y1 = region && region->y + region->h < s->h ? region->y + region->h : s->h;
  memcpy(&bg, (const Uint8 *)s->pixels + (s->h / 2) * s->pitch, 4);
  for (y = y0; y < y1; y += step)
    for (x = x0; x < x1; x += step) {
      uint32_t c;
      int i;
      memcpy(&c, (const Uint8 *)s->pixels + y * s->pitch + x * 4, 4);
      total++;
      if (c != bg) diff++;
      for (i = 0; i < nseen; i++)
        if (seen[i] == c) break;
      if (i == nseen && nseen < 4096) seen[nseen++] = c;
    }
  SDL_FreeSurface(s);
  if (frac_nonbg) *frac_nonbg = total ? (double)diff / total : 0;
  if (ncolors) *ncolors = nseen;
  return 0;
}

/* Draw one frame, save it as <scratch>/name and take its mx_test_png_stats
 * (whole frame, every 3rd pixel). Returns mx_app_save_png's code. */
static inline int mx_test_frame_stats(mx_app *app, const char *name, double *frac_nonbg,
                                      int *ncolors) {
  char path[1200];
  mx_error err;
  int rc;
  snprintf(path, sizeof path, "%s/%s", mx_test_scratch(), name);
  mx_app_frame(app, 1.0 / 60.0);
  mx_error_clear(&err);
  rc = mx_app_save_png(app, path, &err);
  if (rc != 0) fprintf(stderr, "save_png: %s\n", err.msg);
  mx_test_png_stats(path, NULL, 3, frac_nonbg, ncolors);
  return rc;
}

/* ---------------------------------------------------------------- view state */

/* Member k of object o as a number (cJSON_GetObjectItem); NAN if missing or
 * not a number. */
static inline double mx_test_json_num(const cJSON *o, const char *k) {
  const cJSON *it = cJSON_GetObjectItem(o, k);
  return cJSON_IsNumber(it) ? it->valuedouble : NAN;
}

/* The named view's state as a new JSON object: MX_TEST_AS_SAVED or
 * MX_TEST_REPRINTED (see above). NULL if the view has no state. */
static inline cJSON *mx_test_view_json(mx_app *app, const char *view, int how) {
  const mx_view *v = mx_view_find(view, NULL);
  void *st = mx_app_view_state(app, view);
  cJSON *o, *p;
  char *s;
  if (!v || !st || !v->save) return NULL;
  o = v->save(st, app);
  if (how != MX_TEST_REPRINTED) return o;
  s = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  p = cJSON_Parse(s);
  cJSON_free(s);
  return p;
}

/* Member k of that state as a number (mx_test_json_num). */
static inline double mx_test_view_num(mx_app *app, const char *view, int how, const char *k) {
  cJSON *o = mx_test_view_json(app, view, how);
  double v = mx_test_json_num(o, k);
  cJSON_Delete(o);
  return v;
}

/* 1 if member k of that state is true, else 0. */
static inline int mx_test_view_true(mx_app *app, const char *view, int how, const char *k) {
  cJSON *o = mx_test_view_json(app, view, how);
  int v = cJSON_IsTrue(cJSON_GetObjectItem(o, k));
  cJSON_Delete(o);
  return v;
}

/* Member k (case-sensitive) of the view's state as saved, as a number whatever
 * its kind: a number as is, true / false as 1 / 0, a string as str(value)
 * (NAN if str is NULL), NAN if missing. */
static inline double mx_test_view_field(mx_app *app, const char *view, const char *k,
                                        double (*str)(const char *value)) {
  cJSON *o = mx_test_view_json(app, view, MX_TEST_AS_SAVED);
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, k);
  double v = NAN;
  if (cJSON_IsNumber(f)) v = f->valuedouble;
  else if (cJSON_IsBool(f)) v = cJSON_IsTrue(f) ? 1 : 0;
  else if (cJSON_IsString(f) && str) v = str(f->valuestring);
  cJSON_Delete(o);
  return v;
}

/* ---------------------------------------------------------------- canvas */

/* The UI kit alone on a w x h ARGB surface through SDL's software renderer
 * (the kit's own tests: shapes, layout recording). */
typedef struct mx_test_canvas {
  SDL_Surface *s;
  SDL_Renderer *r;
  mx_ui *ui;
} mx_test_canvas;

/* 0, or -1 (message on stderr) if the surface, renderer or kit cannot be made. */
static inline int mx_test_canvas_open(mx_test_canvas *c, int w, int h) {
  char fonts[1200], eb[256];
  memset(c, 0, sizeof *c);
  c->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  c->r = c->s ? SDL_CreateSoftwareRenderer(c->s) : NULL;
  if (!c->r) return -1;
  snprintf(fonts, sizeof fonts, "%s/assets/fonts", mx_test_srcdir());
  c->ui = mx_ui_create(c->r, fonts, eb, sizeof eb);
  if (!c->ui) {
    fprintf(stderr, "mx_ui_create: %s\n", eb);
    return -1;
  }
  mx_ui_set_size(c->ui, w, h, 1.0f);
  return 0;
}

static inline void mx_test_canvas_close(mx_test_canvas *c) {
  mx_ui_destroy(c->ui);
  if (c->r) SDL_DestroyRenderer(c->r);
  if (c->s) SDL_FreeSurface(c->s);
}

#endif
