#include "scene.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "mixscope/fileio.h"

cJSON *mx_scene_capture(mx_app *app, mx_error *err) {
  int idx = mx_app_view_index(app);
  const mx_view *v;
  void *state;
  cJSON *root, *st, *data;
  mx_error e2;
  const mx_mnist *m;
  if (idx < 0 || idx >= mx_nviews) {
    mx_error_set(err, MX_EINVAL, "no current view");
    return NULL;
  }
  v = mx_views[idx];
  state = mx_app_view_state(app, v->name);
  if (!v->save || !state) {
    mx_error_set(err, MX_EINVAL, "view '%s' cannot be saved as a scene", v->name);
    return NULL;
  }
  st = v->save(state, app);
  if (!st) {
    mx_error_set(err, MX_ENOMEM, "view '%s': could not capture its state", v->name);
    return NULL;
  }
  root = cJSON_CreateObject();
  cJSON_AddNumberToObject(root, "mixscope_scene", 1);
  cJSON_AddStringToObject(root, "view", v->name);
  data = cJSON_AddObjectToObject(root, "data");
  m = mx_app_mnist(app, &e2);
  if (m) {
    cJSON_AddStringToObject(data, "source", mx_data_source_name(m->source));
    cJSON_AddStringToObject(data, "dir", m->dir);
  }
  cJSON_AddItemToObject(root, "state", st);
  return root;
}

int mx_scene_save(mx_app *app, const char *path, mx_error *err) {
  cJSON *root = mx_scene_capture(app, err);
  int rc;
  if (!root) return err ? err->code : MX_EINVAL;
  rc = mx_json_write_file(path, root, err);
  cJSON_Delete(root);
  return rc;
}

int mx_scene_apply(mx_app *app, const cJSON *scene, const char *path, mx_error *err) {
  const cJSON *ver, *view, *state, *title;
  const mx_view *v;
  int rc, old = mx_app_view_index(app);
  void *vs;
  if (!cJSON_IsObject(scene))
    return mx_error_set(err, MX_EPARSE, "%s: a scene must be a JSON object", path);
  ver = cJSON_GetObjectItemCaseSensitive(scene, "mixscope_scene");
  if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
    return mx_error_set(err, MX_EPARSE, "%s: field \"mixscope_scene\" must be 1 (scene format version)",
                        path);
  view = cJSON_GetObjectItemCaseSensitive(scene, "view");
  if (!cJSON_IsString(view))
    return mx_error_set(err, MX_EPARSE, "%s: field \"view\" must be a string naming a view", path);
  v = mx_view_find(view->valuestring, NULL);
  if (!v) return mx_error_set(err, MX_EINVAL, "%s: field \"view\": unknown view '%s'", path,
                              view->valuestring);
  state = cJSON_GetObjectItemCaseSensitive(scene, "state");
  if (state && !cJSON_IsObject(state))
    return mx_error_set(err, MX_EPARSE, "%s: field \"state\" must be an object", path);
  rc = mx_app_set_view(app, v->name, err);
  if (rc) return rc;
  vs = mx_app_view_state(app, v->name);
  if (state && v->load && vs) {
    mx_error e2;
    mx_error_clear(&e2);
    rc = v->load(vs, app, state, &e2);
    if (rc) {
      /* the view kept its previous state; go back to the previous view too */
      if (old >= 0 && old < mx_nviews) mx_app_set_view(app, mx_views[old]->name, NULL);
      return mx_error_set(err, rc, "%s: field \"state\": %s", path,
                          e2.msg[0] ? e2.msg : mx_strerror(rc));
    }
  }
  title = cJSON_GetObjectItemCaseSensitive(scene, "title");
  if (cJSON_IsString(title)) mx_app_status(app, "%s", title->valuestring);
  return MX_OK;
}

int mx_scene_load(mx_app *app, const char *path, mx_error *err) {
  char *text;
  size_t len;
  cJSON *root;
  int rc = mx_file_read_all(path, &text, &len, err);
  if (rc) return rc;
  if (len == 0) {
    free(text);
    return mx_error_set(err, MX_EEMPTY, "%s: empty file (expected a scene: a JSON object)", path);
  }
  root = cJSON_ParseWithLength(text, len);
  if (!root) {
    const char *at = cJSON_GetErrorPtr();
    int line = 1;
    const char *p;
    if (at && at >= text && at <= text + len)
      for (p = text; p < at; p++) line += *p == '\n';
    free(text);
    return mx_error_set(err, MX_EPARSE, "%s:%d: malformed JSON", path, line);
  }
  free(text);
  rc = mx_scene_apply(app, root, path, err);
  cJSON_Delete(root);
  return rc;
}

static int scene_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int mx_scene_list(const char *dir, char **paths, int max, mx_error *err) {
  DIR *d = opendir(dir);
  struct dirent *de;
  int n = 0;
  if (!d) return mx_error_set(err, MX_ENOENT, "%s: cannot open scene directory", dir);
  while ((de = readdir(d)) != NULL && n < max) {
    size_t len = strlen(de->d_name);
    if (len > 5 && !strcmp(de->d_name + len - 5, ".json") && de->d_name[0] != '.') {
      size_t need = strlen(dir) + len + 2;
      char *p = malloc(need);
      if (!p) break;
      snprintf(p, need, "%s/%s", dir, de->d_name);
      paths[n++] = p;
    }
  }
  closedir(d);
  qsort(paths, (size_t)n, sizeof *paths, scene_cmp);
  return n;
}

void mx_scene_list_free(char **paths, int n) {
  int i;
  for (i = 0; i < n; i++) free(paths[i]);
}
