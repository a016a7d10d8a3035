/* mixscope — the scene file format (see scene_file.h). */
#include "scene_file.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixscope/fileio.h"

#define SCENE_MAX_DEPTH 64 /* scenes nest 4-5 deep; cJSON's own limit is 1000 */

/* Line (1-based) of byte offset off in text. */
static size_t scene_line(const char *text, size_t off) {
  size_t l = 1, i;
  for (i = 0; i < off; i++) l += text[i] == '\n';
  return l;
}

/* Refuse nesting deeper than SCENE_MAX_DEPTH before cJSON recurses into it. */
static int scene_check_depth(const char *path, const char *text, size_t len, mx_error *err) {
  size_t i;
  int depth = 0, in_str = 0;
  for (i = 0; i < len; i++) {
    char c = text[i];
    if (in_str) {
      if (c == '\\') i++;
      else if (c == '"') in_str = 0;
    } else if (c == '"') {
      in_str = 1;
    } else if (c == '[' || c == '{') {
      if (++depth > SCENE_MAX_DEPTH)
        return mx_error_set(err, MX_EPARSE,
                            "%s:%zu: nested too deep (limit %d levels of arrays/objects) at byte "
                            "offset %zu",
                            path, scene_line(text, i), SCENE_MAX_DEPTH, i);
    } else if (c == ']' || c == '}') {
      depth--;
    }
  }
  return MX_OK;
}

/* "state.draws", "state.data[2]" ... into buf. */
static void scene_path_join(char *buf, size_t cap, const char *parent, const cJSON *item, int idx) {
  if (item->string) snprintf(buf, cap, "%s%s%s", parent, *parent ? "." : "", item->string);
  else snprintf(buf, cap, "%s[%d]", parent, idx);
}

/* A key that appears twice in one object (cJSON would keep the first). */
static int scene_check_dups(const char *path, const cJSON *node, const char *where, int depth,
                            mx_error *err) {
  const cJSON *a, *b;
  char sub[256];
  int i = 0, rc;
  if (depth > SCENE_MAX_DEPTH) return MX_OK;
  for (a = node->child; a; a = a->next, i++) {
    if (cJSON_IsObject(node) && a->string)
      for (b = a->next; b; b = b->next)
        if (b->string && !strcmp(a->string, b->string)) {
          scene_path_join(sub, sizeof sub, where, a, i);
          return mx_error_set(err, MX_EPARSE,
                              "%s: field \"%s\" appears twice (duplicate key; each field once)",
                              path, sub);
        }
    if (cJSON_IsObject(a) || cJSON_IsArray(a)) {
      scene_path_join(sub, sizeof sub, where, a, i);
      if ((rc = scene_check_dups(path, a, sub, depth + 1, err)) != MX_OK) return rc;
    }
  }
  return MX_OK;
}

/* Parse text strictly: depth limit, one JSON value and only whitespace after
 * it, no duplicate keys. */
static int scene_parse(const char *path, const char *text, size_t len, cJSON **out,
                       mx_error *err) {
  const char *end = NULL;
  int rc;
  *out = NULL;
  if ((rc = scene_check_depth(path, text, len, err)) != MX_OK) return rc;
  *out = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (!*out) {
    const char *at = cJSON_GetErrorPtr();
    size_t off = at && at >= text && at <= text + len ? (size_t)(at - text) : 0;
    return mx_error_set(err, MX_EPARSE, "%s:%zu: malformed JSON (byte offset %zu)", path,
                        scene_line(text, off), off);
  }
  while (end && end < text + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
    end++;
  if (end && end < text + len) {
    size_t off = (size_t)(end - text);
    cJSON_Delete(*out);
    *out = NULL;
    return mx_error_set(err, MX_EPARSE,
                        "%s:%zu: trailing garbage at byte offset %zu after the scene's JSON object",
                        path, scene_line(text, off), off);
  }
  if ((rc = scene_check_dups(path, *out, "", 0, err)) != MX_OK) {
    cJSON_Delete(*out);
    *out = NULL;
  }
  return rc;
}

int mx_scene_file_read(const char *path, cJSON **root, mx_error *err) {
  char *text;
  size_t len;
  int rc = mx_file_read_text(path, &text, &len, err); /* regular file, bounded, no NUL */
  *root = NULL;
  if (rc) return rc;
  if (len == 0) {
    free(text);
    return mx_error_set(err, MX_EEMPTY, "%s: empty file (expected a scene: a JSON object)", path);
  }
  rc = scene_parse(path, text, len, root, err);
  free(text);
  return rc;
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
  title = cJSON_GetObjectItemCaseSensitive(scene, "note");
  out->note = cJSON_IsString(title) ? title->valuestring : NULL;
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
