/* mixscope — the shell's private header: the mx_app struct and what the
 * shell's files share (app.c: state, views, data, events; chrome.c: top bar,
 * status line, legend, help overlay and the frame; playlist.c: scenes applied
 * to the app and the PgUp/PgDn playlist; window.c: the window and its loop).
 * Not for views or the CLI: they use app.h. */
#ifndef MIXSCOPE_SHELL_H
#define MIXSCOPE_SHELL_H

#include "app.h"

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

  char status[512];
  int status_error;
  double status_age;
  double time;
  double draw_ms;                   /* the last frame's own time (the job slice fills the rest) */

  int help, legend, high_contrast, pointer;
  int projector, light;             /* F2, F3 */
  int quit;
  int quit_armed;                   /* Q pressed with changes: Q again quits, Esc stays */
  char *clean[APP_MAX_VIEWS];       /* each view's save() JSON when last loaded / saved */
  int shot_pending;
  char assets[MX_PATH_LEN];

  /* set by an embedder (the web page): P and Ctrl S hand it the file written */
  void (*file_hook)(const char *path, const char *mime);
  char *scenes[APP_MAX_SCENES];
  int nscenes, scene_pos, scenes_listed;
  char scene_title[512];            /* the title of the scene on screen, or "" */
  char scene_note[512];             /* its "note", or "": the caption (W toggles) */
  int caption;                      /* show the note as a caption under the view */
  int scene_on, scene_view;         /* shown while scene_view is the current view */
};

/* app.c */
/* Make view i current, creating its state on first use (no-op if out of range). */
void mx_shell_switch_to(mx_app *app, int i);
/* Fonts, UI kit and defaults; then the first view and the --scene file. */
int mx_shell_init(mx_app *app, const mx_app_options *opt, mx_error *err);
int mx_shell_start_view(mx_app *app, const mx_app_options *opt, mx_error *err);
/* Remember every view's state as unchanged (after start, a scene load, Ctrl S). */
void mx_shell_mark_clean(mx_app *app);
/* Q / Ctrl Q: quit at once when no view's state changed since mx_shell_mark_clean,
 * else ask on screen (Q again quits, Esc stays). */
void mx_shell_quit_ask(mx_app *app);
/* The P key's screenshot, taken after the frame is drawn. */
void mx_shell_take_screenshot(mx_app *app);

/* window.c */
/* One pass of the window loop (events, one frame, the wait to 60 Hz); *prev
 * holds the last frame's SDL performance counter. 0 once quit was asked. */
int mx_shell_iterate(mx_app *app, Uint64 *prev);

/* playlist.c */
/* PgDn / PgUp: the next (dir 1) or previous (-1) scene of assets/scenes. */
void mx_shell_scene_step(mx_app *app, int dir);
/* A bundled scene opened at start (path): PgDn / PgUp continue from it. */
void mx_shell_playlist_at(mx_app *app, const char *path);
/* A scene was applied with this title (may be ""): the status line says
 * "scene k/N · title" while its view stays on screen. */
void mx_shell_scene_shown(mx_app *app, const char *title, const char *note);
/* Ctrl S: save the current view as a scene beside the screenshots. */
void mx_shell_scene_save_now(mx_app *app);

#endif
