/* mixscope — the application shell: window or offscreen surface, tabs, status
 * line, help overlay, key legend, screenshots, shared MNIST (see app.h).
 *
 * Window and headless go through the same mx_app_handle_event / mx_app_frame,
 * so `mixscope shot` renders exactly what the window shows. Key routing:
 * a few global keys that views must never shadow (F11, Ctrl +/-/0, Ctrl 1-9,
 * Esc while the help is open) are handled first; then arrow keys a hovered
 * slider captures; then the view's event(); then the remaining global keys
 * (1-9, Tab, H/?, P, F, C, L, M, Q) if the view did not take the key. */
#include "app.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <SDL_image.h>
#ifdef __EMSCRIPTEN__
#include "web/web.h" /* the page: the browser's main loop, downloads */
#endif

#include "mixscope/fileio.h"
#include "scene.h"

#define APP_MAX_VIEWS 16
#define APP_DEFAULT_W 1280
#define APP_DEFAULT_H 800
#define APP_STATUS_SECONDS 12.0
#define APP_MAX_SCENES 256

struct mx_app {
  int headless;
  SDL_Window *win;
  SDL_Renderer *ren;
  SDL_Surface *surf; /* headless target */
  mx_ui *ui;
  int out_w, out_h;  /* output pixels */
  int win_w, win_h;  /* window points (== output in headless) */
  float hidpi;       /* output / window */
  float user_scale;  /* Ctrl +/- */
  int fullscreen;

  int view;                         /* current index */
  void *state[APP_MAX_VIEWS];
  int created[APP_MAX_VIEWS];
  mx_error view_err[APP_MAX_VIEWS]; /* create() failure */

  char mnist_arg[MX_PATH_LEN];
  int has_mnist_arg;
  mx_mnist mnist;
  int mnist_state;                  /* 0 not tried, 1 loaded, -1 failed */
  mx_error mnist_err;
  char data_line[256];              /* right side of the status line */

  gsl_rng *rng;
  unsigned long seed;

  char status[512];
  int status_error;
  double status_age;
  double time;

  int help, legend, high_contrast, pointer;
  int quit;
  int shot_pending;
  char assets[MX_PATH_LEN];

  char *scenes[APP_MAX_SCENES];
  int nscenes, scene_pos, scenes_listed;
};

static void scene_list_ensure(mx_app *app);

/* ------------------------------------------------------------------ utils */

int mx_app_parse_size(const char *s, int *w, int *h) {
  char *end;
  long a, b;
  if (!s || !*s) return -1;
  errno = 0;
  a = strtol(s, &end, 10);
  if (end == s || (*end != 'x' && *end != 'X')) return -1;
  s = end + 1;
  b = strtol(s, &end, 10);
  if (end == s || *end != '\0' || errno == ERANGE) return -1;
  if (a < 64 || b < 64 || a > 16384 || b > 16384) return -1;
  *w = (int)a;
  *h = (int)b;
  return 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 0)))
#endif
static void app_vstatus(mx_app *app, int is_error, const char *fmt, va_list ap) {
  vsnprintf(app->status, sizeof app->status, fmt, ap);
  app->status_error = is_error;
  app->status_age = 0;
}

void mx_app_status(mx_app *app, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  app_vstatus(app, 0, fmt, ap);
  va_end(ap);
}

void mx_app_error(mx_app *app, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  app_vstatus(app, 1, fmt, ap);
  va_end(ap);
}

const char *mx_app_status_text(const mx_app *app) { return app->status; }
int mx_app_headless(const mx_app *app) { return app->headless; }
const char *mx_app_assets_dir(const mx_app *app) { return app->assets; }
gsl_rng *mx_app_rng(mx_app *app) { return app->rng; }
int mx_app_view_index(const mx_app *app) { return app->view; }
int mx_app_help_visible(const mx_app *app) { return app->help; }
float mx_app_font_scale(const mx_app *app) { return app->user_scale; }
int mx_app_quit_requested(const mx_app *app) { return app->quit; }
const char *mx_app_view_error(const mx_app *app) {
  const mx_error *e = &app->view_err[app->view];
  return (app->created[app->view] && !app->state[app->view] && e->msg[0]) ? e->msg : NULL;
}

/* ------------------------------------------------------------------ data */

const mx_mnist *mx_app_mnist(mx_app *app, mx_error *err) {
  if (app->mnist_state == 0) {
    int rc;
    mx_error_clear(&app->mnist_err);
    rc = mx_mnist_load(&app->mnist, app->has_mnist_arg ? app->mnist_arg : NULL, &app->mnist_err);
    if (rc == 0) {
      app->mnist_state = 1;
      static const char *const from[] = {"from --mnist", "from $MIXSCOPE_DATA", "full set",
                                         "bundled sample"};
      unsigned src = (unsigned)app->mnist.source;
      snprintf(app->data_line, sizeof app->data_line, "Data: MNIST (%s), %zu train / %zu test  ·  %.160s",
               src < 4 ? from[src] : mx_data_source_name(app->mnist.source), app->mnist.train.n,
               app->mnist.test.n, app->mnist.dir);
    } else {
      if (!app->mnist_err.msg[0])
        mx_error_set(&app->mnist_err, rc, "MNIST: %s", mx_strerror(rc));
      app->mnist_state = -1;
      snprintf(app->data_line, sizeof app->data_line, "MNIST not loaded");
      mx_app_error(app, "%s", app->mnist_err.msg);
    }
  }
  if (app->mnist_state == 1) return &app->mnist;
  if (err) *err = app->mnist_err;
  return NULL;
}

/* ------------------------------------------------------------------ views */

