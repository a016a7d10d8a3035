/* mixscope — the application shell's state: status, shared MNIST, views,
 * create / destroy, screenshots and event routing (see app.h; the chrome and
 * the frame are in chrome.c, the window loop in window.c).
 *
 * Window and headless go through the same mx_app_handle_event / mx_app_frame,
 * so `mixscope shot` renders exactly what the window shows. Key routing:
 * a few global keys that views must never shadow (F11, Ctrl +/-/0, Ctrl 1-9,
 * Esc while the help is open) are handled first; then arrow keys a hovered
 * slider captures; then the view's event(); then the remaining global keys
 * (1-9, Tab, H/?, P, F, C, L, M, Q) if the view did not take the key. */
#include "shell.h"

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

#include "mixscope/fileio.h"
#include "png.h"
#include "scene.h"

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

const char *mx_app_caption_shown(const mx_app *app) {
  return app->caption && app->scene_on && app->scene_view == app->view ? app->scene_note : "";
}

const char *mx_app_status_shown(const mx_app *app, char *buf, size_t cap, int *is_error) {
  double limit = APP_STATUS_SECONDS * (app->status_error ? 3 : 1);
  int err = 0;
  if (app->status[0] && (app->headless || app->status_age < limit)) {
    snprintf(buf, cap, "%s", app->status);
    err = app->status_error;
  } else if (app->scene_on && app->scene_view == app->view && app->scene_pos >= 0 &&
             app->scene_pos < app->nscenes) {
    const char *t = app->scene_title, *file = app->scenes[app->scene_pos], *b = strrchr(file, '/');
    snprintf(buf, cap, "scene %d/%d  \xc2\xb7  %s", app->scene_pos + 1, app->nscenes,
             t[0] ? t : b ? b + 1 : file); /* an untitled bundled scene: its file name */
  } else if (app->scene_on && app->scene_view == app->view) {
    snprintf(buf, cap, "%s", app->scene_title);
  } else if (cap) {
    buf[0] = '\0';
  }
  if (is_error) *is_error = err;
  return buf;
}
int mx_app_headless(const mx_app *app) { return app->headless; }
int mx_app_view_index(const mx_app *app) { return app->view; }
int mx_app_help_visible(const mx_app *app) { return app->help; }
float mx_app_font_scale(const mx_app *app) { return app->user_scale; }
int mx_app_parse_theme(const char *s, int *light) {
  if (!strcmp(s, "dark")) *light = 0;
  else if (!strcmp(s, "light")) *light = 1;
  else return -1;
  return 0;
}
void mx_app_set_font_scale(mx_app *app, float s) {
  app->user_scale = s < MX_APP_SCALE_MIN ? MX_APP_SCALE_MIN : s > MX_APP_SCALE_MAX ? MX_APP_SCALE_MAX : s;
}
mx_ui *mx_app_ui(mx_app *app) { return app->ui; }
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

/* ------------------------------------------------------------------ quitting */

/* View i's state as compact JSON (malloc'd), or NULL if it has none. */
static char *view_state_json(mx_app *app, int i) {
  cJSON *o;
  char *js;
  if (!app->state[i] || !mx_views[i]->save) return NULL;
  o = mx_views[i]->save(app->state[i], app);
  if (!o) return NULL;
  js = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return js;
}

static void view_mark_clean(mx_app *app, int i) {
  if (app->clean[i]) cJSON_free(app->clean[i]);
  app->clean[i] = view_state_json(app, i);
}

void mx_shell_mark_clean(mx_app *app) {
  int i;
  for (i = 0; i < mx_nviews && i < APP_MAX_VIEWS; i++) view_mark_clean(app, i);
}

/* 1 if some view's state differs from what mx_shell_mark_clean remembered. */
static int app_state_changed(mx_app *app) {
  int i, changed = 0;
  for (i = 0; i < mx_nviews && i < APP_MAX_VIEWS && !changed; i++) {
    char *now = view_state_json(app, i);
    if (now || app->clean[i])
      changed = !now || !app->clean[i] || strcmp(now, app->clean[i]) != 0;
    if (now) cJSON_free(now);
  }
  return changed;
}

void mx_shell_quit_ask(mx_app *app) {
  if (app->quit_armed || !app_state_changed(app)) {
    app->quit = 1;
    return;
  }
  app->quit_armed = 1;
  mx_app_error(app, "Quit and lose the changes?  Q again quits, Esc stays  (Ctrl S saves them "
                    "as a scene)");
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
  view_mark_clean(app, i);
  return 0;
}

