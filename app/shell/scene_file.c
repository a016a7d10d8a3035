/* mixscope — the scene file format (see scene_file.h). */
#include "scene_file.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixscope/fileio.h"

int mx_scene_file_read(const char *path, cJSON **root, mx_error *err) {
  char *text;
  size_t len;
  int rc = mx_file_read_all(path, &text, &len, err);
  *root = NULL;
  if (rc) return rc;
  if (len == 0) {
    free(text);
    return mx_error_set(err, MX_EEMPTY, "%s: empty file (expected a scene: a JSON object)", path);
  }
  *root = cJSON_ParseWithLength(text, len);
  if (!*root) {
    const char *at = cJSON_GetErrorPtr();
    int line = 1;
    const char *p;
    if (at && at >= text && at <= text + len)
      for (p = text; p < at; p++) line += *p == '\n';
    free(text);
    return mx_error_set(err, MX_EPARSE, "%s:%d: malformed JSON", path, line);
  }
  free(text);
  return MX_OK;
}

int mx_scene_check(const cJSON *scene, const char *path, mx_scene *out, mx_error *err) {
  const cJSON *ver, *view, *state, *title;
  if (!cJSON_IsObject(scene))
    return mx_error_set(err, MX_EPARSE, "%s: a scene must be a JSON object", path);
  ver = cJSON_GetObjectItemCaseSensitive(scene, "mixscope_scene");
  if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
    return mx_error_set(err, MX_EPARSE, "%s: field \"mixscope_scene\" must be 1 (scene format version)",
                        path);
  view = cJSON_GetObjectItemCaseSensitive(scene, "view");
  if (!cJSON_IsString(view))
    return mx_error_set(err, MX_EPARSE, "%s: field \"view\" must be a string naming a view", path);
  out->view = mx_view_find(view->valuestring, NULL);
  if (!out->view) return mx_error_set(err, MX_EINVAL, "%s: field \"view\": unknown view '%s'", path,
                                      view->valuestring);
  state = cJSON_GetObjectItemCaseSensitive(scene, "state");
  if (state && !cJSON_IsObject(state))
    return mx_error_set(err, MX_EPARSE, "%s: field \"state\" must be an object", path);
  out->state = state;
  title = cJSON_GetObjectItemCaseSensitive(scene, "title");
  out->title = cJSON_IsString(title) ? title->valuestring : NULL;
  return MX_OK;
}

cJSON *mx_scene_build(const char *view, const char *source, const char *dir, cJSON *state) {
  cJSON *root = cJSON_CreateObject(), *data;
  cJSON_AddNumberToObject(root, "mixscope_scene", 1);
  cJSON_AddStringToObject(root, "view", view);
  data = cJSON_AddObjectToObject(root, "data");
  if (source) {
    cJSON_AddStringToObject(data, "source", source);
    cJSON_AddStringToObject(data, "dir", dir);
  }
  cJSON_AddItemToObject(root, "state", state);
  return root;
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
