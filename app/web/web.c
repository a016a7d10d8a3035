/* mixscope — the web edition: entry point, browser main loop, downloads, dropped files
 * and the window.mixscope query hook (web/index.html). Built only with Emscripten; main.c
 * is the entry point as on the desktop. */
#ifdef __EMSCRIPTEN__
#include "web.h"

#include <emscripten.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shell/scene.h"
#include "views/view.h"

static mx_app *web_app;
static Uint64 web_prev;
static char *web_answer;  /* last mx_web_query answer (owned) */

/* One browser frame: events, the app's frame, then what the page asked for. */
static void web_frame(void) {
  SDL_Event e;
  Uint64 now = SDL_GetPerformanceCounter();
  double dt = (double)(now - web_prev) / (double)SDL_GetPerformanceFrequency();
  web_prev = now;
  while (SDL_PollEvent(&e)) mx_app_handle_event(web_app, &e);
  mx_app_frame(web_app, dt > 0.25 ? 0.25 : dt);
  /* the page keeps the frame's CPU time (bench/web_bench.mjs reads it) */
  EM_ASM({ if (window.mixscopeFrame) window.mixscopeFrame($0); },
         (double)(SDL_GetPerformanceCounter() - now) * 1000.0 / (double)SDL_GetPerformanceFrequency());
}

static void web_file_written(const char *path, const char *mime) { mx_web_download(path, mime); }

void mx_web_run(mx_app *app) {
  web_app = app;
  mx_app_set_file_hook(app, web_file_written);
  setenv("MIXSCOPE_SHOTS", "/tmp", 1); /* P and Ctrl+S: written there, then downloaded */
  /* emscripten starts with umask 0777, so a PNG written with the desktop's 0666 & ~umask
   * would be unreadable to the page's download: the usual desktop umask instead */
  umask(022);
  web_prev = SDL_GetPerformanceCounter();
  emscripten_set_main_loop(web_frame, 0, 0);
}

int mx_web_download(const char *path, const char *mime) {
  const char *base = strrchr(path, '/');
  int ok = EM_ASM_INT({
    if (!window.mixscopeDownloadFile) return 0;
    return window.mixscopeDownloadFile(UTF8ToString($0), UTF8ToString($1), UTF8ToString($2));
  }, path, base ? base + 1 : path, mime);
  return ok ? 0 : MX_EIO;
}

/* ---- called from the page ---------------------------------------------------- */

static const char *web_keep(char *s) {
  free(web_answer);
  web_answer = s;
  return s ? s : "";
}

static char *web_read_all(const char *path) {
  FILE *fp = fopen(path, "rb");
  long n;
  char *s;
  if (!fp) return NULL;
  if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0 ||
      !(s = malloc((size_t)n + 1))) {
    fclose(fp);
    return NULL;
  }
  n = (long)fread(s, 1, (size_t)n, fp);
  s[n] = 0;
  fclose(fp);
  return s;
}

/* window.mixscope.query(what): "view" (name), "scene" (bundled scene file), "status"
 * (status line), "state" (the current view as scene JSON, what Ctrl+S downloads). */
EMSCRIPTEN_KEEPALIVE const char *mx_web_query(const char *what) {
  if (!web_app || !what) return "";
  if (!strcmp(what, "view")) return mx_views[mx_app_view_index(web_app)]->name;
  if (!strcmp(what, "scene")) return mx_app_scene_name(web_app);
  if (!strcmp(what, "status")) return mx_app_status_text(web_app);
  if (!strcmp(what, "state")) {
    mx_error err;
    mx_error_clear(&err);
    if (mx_scene_save(web_app, "/tmp/mixscope-query.json", &err) != 0) return "";
    return web_keep(web_read_all("/tmp/mixscope-query.json"));
  }
  return "";
}

/* A file dropped on the page, written to path: a scene (.json) or points (.csv, into the
 * GMM view). A file that doesn't parse gets the message the CLI prints; 0 or an MX_E* code. */
EMSCRIPTEN_KEEPALIVE int mx_web_load_file(const char *path) {
  size_t n = strlen(path);
  mx_error err;
  int rc;
  mx_error_clear(&err);
  if (n > 4 && !strcasecmp(path + n - 4, ".csv")) {
    rc = mx_app_set_view(web_app, "gmm", &err);
    if (!rc) rc = mx_app_view_set(web_app, "data", path, &err);
    if (!rc) rc = mx_app_view_set(web_app, "dataset", "csv", &err);
  } else {
    rc = mx_scene_load(web_app, path, &err);
  }
  if (rc) mx_app_error(web_app, "%s", err.msg[0] ? err.msg : mx_strerror(rc));
  else mx_app_status(web_app, "Loaded %s", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
  return rc;
}

/* A message from the page on the status line (is_error: in the error colour). */
EMSCRIPTEN_KEEPALIVE void mx_web_message(const char *msg, int is_error) {
  if (!web_app) return;
  if (is_error) mx_app_error(web_app, "%s", msg);
  else mx_app_status(web_app, "%s", msg);
}

/* The page's entry point (app/main.c is the desktop's): the explorer as mx_app_main opens it
 * (same options: --scene, --mnist, --view), then the browser runs its frames. */
int main(int argc, char **argv) {
  int rc;
  mx_app *app;
  gsl_set_error_handler_off(); /* as app/main.c: GSL errors are statuses, never aborts */
  app = mx_app_open(argc, argv, &rc);
  if (!app) return rc;
  mx_web_run(app);
  return 0;
}
#else
typedef int mx_web_native_unit; /* ISO C wants a declaration in every file */
#endif