static int view_ensure(mx_app *app, int i) {
  const mx_view *v = mx_views[i];
  if (app->created[i]) return app->state[i] ? 0 : -1;
  app->created[i] = 1;
  mx_error_clear(&app->view_err[i]);
  if (!v->create) return -1;
  app->state[i] = v->create(app, &app->view_err[i]);
  if (!app->state[i]) {
    if (!app->view_err[i].msg[0])
      mx_error_set(&app->view_err[i], app->view_err[i].code ? app->view_err[i].code : MX_EINVAL,
                   "the %s view could not start", v->name);
    mx_app_error(app, "%s: %s", v->title, app->view_err[i].msg);
    return -1;
  }
  return 0;
}

static void switch_to(mx_app *app, int i) {
  if (i < 0 || i >= mx_nviews) return;
  app->view = i;
  view_ensure(app, i);
}

int mx_app_set_view(mx_app *app, const char *name, mx_error *err) {
  int idx = -1;
  if (!name) return mx_error_set(err, MX_EINVAL, "no view name given");
  if (!mx_view_find(name, &idx)) {
    char *end;
    long k = strtol(name, &end, 10);
    if (*name && *end == '\0' && k >= 0 && k < mx_nviews) idx = (int)k;
  }
  if (idx < 0) {
    char names[256] = "";
    int i;
    for (i = 0; i < mx_nviews; i++) {
      strncat(names, mx_views[i]->name, sizeof names - strlen(names) - 1);
      if (i + 1 < mx_nviews) strncat(names, ", ", sizeof names - strlen(names) - 1);
    }
    return mx_error_set(err, MX_EINVAL, "unknown view '%s' (views: %s)", name, names);
  }
  switch_to(app, idx);
  return MX_OK;
}

void *mx_app_view_state(mx_app *app, const char *name) {
  int idx = app->view;
  if (name && !mx_view_find(name, &idx)) return NULL;
  return app->state[idx];
}

int mx_app_view_set(mx_app *app, const char *key, const char *value, mx_error *err) {
  const mx_view *v = mx_views[app->view];
  void *st = app->state[app->view];
  if (!st) {
    if (app->view_err[app->view].msg[0])
      return mx_error_set(err, MX_EINVAL, "view '%s' is not available: %s", v->name,
                          app->view_err[app->view].msg);
    return mx_error_set(err, MX_EINVAL, "view '%s' is not built yet", v->name);
  }
  if (!v->set) return mx_error_set(err, MX_EINVAL, "view '%s' has no settable options", v->name);
  return v->set(st, app, key, value, err);
}

/* ------------------------------------------------------------------ create */

static int app_common_init(mx_app *app, const mx_app_options *opt, mx_error *err) {
  char fonts[MX_PATH_LEN + 16], errbuf[512];
  const char *src = mx_source_dir();
  snprintf(app->assets, sizeof app->assets, "%s/assets", src);
  snprintf(fonts, sizeof fonts, "%s/fonts", app->assets);
  if (opt && opt->mnist_dir) {
    snprintf(app->mnist_arg, sizeof app->mnist_arg, "%s", opt->mnist_dir);
    app->has_mnist_arg = 1;
  }
  app->user_scale = 1.0f;
  app->hidpi = 1.0f;
  app->legend = 1;
  app->view = 0;
  app->seed = 20240521UL;
  app->rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!app->rng) return mx_error_set(err, MX_ENOMEM, "out of memory (RNG)");
  gsl_rng_set(app->rng, app->seed);
  snprintf(app->data_line, sizeof app->data_line, "MNIST not loaded yet");
  app->ui = mx_ui_create(app->ren, fonts, errbuf, sizeof errbuf);
  if (!app->ui) return mx_error_set(err, MX_EIO, "%s", errbuf);
  return 0;
}

static int start_view(mx_app *app, const mx_app_options *opt, mx_error *err) {
  int rc;
  if (opt && opt->view) {
    rc = mx_app_set_view(app, opt->view, err);
    if (rc) return rc;
  } else {
    switch_to(app, 0);
  }
  if (opt && opt->scene) {
    const char *base = strrchr(opt->scene, '/');
    int i;
    rc = mx_scene_load(app, opt->scene, err);
    if (rc) return rc;
    /* a bundled scene: PageDown/PageUp continue from it */
    base = base ? base + 1 : opt->scene;
    scene_list_ensure(app);
    for (i = 0; i < app->nscenes; i++) {
      const char *b = strrchr(app->scenes[i], '/');
      if (!strcmp(b ? b + 1 : app->scenes[i], base)) app->scene_pos = i;
    }
  }
  return 0;
}

mx_app *mx_app_create_headless(const mx_app_options *opt, mx_error *err) {
  mx_app *app = calloc(1, sizeof *app);
  int w = opt && opt->width > 0 ? opt->width : APP_DEFAULT_W;
  int h = opt && opt->height > 0 ? opt->height : APP_DEFAULT_H;
  if (!app) {
    mx_error_set(err, MX_ENOMEM, "out of memory");
    return NULL;
  }
  app->headless = 1;
  app->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!app->surf) {
    mx_error_set(err, MX_ENOMEM, "cannot create a %dx%d surface: %s", w, h, SDL_GetError());
    mx_app_destroy(app);
    return NULL;
  }
  app->ren = SDL_CreateSoftwareRenderer(app->surf);
  if (!app->ren) {
    mx_error_set(err, MX_EIO, "cannot create a software renderer: %s", SDL_GetError());
    mx_app_destroy(app);
    return NULL;
  }
  app->out_w = app->win_w = w;
  app->out_h = app->win_h = h;
  if (app_common_init(app, opt, err) || start_view(app, opt, err)) {
    mx_app_destroy(app);
    return NULL;
  }
  return app;
}

void mx_app_destroy(mx_app *app) {
  int i;
  if (!app) return;
  for (i = 0; i < mx_nviews && i < APP_MAX_VIEWS; i++)
    if (app->state[i] && mx_views[i]->destroy) mx_views[i]->destroy(app->state[i]);
  mx_ui_destroy(app->ui);
  if (app->ren) SDL_DestroyRenderer(app->ren);
  if (app->surf) SDL_FreeSurface(app->surf);
  if (app->win) SDL_DestroyWindow(app->win);
  if (app->mnist_state == 1) mx_mnist_free(&app->mnist);
  if (app->rng) gsl_rng_free(app->rng);
  mx_scene_list_free(app->scenes, app->nscenes);
  free(app);
}

