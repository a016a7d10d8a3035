/* mixscope — the view interface. One file per view (view_<name>.c) defines a
 * `const mx_view mx_view_<name>`; the table in view.c lists them in tab order.
 *
 * A view owns its state (created once, freed once). Every frame the app calls
 * update (advance animations / EM runs by wall time) then draw. Keyboard
 * events go to `event` first (return 1 if handled); mouse interaction is done
 * inside draw through the UI kit. Views never compute statistics themselves:
 * they call core and draw the plain arrays it fills. Headless rendering
 * (`mixscope shot`) and the window go through exactly the same calls.
 * Views include this header only, never the shell's app.h: the few app
 * services they need are declared here. */
#ifndef MIXSCOPE_VIEW_H
#define MIXSCOPE_VIEW_H

#include <SDL.h>
#include <cjson/cJSON.h>

#include "mixscope/dataset.h"
#include "mixscope/error.h"
#include "ui/ui.h"

typedef struct mx_app mx_app;

/* ---- The app services a view may use (implemented by the shell) ---- */
/* Shared MNIST, loaded on first use (lookup order in dataset.h). NULL with *err. */
const mx_mnist *mx_app_mnist(mx_app *app, mx_error *err);
/* Status line: a transient message; mx_app_error shows it in the error style. */
void mx_app_status(mx_app *app, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;
void mx_app_error(mx_app *app, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;
/* Non-zero in headless mode (shot/tests): views run no wall-clock animation. */
int mx_app_headless(const mx_app *app);

typedef struct mx_keyhelp {
  const char *key;   /* "Space", "Ctrl +", "0-9" */
  const char *what;  /* "one EM step" */
} mx_keyhelp;

typedef struct mx_view {
  const char *name;   /* CLI / scene name: "digits", "theta", "gmm", ... */
  const char *title;  /* tab label: "Digits", "θ maps", ... */
  /* Allocate the view's state. May use mx_app_mnist(); on failure return NULL
   * with *err set (the app shows the message on screen). */
  void *(*create)(mx_app *app, mx_error *err);
  void (*destroy)(void *state);
  /* Keyboard (and other non-widget) events; return 1 if handled. */
  int (*event)(void *state, mx_app *app, const SDL_Event *ev);
  /* Advance by dt seconds (EM runs, animations). May be NULL. */
  void (*update)(void *state, mx_app *app, double dt);
  /* Draw into area (everything except the tab bar and status line). */
  void (*draw)(void *state, mx_app *app, mx_ui *ui, mx_rect area);
  /* Set a named option from the CLI (`shot --set key=value`) or a scene.
   * Unknown key or bad value: return MX_EINVAL with a message naming both. */
  int (*set)(void *state, mx_app *app, const char *key, const char *value, mx_error *err);
  /* Scene support: the full state as JSON (new object), and restore from it.
   * load must leave the state unchanged on error. Either may be NULL. */
  cJSON *(*save)(void *state, mx_app *app);
  int (*load)(void *state, mx_app *app, const cJSON *json, mx_error *err);
} mx_view;

/* The one key map (keymap.c): every key of the shell and the views, in the
 * order the help overlay lists them; a key means the same thing in every view
 * that uses it. views: "*" for the shell's keys (everywhere), else the names
 * of the views that have the key, separated by spaces. README.md's key table
 * lists the same rows. {NULL, NULL, NULL}-terminated. */
typedef struct mx_keyrow {
  const char *key, *what, *views;
} mx_keyrow;
extern const mx_keyrow mx_keymap[];
/* The rows of view name ("*": the shell's) into out (cap entries, the last
 * one {NULL, NULL}); returns how many there are (even beyond cap - 1). */
int mx_keymap_view(const char *view, mx_keyhelp *out, int cap);

/* X(name): the views in tab order (number keys 1..9 follow this order). */
#define MX_VIEWS(X) X(digits) X(theta) X(gmm) X(posterior) X(bmm) X(moe)

#define MX_VIEW_DECL(name) extern const mx_view mx_view_##name;
MX_VIEWS(MX_VIEW_DECL)
#undef MX_VIEW_DECL

/* The table, and lookup by name (NULL if unknown). */
extern const mx_view *const mx_views[];
extern const int mx_nviews;
const mx_view *mx_view_find(const char *name, int *index);

/* ---- Helpers shared by the views (view.c) ---- */
/* s as a whole decimal integer in [lo, hi] into *out: 0, or -1 (then *out is
 * unchanged) if s is NULL, empty, not an integer or out of range. */
int mx_view_parse_long(const char *s, long lo, long hi, long *out);
/* Bounds of mx_view_parse_double: [lo, hi], or (lo, hi] for a quantity that
 * must be positive (a variance, a step size), where a value that underflows
 * to 0 (1e-400) is refused while a subnormal (4.9e-324) is taken. */
enum { MX_VIEW_CLOSED = 0, MX_VIEW_OPEN_LO = 1 };
/* s as a whole finite number (strtod's syntax, leading blanks allowed) in
 * [lo, hi] or (lo, hi] (bounds) into *out: 0, or -1 (then *out is unchanged)
 * if s is NULL, empty, not a number, NaN, infinite or out of range. */
int mx_view_parse_double(const char *s, double lo, double hi, int bounds, double *out);
/* c with its alpha set to a, clamped to 0..255. */
mx_color mx_view_alpha(mx_color c, int a);
/* The one colour map of θ (Bernoulli probabilities in [0, 1]) in every view:
 * the θ view's maps, naive Bayes classes, the Bernoulli mixture's components,
 * each with a colour bar. */
#define MX_CMAP_THETA MX_CMAP_VIRIDIS

/* ---- The run speed of the model views (view_rate.c) ---- */
/* A rate is iterations per second in [1, MX_RATE_MAX]; above that (up to
 * MX_RATE_TOP, the slider's end) it means "as fast as possible". */
#define MX_RATE_MAX 60.0
#define MX_RATE_TOP 64.0
/* The slider "run speed: N iterations / s" (log scale; at its top "as fast as
 * possible"). Non-zero when *rate changed. */
int mx_view_rate_slider(mx_ui *ui, mx_rect r, double *rate);
/* Steps due this frame of dt seconds at rate, *clock carrying the fraction
 * (at most 8: no burst after a stall); -1 for "as fast as possible" (the
 * caller steps for a time budget). */
int mx_view_rate_due(double rate, double *clock, double dt);
/* "1".."60" or "max" into *rate: 0, or -1 (unchanged) if s is neither. */
int mx_view_rate_parse(const char *s, double *rate);

#endif