void mx_shell_switch_to(mx_app *app, int i) {
  if (i < 0 || i >= mx_nviews) return;
  if (i != app->view) app->scene_on = 0; /* the scene's title goes with its view */
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
  mx_shell_switch_to(app, idx);
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

int mx_shell_init(mx_app *app, const mx_app_options *opt, mx_error *err) {
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
  snprintf(app->data_line, sizeof app->data_line, "MNIST not loaded yet");
  app->ui = mx_ui_create(app->ren, fonts, errbuf, sizeof errbuf);
  if (!app->ui) return mx_error_set(err, MX_EIO, "%s", errbuf);
  if (opt && opt->light) {
    app->light = 1;
    mx_ui_set_theme(app->ui, MX_THEME_LIGHT);
  }
  if (opt && opt->projector) {
    app->projector = 1;
    mx_ui_set_projector(app->ui, 1);
  }
  return 0;
}

int mx_shell_start_view(mx_app *app, const mx_app_options *opt, mx_error *err) {
  int rc;
  if (opt && opt->view) {
    rc = mx_app_set_view(app, opt->view, err);
    if (rc) return rc;
  } else {
    mx_shell_switch_to(app, 0);
  }
  if (opt && opt->scene) {
    rc = mx_scene_load(app, opt->scene, err);
    if (!rc) mx_shell_playlist_at(app, opt->scene); /* a bundled scene: PgDn goes on from it */
    if (rc) return rc;
  }
  mx_shell_mark_clean(app);
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
  if (mx_shell_init(app, opt, err) || mx_shell_start_view(app, opt, err)) {
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
  for (i = 0; i < APP_MAX_VIEWS; i++)
    if (app->clean[i]) cJSON_free(app->clean[i]);
  mx_scene_list_free(app->scenes, app->nscenes);
  free(app);
}

/* ------------------------------------------------------------------ screenshots */

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
  rc = mx_png_save_atomic(s, path, err);
  SDL_FreeSurface(s);
  return rc;
}

/* The P key: mixscope-<view>-YYYYMMDD-HHMMSS[-k].png in $MIXSCOPE_SHOTS or ".". */
void mx_shell_take_screenshot(mx_app *app) {
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
  if (mx_app_save_png(app, path, &err) != 0) {
    mx_app_error(app, "Screenshot failed: %s", err.msg);
  } else if (app->file_hook) {
    app->file_hook(path, "image/png");
    mx_app_status(app, "Screenshot downloaded: %s", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
  } else {
    mx_app_status(app, "Screenshot saved: %s", path);
  }
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
  mx_app_set_font_scale(app, s);
  mx_app_status(app, "Text size %d%%", (int)lroundf(app->user_scale * 100.0f));
}

/* Keys no view may shadow. Returns 1 if handled. */
static int global_keys_first(mx_app *app, const SDL_Keysym *ks, int repeat) {
  int ctrl = (ks->mod & (KMOD_CTRL | KMOD_GUI)) != 0;
  SDL_Keycode k = ks->sym;
  if (k == SDLK_F11) {
    if (!repeat) set_fullscreen(app, !app->fullscreen);
    return 1;
  }
  if (app->quit_armed) { /* "Q again quits, Esc stays"; any other key goes on as usual */
    app->quit_armed = 0;
    if (k == SDLK_q) {
      app->quit = 1;
      return 1;
    }
    app->status[0] = '\0';
    if (k == SDLK_ESCAPE) {
      mx_app_status(app, "Not quitting");
      return 1;
    }
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
      if (!repeat) mx_shell_switch_to(app, (int)(k - SDLK_1));
      return 1;
    }
    if (k == SDLK_q) {
      if (!repeat) mx_shell_quit_ask(app);
      return 1;
    }
    if (k == SDLK_s) {
      if (!repeat) mx_shell_scene_save_now(app);
      return 1;
    }
  }
  if (k == SDLK_PAGEDOWN || k == SDLK_PAGEUP) {
    if (!repeat) mx_shell_scene_step(app, k == SDLK_PAGEDOWN ? 1 : -1);
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
    mx_shell_switch_to(app, (int)(k - SDLK_1));
    return;
  }
  switch (k) {
  case SDLK_TAB:
    mx_shell_switch_to(app, (app->view + (shift ? mx_nviews - 1 : 1)) % mx_nviews);
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
  case SDLK_w:
    app->caption = !app->caption;
    if (app->caption && !mx_app_caption_shown(app)[0])
      mx_app_status(app, "Captions on: this screen has no scene note (PgDn / PgUp opens scenes)");
    break;
  case SDLK_F2:
    app->projector = !app->projector;
    mx_ui_set_projector(app->ui, app->projector);
    mx_app_status(app, "Projector mode %s", app->projector ? "on: thick lines, high contrast" : "off");
    break;
  case SDLK_F3:
    app->light = !app->light;
    mx_ui_set_theme(app->ui, app->light ? MX_THEME_LIGHT : MX_THEME_DARK);
    mx_app_status(app, "%s theme", app->light ? "Light" : "Dark");
    break;
  case SDLK_m:
    app->pointer = !app->pointer;
    break;
  case SDLK_q:
    mx_shell_quit_ask(app);
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