/* ------------------------------------------------------------------ screenshots */

static int save_surface_png(SDL_Surface *s, const char *path, mx_error *err) {
  char tmp[MX_TMP_LEN];
  FILE *fp;
  SDL_RWops *rw;
  int rc = mx_file_begin_atomic(path, tmp, &fp, err);
  mode_t um;
  if (rc) return rc;
  um = umask(0);
  umask(um);
  if (fchmod(fileno(fp), 0666 & ~um) != 0) { /* mkstemp made it 0600 */
  }
  rw = SDL_RWFromFP(fp, SDL_FALSE);
  if (!rw) {
    mx_file_abort_atomic(tmp, fp);
    return mx_error_set(err, MX_EIO, "%s: %s", path, SDL_GetError());
  }
  if (IMG_SavePNG_RW(s, rw, 0) != 0) {
    SDL_RWclose(rw);
    mx_file_abort_atomic(tmp, fp);
    return mx_error_set(err, MX_EIO, "%s: cannot encode PNG: %s", path, IMG_GetError());
  }
  SDL_RWclose(rw);
  return mx_file_commit_atomic(path, tmp, fp, err);
}

int mx_app_save_png(mx_app *app, const char *path, mx_error *err) {
  SDL_Surface *s;
  int rc;
  s = SDL_CreateRGBSurfaceWithFormat(0, app->out_w, app->out_h, 32, SDL_PIXELFORMAT_RGBA32);
  if (!s) return mx_error_set(err, MX_ENOMEM, "%s: cannot allocate %dx%d image", path, app->out_w,
                              app->out_h);
  if (SDL_RenderReadPixels(app->ren, NULL, SDL_PIXELFORMAT_RGBA32, s->pixels, s->pitch) != 0) {
    SDL_FreeSurface(s);
    return mx_error_set(err, MX_EIO, "%s: cannot read the frame: %s", path, SDL_GetError());
  }
  rc = save_surface_png(s, path, err);
  SDL_FreeSurface(s);
  return rc;
}

/* The P key: mixscope-<view>-YYYYMMDD-HHMMSS[-k].png in $MIXSCOPE_SHOTS or ".". */
static void take_screenshot(mx_app *app) {
  const char *dir = getenv("MIXSCOPE_SHOTS");
  char stamp[32], path[MX_PATH_LEN + 128];
  time_t now = time(NULL);
  struct tm tmv;
  int k;
  mx_error err;
  if (!dir || !*dir) dir = ".";
  localtime_r(&now, &tmv);
  strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
  for (k = 1; k < 100; k++) {
    if (k == 1)
      snprintf(path, sizeof path, "%s/mixscope-%s-%s.png", dir, mx_views[app->view]->name, stamp);
    else
      snprintf(path, sizeof path, "%s/mixscope-%s-%s-%d.png", dir, mx_views[app->view]->name,
               stamp, k);
    if (access(path, F_OK) != 0) break;
  }
  mx_error_clear(&err);
#ifdef __EMSCRIPTEN__
  if (mx_app_save_png(app, path, &err) == 0 && mx_web_download(path, "image/png") == 0) {
    mx_app_status(app, "Screenshot downloaded: %s", strrchr(path, '/') + 1);
    return;
  }
#endif
  if (mx_app_save_png(app, path, &err) == 0) mx_app_status(app, "Screenshot saved: %s", path);
  else mx_app_error(app, "Screenshot failed: %s", err.msg);
}

/* ------------------------------------------------------------------ scenes */

static void scene_list_ensure(mx_app *app) {
  char sdir[MX_PATH_LEN + 16];
  int n;
  if (app->scenes_listed) return;
  snprintf(sdir, sizeof sdir, "%s/scenes", app->assets);
  app->scenes_listed = 1;
  n = mx_scene_list(sdir, app->scenes, APP_MAX_SCENES, NULL);
  app->nscenes = n > 0 ? n : 0;
  app->scene_pos = -1;
}

/* The bundled scene last opened (by PageDown/PageUp or at start): its file name, or "". */
const char *mx_app_scene_name(const mx_app *app) {
  const char *p;
  if (!app->scenes_listed || app->scene_pos < 0 || app->scene_pos >= app->nscenes) return "";
  p = strrchr(app->scenes[app->scene_pos], '/');
  return p ? p + 1 : app->scenes[app->scene_pos];
}

static void scene_step(mx_app *app, int dir) {
  mx_error err;
  scene_list_ensure(app);
  if (app->nscenes == 0) {
    mx_app_error(app, "No scenes in %s/scenes", app->assets);
    return;
  }
  app->scene_pos += dir;
  if (app->scene_pos < 0) app->scene_pos = 0;
  if (app->scene_pos >= app->nscenes) app->scene_pos = app->nscenes - 1;
  mx_error_clear(&err);
  if (mx_scene_load(app, app->scenes[app->scene_pos], &err) != 0)
    mx_app_error(app, "%s", err.msg);
  else if (!app->status[0] || app->status_age > 0)
    mx_app_status(app, "Scene %d/%d: %s", app->scene_pos + 1, app->nscenes,
                  app->scenes[app->scene_pos]);
}

