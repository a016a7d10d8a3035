/* mixscope — the application: window or offscreen target, the UI kit, the
 * views, shared data, status line, help overlay, screenshots, scenes.
 *
 * The same mx_app drives the window (mx_app_main) and headless rendering
 * (`mixscope shot`, render tests): mx_app_create_headless renders onto an
 * SDL_Surface through a software renderer, and events pushed through
 * mx_app_handle_event behave exactly as in the window. */
#ifndef MIXSCOPE_APP_H
#define MIXSCOPE_APP_H

#include <SDL.h>

#include "mixscope/dataset.h"
#include "mixscope/error.h"
#include "ui/ui.h"
#include "views/view.h" /* also the app services the views use: status, error, MNIST, headless */

typedef struct mx_app_options {
  const char *mnist_dir;   /* --mnist DIR or NULL */
  const char *view;        /* initial view name or NULL */
  const char *scene;       /* scene file or NULL */
  int width, height;       /* window / surface size (0: default 1280x800) */
  int fullscreen;
  int projector;           /* --projector: thick lines, high contrast (F2 toggles) */
  int light;               /* --theme light (F3 toggles) */
} mx_app_options;

/* Entry point of the explorer (argv as given to main). Exit code. */
int mx_app_main(int argc, char **argv);
/* The explorer's window from mx_app_main's arguments, without running its loop (an embedder
 * such as the web page runs the frames). NULL with *rc the exit code when it cannot start. */
mx_app *mx_app_open(int argc, char **argv, int *rc);
/* After P or Ctrl S has written a file, call hook(path, mime) and say "downloaded". */
void mx_app_set_file_hook(mx_app *app, void (*hook)(const char *path, const char *mime));
/* File name of the bundled scene last opened (at start or by PgDn / PgUp), or "". */
const char *mx_app_scene_name(const mx_app *app);

/* Headless app drawing onto a w x h surface. NULL with *err on failure. */
mx_app *mx_app_create_headless(const mx_app_options *opt, mx_error *err);
void mx_app_destroy(mx_app *app);

/* Feed one event (keys, mouse, resize, quit) exactly as the window loop does. */
void mx_app_handle_event(mx_app *app, const SDL_Event *ev);
/* Press and release a key (with modifiers, e.g. KMOD_LCTRL) through
 * mx_app_handle_event, as the window would deliver it (scripts, export, tests). */
void mx_app_key(mx_app *app, SDL_Keycode key, Uint16 mod);
/* Advance by dt seconds and draw one frame. */
void mx_app_frame(mx_app *app, double dt);
/* Save the current frame as PNG atomically. */
int mx_app_save_png(mx_app *app, const char *path, mx_error *err);
/* Switch view by name or index; creates its state on first use. */
int mx_app_set_view(mx_app *app, const char *name, mx_error *err);
int mx_app_view_index(const mx_app *app);
/* The current view's state (for tests), and the state of a named view. */
void *mx_app_view_state(mx_app *app, const char *name);
/* Pass an option to the current view (shot --set key=value). */
int mx_app_view_set(mx_app *app, const char *key, const char *value, mx_error *err);

/* Text of the last status / error message ("" if none), for tests. */
const char *mx_app_status_text(const mx_app *app);
/* The left side of the status line as drawn now, into buf (cap bytes): the
 * message while it lasts, else "scene k/N · title" while the scene's view is
 * on, else "". *is_error (may be NULL): 1 if it is an error message. */
const char *mx_app_status_shown(const mx_app *app, char *buf, size_t cap, int *is_error);

/* ---- Added by the app shell (additive to the interface above) ---- */
/* Parse "WxH" (each 64..16384) into *w, *h; 0 on success, -1 if malformed. */
int mx_app_parse_size(const char *s, int *w, int *h);
/* Parse a --theme value ("dark" or "light") into *light; 0, or -1 if neither. */
int mx_app_parse_theme(const char *s, int *light);
/* Non-zero while the help overlay is shown. */
int mx_app_help_visible(const mx_app *app);
/* The user's Ctrl +/- text scale (1 = default; each Ctrl + multiplies it by 1.125),
 * and setting it (clamped to [MX_APP_SCALE_MIN, MX_APP_SCALE_MAX], no status message). */
#define MX_APP_SCALE_MIN 0.5f
#define MX_APP_SCALE_MAX 3.0f
float mx_app_font_scale(const mx_app *app);
void mx_app_set_font_scale(mx_app *app, float s);
/* The app's UI kit (layout recording, tests). */
mx_ui *mx_app_ui(mx_app *app);
/* Non-zero once Q / Ctrl Q / window close asked to quit. */
int mx_app_quit_requested(const mx_app *app);
/* File name of the bundled scene last opened (start or PageDown/PageUp), or "". */
const char *mx_app_scene_name(const mx_app *app);
/* The current view's create() failure message, or NULL if it is running (or
 * is a placeholder without create). */
const char *mx_app_view_error(const mx_app *app);
/* The scene note shown as a caption under the view now (W toggles; only while
 * the scene's view is on), or "". */
const char *mx_app_caption_shown(const mx_app *app);

#endif
