/* mixscope — the web edition's side of the app (built only with Emscripten).
 * The page (web/index.html) loads mixscope.js; main() (web.c) opens the explorer and hands
 * the frame to the browser (emscripten_set_main_loop, no Asyncify, no threads). Sits above
 * the shell, as app/cli does: web -> shell -> views -> ui. */
#ifndef MX_WEB_H
#define MX_WEB_H

#include "shell/app.h"

/* Run app's frames from the browser's animation loop; returns at once. */
void mx_web_run(mx_app *app);
/* Offer the file at path (in the page's memory file system) as a download; 0 or MX_EIO. */
int mx_web_download(const char *path, const char *mime);

/* Called from the page (web/index.html, window.mixscope): */
/* "view", "scene", "status" or "state" (the current view as scene JSON); valid until the next call. */
const char *mx_web_query(const char *what);
/* Load a dropped file (scene .json, or .csv points into the GMM view); errors go on screen. */
int mx_web_load_file(const char *path);
/* Show msg on the status line (is_error: as an error). */
void mx_web_message(const char *msg, int is_error);

#endif