/* Ctrl S: the current view as mixscope-<view>-YYYYMMDD-HHMMSS.json beside the screenshots. */
static void save_scene_now(mx_app *app) {
  const char *dir = getenv("MIXSCOPE_SHOTS");
  char stamp[32], path[MX_PATH_LEN + 128];
  time_t now = time(NULL);
  struct tm tmv;
  mx_error err;
  if (!dir || !*dir) dir = ".";
  localtime_r(&now, &tmv);
  strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
  snprintf(path, sizeof path, "%s/mixscope-%s-%s.json", dir, mx_views[app->view]->name, stamp);
  mx_error_clear(&err);
#ifdef __EMSCRIPTEN__
  if (mx_scene_save(app, path, &err) == 0 && mx_web_download(path, "application/json") == 0) {
    mx_app_status(app, "Scene downloaded: %s", strrchr(path, '/') + 1);
    return;
  }
#endif
  if (mx_scene_save(app, path, &err) == 0) mx_app_status(app, "Scene saved: %s", path);
  else mx_app_error(app, "Scene not saved: %s", err.msg[0] ? err.msg : mx_strerror(err.code));
}

/* ------------------------------------------------------------------ events */

static void set_fullscreen(mx_app *app, int on) {
  if (app->headless || !app->win) return;
  if (SDL_SetWindowFullscreen(app->win, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0) == 0)
    app->fullscreen = on;
  else
    mx_app_error(app, "Fullscreen failed: %s", SDL_GetError());
}

static void set_user_scale(mx_app *app, float s) {
  if (s < 0.5f) s = 0.5f;
  if (s > 3.0f) s = 3.0f;
  app->user_scale = s;
  mx_app_status(app, "Text size %d%%", (int)lroundf(s * 100.0f));
}

/* Keys no view may shadow. Returns 1 if handled. */
static int global_keys_first(mx_app *app, const SDL_Keysym *ks, int repeat) {
  int ctrl = (ks->mod & (KMOD_CTRL | KMOD_GUI)) != 0;
  SDL_Keycode k = ks->sym;
  if (k == SDLK_F11) {
    if (!repeat) set_fullscreen(app, !app->fullscreen);
    return 1;
  }
  if (k == SDLK_ESCAPE && app->help) {
    app->help = 0;
    return 1;
  }
  if (ctrl) {
    if (k == SDLK_EQUALS || k == SDLK_PLUS || k == SDLK_KP_PLUS) {
      set_user_scale(app, app->user_scale * 1.125f);
      return 1;
    }
    if (k == SDLK_MINUS || k == SDLK_KP_MINUS) {
      set_user_scale(app, app->user_scale / 1.125f);
      return 1;
    }
    if (k == SDLK_0 || k == SDLK_KP_0) {
      set_user_scale(app, 1.0f);
      return 1;
    }
    if (k >= SDLK_1 && k <= SDLK_9) {
      if (!repeat) switch_to(app, (int)(k - SDLK_1));
      return 1;
    }
    if (k == SDLK_q) {
      app->quit = 1;
      return 1;
    }
    if (k == SDLK_s) {
      if (!repeat) save_scene_now(app);
      return 1;
    }
  }
  if (k == SDLK_PAGEDOWN || k == SDLK_PAGEUP) {
    if (!repeat) scene_step(app, k == SDLK_PAGEDOWN ? 1 : -1);
    return 1;
  }
  return 0;
}

