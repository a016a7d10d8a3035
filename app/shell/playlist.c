/* mixscope — the shell's scenes: the PgDn / PgUp playlist of assets/scenes and
 * Ctrl S (see shell.h). */
#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scene.h"

/* ------------------------------------------------------------------ scenes */

static void playlist_list(mx_app *app) {
  char sdir[MX_PATH_LEN + 16];
  int n;
  if (app->scenes_listed) return;
  snprintf(sdir, sizeof sdir, "%s/scenes", app->assets);
  app->scenes_listed = 1;
  n = mx_scene_list(sdir, app->scenes, APP_MAX_SCENES, NULL);
  app->nscenes = n > 0 ? n : 0;
  app->scene_pos = -1;
}

static const char *base_name(const char *p) {
  const char *b = strrchr(p, '/');
  return b ? b + 1 : p;
}

void mx_shell_playlist_at(mx_app *app, const char *path) {
  int i;
  playlist_list(app);
  for (i = 0; i < app->nscenes; i++)
    if (!strcmp(base_name(app->scenes[i]), base_name(path))) app->scene_pos = i;
}

const char *mx_app_scene_name(const mx_app *app) {
  if (!app->scenes_listed || app->scene_pos < 0 || app->scene_pos >= app->nscenes) return "";
  return base_name(app->scenes[app->scene_pos]);
}

void mx_shell_scene_step(mx_app *app, int dir) {
  mx_error err;
  int pos;
  playlist_list(app);
  if (app->nscenes == 0) {
    mx_app_error(app, "No scenes in %s/scenes", app->assets);
    return;
  }
  pos = app->scene_pos < 0 ? 0 : app->scene_pos + dir; /* not in the playlist yet: 01 */
  if (pos >= app->nscenes) { /* the scene on screen stays as it is */
    mx_app_status(app, "End of the playlist: scene %d/%d was the last (PgUp goes back)",
                  app->nscenes, app->nscenes);
    return;
  }
  if (pos < 0) {
    mx_app_status(app, "Start of the playlist: this is scene 1/%d (PgDn goes on)", app->nscenes);
    return;
  }
  mx_error_clear(&err);
  if (mx_scene_load(app, app->scenes[pos], &err) != 0) {
    mx_app_error(app, "%s", err.msg);
    return;
  }
  app->scene_pos = pos;
  mx_shell_mark_clean(app);
}

void mx_shell_scene_shown(mx_app *app, const char *title, const char *note) {
  snprintf(app->scene_title, sizeof app->scene_title, "%s", title);
  snprintf(app->scene_note, sizeof app->scene_note, "%s", note ? note : "");
  app->scene_on = 1;
  app->scene_view = app->view;
  if (!app->status_error) app->status[0] = '\0'; /* an older note gives way to the title */
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
  if (mx_scene_save(app, path, &err) == 0) {
    mx_shell_mark_clean(app);
    if (app->file_hook) app->file_hook(path, "application/json");
    mx_app_status(app, app->file_hook ? "Scene downloaded: %s" : "Scene saved: %s",
                  app->file_hook ? base_name(path) : path);
  } else mx_app_error(app, "Scene not saved: %s", err.msg[0] ? err.msg : mx_strerror(err.code));
}

