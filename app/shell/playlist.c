/* mixscope — the shell's scenes: the PgDn / PgUp playlist of assets/scenes and
 * Ctrl S (see shell.h). */
#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "scene.h"

/* ------------------------------------------------------------------ scenes */

void mx_shell_scene_step(mx_app *app, int dir) {
  char sdir[MX_PATH_LEN + 16];
  mx_error err;
  if (!app->scenes_listed) {
    int n;
    snprintf(sdir, sizeof sdir, "%s/scenes", app->assets);
    app->scenes_listed = 1;
    n = mx_scene_list(sdir, app->scenes, APP_MAX_SCENES, NULL);
    app->nscenes = n > 0 ? n : 0;
    app->scene_pos = -1;
  }
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
void mx_shell_scene_save_now(mx_app *app) {
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
  if (mx_scene_save(app, path, &err) == 0) mx_app_status(app, "Scene saved: %s", path);
  else mx_app_error(app, "Scene not saved: %s", err.msg[0] ? err.msg : mx_strerror(err.code));
}