/* Global keys a view may take over. */
static void global_keys_after(mx_app *app, const SDL_Keysym *ks, int repeat) {
  SDL_Keycode k = ks->sym;
  int shift = (ks->mod & KMOD_SHIFT) != 0;
  if (ks->mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return;
  if (repeat) return;
  if (k >= SDLK_1 && k <= SDLK_9) {
    switch_to(app, (int)(k - SDLK_1));
    return;
  }
  switch (k) {
  case SDLK_TAB:
    switch_to(app, (app->view + (shift ? mx_nviews - 1 : 1)) % mx_nviews);
    break;
  case SDLK_h:
  case SDLK_QUESTION:
  case SDLK_F1:
    app->help = !app->help;
    break;
  case SDLK_SLASH:
    if (shift) app->help = !app->help;
    break;
  case SDLK_p:
    app->shot_pending = 1;
    break;
  case SDLK_f:
    set_fullscreen(app, !app->fullscreen);
    break;
  case SDLK_c:
    app->high_contrast = !app->high_contrast;
    mx_ui_set_high_contrast(app->ui, app->high_contrast);
    mx_app_status(app, "High contrast %s", app->high_contrast ? "on" : "off");
    break;
  case SDLK_l:
    app->legend = !app->legend;
    break;
  case SDLK_m:
    app->pointer = !app->pointer;
    break;
  case SDLK_q:
    app->quit = 1;
    break;
  default:
    break;
  }
}

void mx_app_key(mx_app *app, SDL_Keycode key, Uint16 mod) {
  SDL_Event e;
  memset(&e, 0, sizeof e);
  e.type = SDL_KEYDOWN;
  e.key.state = SDL_PRESSED;
  e.key.keysym.sym = key;
  e.key.keysym.scancode = SDL_GetScancodeFromKey(key);
  e.key.keysym.mod = mod;
  mx_app_handle_event(app, &e);
  e.type = SDL_KEYUP;
  e.key.state = SDL_RELEASED;
  mx_app_handle_event(app, &e);
}

void mx_app_handle_event(mx_app *app, const SDL_Event *ev_in) {
  SDL_Event ev = *ev_in;
  const mx_view *v = mx_views[app->view];
  void *st = app->state[app->view];
  float f = app->hidpi;
  /* mouse coordinates arrive in window points; the kit works in output pixels */
  if (f != 1.0f) {
    if (ev.type == SDL_MOUSEMOTION) {
      ev.motion.x = (Sint32)lroundf((float)ev.motion.x * f);
      ev.motion.y = (Sint32)lroundf((float)ev.motion.y * f);
      ev.motion.xrel = (Sint32)lroundf((float)ev.motion.xrel * f);
      ev.motion.yrel = (Sint32)lroundf((float)ev.motion.yrel * f);
    } else if (ev.type == SDL_MOUSEBUTTONDOWN || ev.type == SDL_MOUSEBUTTONUP) {
      ev.button.x = (Sint32)lroundf((float)ev.button.x * f);
      ev.button.y = (Sint32)lroundf((float)ev.button.y * f);
    }
  }
  switch (ev.type) {
  case SDL_QUIT:
    app->quit = 1;
    return;
  case SDL_WINDOWEVENT:
    if (ev.window.event == SDL_WINDOWEVENT_CLOSE) app->quit = 1;
    break;
  case SDL_MOUSEBUTTONDOWN:
    if (app->help) { /* a click closes the help card */
      app->help = 0;
      return;
    }
    break;
  default:
    break;
  }
  mx_ui_input(app->ui, &ev);
  if (ev.type == SDL_KEYDOWN) {
    int repeat = ev.key.repeat != 0;
    if (global_keys_first(app, &ev.key.keysym, repeat)) return;
    if (mx_ui_key_captured(app->ui, &ev)) return;
    if (st && v->event && v->event(st, app, &ev)) return;
    global_keys_after(app, &ev.key.keysym, repeat);
    return;
  }
  if (st && v->event) v->event(st, app, &ev);
}

/* ------------------------------------------------------------------ drawing */

static void draw_keycap(mx_ui *ui, int *x, int y, int h, const char *key, const char *what,
                        int maxx) {
  const mx_theme *th = mx_ui_theme(ui);
  int kw, ww, pad = mx_ui_px(ui, 7);
  mx_rect cap;
  mx_text_size(ui, MX_FONT_SMALL, key, &kw, NULL);
  mx_text_size(ui, MX_FONT_SMALL, what, &ww, NULL);
  if (*x + kw + 2 * pad + mx_ui_px(ui, 6) + ww > maxx) {
    *x = maxx + 1; /* no room: stop */
    return;
  }
  cap.x = *x;
  cap.y = y + mx_ui_px(ui, 3);
  cap.w = kw + 2 * pad;
  cap.h = h - mx_ui_px(ui, 6);
  mx_draw_round_rect(ui, cap, (float)mx_ui_px(ui, 4), th->panel_hi);
  mx_text_in(ui, cap, MX_FONT_SMALL, MX_ALIGN_CENTER, th->text, key);
  *x += cap.w + mx_ui_px(ui, 6);
  mx_text_in(ui, (mx_rect){*x, y, ww, h}, MX_FONT_SMALL, MX_ALIGN_LEFT, th->text_dim, what);
  *x += ww + mx_ui_px(ui, 18);
}

static const mx_keyhelp global_keys[] = {
  {"1-9 / Tab", "switch view (Ctrl 1-9 always)"},
  {"H  or  ?", "show / hide this help"},
  {"Esc", "close this help"},
  {"P", "save a screenshot (PNG)"},
  {"PgDn / PgUp", "next / previous lecture scene"},
  {"Ctrl S", "save this view as a scene (JSON)"},
  {"F  or  F11", "fullscreen"},
  {"Ctrl +  /  Ctrl -", "bigger / smaller text"},
  {"Ctrl 0", "reset text size"},
  {"C", "high contrast"},
  {"L", "key legend strip"},
  {"M", "highlight the mouse pointer"},
  {"Q", "quit"},
  {NULL, NULL}};

/* Widest key and widest description of a key list in a font. */
static void keys_extent(mx_ui *ui, int font, const mx_keyhelp *k, int *keyw, int *whatw, int *n) {
  int i, w;
  *keyw = *whatw = *n = 0;
  for (i = 0; k && k[i].key; i++) {
    mx_text_size(ui, font, k[i].key, &w, NULL);
    if (w > *keyw) *keyw = w;
    mx_text_size(ui, font, k[i].what, &w, NULL);
    if (w > *whatw) *whatw = w;
    (*n)++;
  }
}

static void draw_key_column(mx_ui *ui, int font, mx_rect c, const char *head,
                            const mx_keyhelp *k, int keyw, int lh) {
  const mx_theme *th = mx_ui_theme(ui);
  int i, bl = mx_line_height(ui, font);
  mx_text(ui, c.x, c.y, font, th->accent, "%s", head);
  if (!k || !k[0].key) mx_text(ui, c.x, c.y + lh, font, th->text_dim, "(no keys of its own)");
  for (i = 0; k && k[i].key; i++) {
    int y = c.y + (i + 1) * lh;
    if (y + bl > c.y + c.h) break;
    mx_text(ui, c.x, y, font, th->text, "%s", k[i].key);
    mx_text_in(ui, (mx_rect){c.x + keyw, y, c.w - keyw, bl}, font, MX_ALIGN_LEFT, th->text_dim,
               k[i].what);
  }
}

static void draw_help(mx_app *app, mx_rect full) {
  mx_ui *ui = app->ui;
  const mx_view *v = mx_views[app->view];
  int gap = mx_ui_px(ui, 20), pad = mx_ui_px(ui, 12), margin = mx_ui_px(ui, 16);
  int font = MX_FONT_BODY, lh, kl, wl, nl, kr, wr, nr, rows, wl_col, wr_col, avail, pass;
  mx_rect card, c, left;
  char title[160];
  for (pass = 0; pass < 2; pass++) { /* the body font, or the small one if it does not fit */
    keys_extent(ui, font, v->keys, &kl, &wl, &nl);
    keys_extent(ui, font, global_keys, &kr, &wr, &nr);
    kl += gap;
    kr += gap;
    mx_text_size(ui, font, "(no keys of its own)", &avail, NULL);
    if (wl < avail) wl = avail;
    wl_col = kl + wl;
    wr_col = kr + wr;
    if (wl_col + wr_col + 2 * gap + 2 * pad <= full.w - 2 * margin) break;
    font = MX_FONT_SMALL;
  }
  lh = mx_line_height(ui, font) + mx_ui_px(ui, font == MX_FONT_BODY ? 8 : 5);
  rows = (nl > nr ? nl : nr) + 1;
  mx_draw_rect(ui, full, (mx_color){0, 0, 0, 190});
  card.w = wl_col + wr_col + 2 * gap + 2 * pad;
  if (card.w > full.w - 2 * margin) card.w = full.w - 2 * margin;
  card.h = rows * lh + mx_line_height(ui, MX_FONT_LARGE) + mx_ui_px(ui, 40);
  if (card.h > full.h - mx_ui_px(ui, 20)) card.h = full.h - mx_ui_px(ui, 20);
  card.x = full.x + (full.w - card.w) / 2;
  card.y = full.y + (full.h - card.h) / 2;
  snprintf(title, sizeof title, "Keys: %s", v->title);
  c = mx_panel(ui, card, title);
  /* if the card is still narrower than wanted, shrink both columns in proportion */
  avail = c.w - 2 * gap;
  if (wl_col + wr_col > avail) {
    int lw = (int)((double)avail * wl_col / (wl_col + wr_col));
    wl_col = lw;
    wr_col = avail - lw;
  }
  left = mx_rect_cut_left(&c, wl_col);
  mx_rect_cut_left(&c, 2 * gap);
  draw_key_column(ui, font, left, "This view", v->keys, kl, lh);
  draw_key_column(ui, font, c, "Everywhere", global_keys, kr, lh);
}

static void draw_view_message(mx_app *app, mx_rect area, const char *head, const char *msg,
                              int is_error) {
  mx_ui *ui = app->ui;
  const mx_theme *th = mx_ui_theme(ui);
  mx_rect card, c;
  int lh = mx_line_height(ui, MX_FONT_BODY);
  card.w = area.w * 70 / 100;
  card.h = mx_line_height(ui, MX_FONT_LARGE) + 3 * lh + mx_ui_px(ui, 50);
  card.x = area.x + (area.w - card.w) / 2;
  card.y = area.y + (area.h - card.h) / 2;
  c = mx_panel(ui, card, head);
  mx_text_in(ui, (mx_rect){c.x, c.y, c.w, lh}, MX_FONT_BODY, MX_ALIGN_LEFT,
             is_error ? th->bad : th->text, msg);
  mx_text_in(ui, (mx_rect){c.x, c.y + lh + mx_ui_px(ui, 10), c.w, lh}, MX_FONT_BODY,
             MX_ALIGN_LEFT, th->text_dim, "Other views: number keys 1-9, Tab, or click a tab above.");
}

static void draw_pointer(mx_app *app) {
  mx_ui *ui = app->ui;
  int mx, my, i;
  float pts[2 * 65], r = (float)mx_ui_px(ui, 26);
  const mx_theme *th = mx_ui_theme(ui);
  mx_ui_mouse(ui, &mx, &my);
  if (mx < -1000) return;
  for (i = 0; i <= 64; i++) {
    float a = 2.0f * (float)M_PI * (float)i / 64.0f;
    pts[2 * i] = (float)mx + r * cosf(a);
    pts[2 * i + 1] = (float)my + r * sinf(a);
  }
  mx_draw_circle(ui, (float)mx, (float)my, r, (mx_color){th->accent.r, th->accent.g, th->accent.b, 50});
  mx_draw_polyline(ui, pts, 65, th->accent, 3.0f * mx_ui_scale(ui));
}

static void update_sizes(mx_app *app) {
  float auto_scale;
  if (!app->headless) {
    int ow = app->out_w, oh = app->out_h;
    SDL_GetWindowSize(app->win, &app->win_w, &app->win_h);
    SDL_GetRendererOutputSize(app->ren, &app->out_w, &app->out_h);
    /* after a resize / fullscreen toggle, make sure the viewport covers the
     * whole new output (some drivers miss the size-changed event) */
    if (ow != app->out_w || oh != app->out_h) SDL_RenderSetViewport(app->ren, NULL);
    app->hidpi = app->win_w > 0 ? (float)app->out_w / (float)app->win_w : 1.0f;
    if (app->hidpi < 0.5f || app->hidpi > 4.0f) app->hidpi = 1.0f;
  }
  /* A larger window (a projector at 1080p) gets proportionally larger text. */
  auto_scale = (float)app->win_h / (float)APP_DEFAULT_H;
  if (auto_scale < 1.0f) auto_scale = 1.0f;
  if (auto_scale > 1.75f) auto_scale = 1.75f;
  mx_ui_set_size(app->ui, app->out_w, app->out_h, app->hidpi * auto_scale * app->user_scale);
}

void mx_app_frame(mx_app *app, double dt) {
  mx_ui *ui = app->ui;
  const mx_theme *th;
  const mx_view *v;
  void *st;
  mx_rect full, area, top, bottom, tabs_r;
  const char *labels[APP_MAX_VIEWS];
  char labbuf[APP_MAX_VIEWS][96];
  int i, sel, lh, tw;
  SDL_Rect clip;

  if (!(dt >= 0) || dt > 1.0) dt = dt > 1.0 ? 1.0 : 0.0;
  app->time += dt;
  app->status_age += dt;
  update_sizes(app);
  v = mx_views[app->view];
  st = app->state[app->view];
  if (st && v->update) v->update(st, app, dt);

  th = mx_ui_theme(ui);
  mx_ui_begin(ui);
  SDL_SetRenderDrawColor(app->ren, th->bg.r, th->bg.g, th->bg.b, 255);
  SDL_RenderClear(app->ren);
  lh = mx_line_height(ui, MX_FONT_BODY);
  full = (mx_rect){0, 0, app->out_w, app->out_h};
  area = full;

  /* top bar: app name, tabs, help hint */
  top = mx_rect_cut_top(&area, lh + mx_ui_px(ui, 22));
  mx_draw_rect(ui, top, (mx_color){(uint8_t)(th->bg.r / 2), (uint8_t)(th->bg.g / 2),
                                   (uint8_t)(th->bg.b / 2), 255});
  tabs_r = mx_rect_inset(top, 0);
  {
    mx_rect name = mx_rect_cut_left(&tabs_r, mx_ui_px(ui, 16));
    int nw;
    mx_text_size(ui, MX_FONT_LARGE, "mixscope", &nw, NULL);
    name = mx_rect_cut_left(&tabs_r, nw + mx_ui_px(ui, 20));
    mx_text_in(ui, name, MX_FONT_LARGE, MX_ALIGN_LEFT, th->accent, "mixscope");
  }
  {
    mx_rect hint = mx_rect_cut_right(&tabs_r, mx_ui_px(ui, 150));
    mx_rect_cut_right(&hint, mx_ui_px(ui, 14));
    mx_text_in(ui, hint, MX_FONT_SMALL, MX_ALIGN_RIGHT, th->text_dim, "H  help");
  }
  for (i = 0; i < mx_nviews && i < APP_MAX_VIEWS; i++) {
    snprintf(labbuf[i], sizeof labbuf[i], "%d  %s", i + 1, mx_views[i]->title);
    labels[i] = labbuf[i];
  }
  sel = app->view;
  if (mx_tabs(ui, tabs_r, labels, mx_nviews < APP_MAX_VIEWS ? mx_nviews : APP_MAX_VIEWS, &sel))
    switch_to(app, sel);
  v = mx_views[app->view];
  st = app->state[app->view];

  /* status line and legend */
  bottom = mx_rect_cut_bottom(&area, mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 12));
  mx_draw_rect(ui, bottom, (mx_color){(uint8_t)(th->bg.r / 2), (uint8_t)(th->bg.g / 2),
                                      (uint8_t)(th->bg.b / 2), 255});
  {
    mx_rect b = mx_rect_inset(bottom, 0);
    mx_rect right;
    int limit = app->status_error ? 3 : 1;
    mx_rect_cut_left(&b, mx_ui_px(ui, 14));
    mx_rect_cut_right(&b, mx_ui_px(ui, 14));
    mx_text_size(ui, MX_FONT_SMALL, app->data_line, &tw, NULL);
    right = mx_rect_cut_right(&b, tw + mx_ui_px(ui, 10));
    mx_text_in(ui, right, MX_FONT_SMALL, MX_ALIGN_RIGHT,
               app->mnist_state < 0 ? th->bad : th->text_dim, app->data_line);
    if (app->status[0] && (app->headless || app->status_age < APP_STATUS_SECONDS * limit))
      mx_text_in(ui, b, MX_FONT_SMALL, MX_ALIGN_LEFT, app->status_error ? th->bad : th->text,
                 app->status);
  }
  if (app->legend) {
    mx_rect leg = mx_rect_cut_bottom(&area, mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 14));
    int x = leg.x + mx_ui_px(ui, 14), maxx = leg.x + leg.w - mx_ui_px(ui, 14), hw, ww, hx;
    mx_draw_rect(ui, leg, th->panel);
    /* "H all keys" keeps its place at the right end; the view's keys fill the rest */
    mx_text_size(ui, MX_FONT_SMALL, "H", &hw, NULL);
    mx_text_size(ui, MX_FONT_SMALL, "all keys", &ww, NULL);
    hx = maxx - (hw + 2 * mx_ui_px(ui, 7) + mx_ui_px(ui, 6) + ww);
    for (i = 0; v->keys && v->keys[i].key && x <= hx; i++)
      draw_keycap(ui, &x, leg.y, leg.h, v->keys[i].key, v->keys[i].what, hx - mx_ui_px(ui, 10));
    draw_keycap(ui, &hx, leg.y, leg.h, "H", "all keys", maxx + mx_ui_px(ui, 20));
  }

  /* the view */
  clip.x = area.x;
  clip.y = area.y;
  clip.w = area.w;
  clip.h = area.h;
  SDL_RenderSetClipRect(app->ren, &clip);
  if (st && v->draw) {
    v->draw(st, app, ui, area);
  } else if (app->created[app->view] && app->view_err[app->view].msg[0]) {
    draw_view_message(app, area, v->title, app->view_err[app->view].msg, 1);
  } else {
    char msg[160];
    snprintf(msg, sizeof msg, "The %s view is not built yet.", v->title);
    draw_view_message(app, area, v->title, msg, 0);
  }
  SDL_RenderSetClipRect(app->ren, NULL);

  mx_ui_end(ui); /* tooltips */
  if (app->help) draw_help(app, full);
  if (app->pointer) draw_pointer(app);

  if (app->shot_pending) {
    app->shot_pending = 0;
    take_screenshot(app);
  }
  if (!app->headless) SDL_RenderPresent(app->ren);
  else SDL_RenderFlush(app->ren);
}

/* ------------------------------------------------------------------ window */

static void app_usage(FILE *fp) {
  int i;
  fprintf(fp,
          "usage: mixscope [--mnist DIR] [--view NAME] [--scene FILE] [--fullscreen] [--size WxH]\n"
          "\n"
          "Start the interactive explorer (needs a display).\n"
          "  --mnist DIR     MNIST directory (IDX files, raw or .gz)\n"
          "  --view NAME     first view: ");
  for (i = 0; i < mx_nviews; i++) fprintf(fp, "%s%s", mx_views[i]->name, i + 1 < mx_nviews ? ", " : "\n");
  fprintf(fp,
          "  --scene FILE    open a saved scene (JSON)\n"
          "  --fullscreen    start in desktop fullscreen (F or F11 toggles)\n"
          "  --size WxH      window size (default 1280x800)\n"
          "Without a display, render views with: mixscope shot --view NAME --out FILE.png\n"
          "Headless commands: mixscope --help\n");
}

static int no_display_exit(const char *why) {
  fprintf(stderr,
          "mixscope: no display available (%s).\n"
          "To render a view without a display, use:\n"
          "  mixscope shot --view NAME --out FILE.png\n"
          "(see 'mixscope shot --help'; 'mixscope --help' lists the headless commands)\n",
          why);
  return 3;
}

static int display_present(const char **why) {
#if defined(__linux__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
  const char *drv = getenv("SDL_VIDEODRIVER");
  const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
  if (drv && (!strcmp(drv, "dummy") || !strcmp(drv, "offscreen"))) {
    *why = "SDL_VIDEODRIVER selects an offscreen driver";
    return 0;
  }
  if (drv && *drv) return 1; /* e.g. kmsdrm: let SDL decide */
  if ((!x || !*x) && (!wl || !*wl)) {
    *why = "neither DISPLAY nor WAYLAND_DISPLAY is set";
    return 0;
  }
#endif
  (void)why;
  return 1;
}

#ifndef __EMSCRIPTEN__
/* The desktop's frame loop: events, one frame, sleep to ~60 Hz, until quit. */
static void app_run_loop(mx_app *app) {
  Uint64 freq = SDL_GetPerformanceFrequency(), prev = SDL_GetPerformanceCounter();
  while (!app->quit) {
    SDL_Event e;
    Uint64 now, t0;
    double dt, spent;
    while (SDL_PollEvent(&e)) mx_app_handle_event(app, &e);
    if (app->quit) break;
    now = SDL_GetPerformanceCounter();
    dt = (double)(now - prev) / (double)freq;
    prev = now;
    t0 = now;
    mx_app_frame(app, dt);
    spent = (double)(SDL_GetPerformanceCounter() - t0) / (double)freq;
    if (spent < 1.0 / 60.0 - 0.001) SDL_Delay((Uint32)((1.0 / 60.0 - spent) * 1000.0));
  }
}
#endif

int mx_app_main(int argc, char **argv) {
  static const struct option longopts[] = {
    {"mnist", required_argument, NULL, 'm'}, {"view", required_argument, NULL, 'v'},
    {"scene", required_argument, NULL, 's'}, {"fullscreen", no_argument, NULL, 'f'},
    {"size", required_argument, NULL, 'z'},  {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
  mx_app_options opt;
  mx_app *app;
  mx_error err;
  const char *why = "";
  int c, rc = 0, w = APP_DEFAULT_W, h = APP_DEFAULT_H;
  Uint32 flags;

  memset(&opt, 0, sizeof opt);
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
    case 'm': opt.mnist_dir = optarg; break;
    case 'v': opt.view = optarg; break;
    case 's': opt.scene = optarg; break;
    case 'f': opt.fullscreen = 1; break;
    case 'z':
      if (mx_app_parse_size(optarg, &w, &h) != 0) {
        fprintf(stderr, "mixscope: --size: '%s' is not WIDTHxHEIGHT (64..16384 each), e.g. 1280x800\n",
                optarg);
        return 2;
      }
      break;
    case 'h': app_usage(stdout); return 0;
    case ':':
      fprintf(stderr, "mixscope: option '%s' needs a value\nTry 'mixscope --help'.\n", argv[optind - 1]);
      return 2;
    default:
      fprintf(stderr, "mixscope: unknown option '%s'\nTry 'mixscope --help'.\n", argv[optind - 1]);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "mixscope: unexpected argument '%s'\nTry 'mixscope --help'.\n", argv[optind]);
    return 2;
  }
  if (opt.view && !mx_view_find(opt.view, NULL)) {
    fprintf(stderr, "mixscope: --view: unknown view '%s'; views are:", opt.view);
    for (c = 0; c < mx_nviews; c++) fprintf(stderr, " %s", mx_views[c]->name);
    fprintf(stderr, "\n");
    return 2;
  }
  opt.width = w;
  opt.height = h;
  if (!display_present(&why)) return no_display_exit(why);
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
    char msg[300];
    snprintf(msg, sizeof msg, "SDL_Init: %s", SDL_GetError());
    return no_display_exit(msg);
  }
  {
    /* SDL falls back to its offscreen driver when no real display answers */
    const char *drv = SDL_GetCurrentVideoDriver();
    if (!drv || !strcmp(drv, "offscreen") || !strcmp(drv, "dummy") || !strcmp(drv, "evdev")) {
      char msg[160];
      snprintf(msg, sizeof msg, "SDL found only the '%s' video driver", drv ? drv : "(none)");
      SDL_Quit();
      return no_display_exit(msg);
    }
  }
  SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
  app = calloc(1, sizeof *app);
  if (!app) {
    SDL_Quit();
    fprintf(stderr, "mixscope: out of memory\n");
    return 1;
  }
  flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
  if (opt.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  app->win = SDL_CreateWindow("mixscope", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
  if (!app->win) {
    char msg[300];
    snprintf(msg, sizeof msg, "SDL_CreateWindow: %s", SDL_GetError());
    free(app);
    SDL_Quit();
    return no_display_exit(msg);
  }
  app->fullscreen = opt.fullscreen;
  SDL_SetWindowMinimumSize(app->win, 640, 400);
  app->ren = SDL_CreateRenderer(app->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
  if (!app->ren) app->ren = SDL_CreateRenderer(app->win, -1, SDL_RENDERER_SOFTWARE);
  if (!app->ren) {
    fprintf(stderr, "mixscope: cannot create a renderer: %s\n", SDL_GetError());
    SDL_DestroyWindow(app->win);
    free(app);
    SDL_Quit();
    return 1;
  }
  SDL_GetWindowSize(app->win, &app->win_w, &app->win_h);
  SDL_GetRendererOutputSize(app->ren, &app->out_w, &app->out_h);
  mx_error_clear(&err);
  if (app_common_init(app, &opt, &err) != 0) {
    fprintf(stderr, "mixscope: %s\n", err.msg);
    mx_app_destroy(app);
    SDL_Quit();
    return 1;
  }
  if (start_view(app, &opt, &err) != 0) {
    /* a bad scene file: say so and keep running on the first view */
    fprintf(stderr, "mixscope: %s\n", err.msg);
    mx_app_error(app, "%s", err.msg);
  }
#ifdef __EMSCRIPTEN__
  mx_web_run(app); /* the browser calls the frame from now on; main returns */
#else
  app_run_loop(app);
  mx_app_destroy(app);
  SDL_Quit();
#endif
  return rc;
}
