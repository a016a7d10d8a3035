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

/* A view's load error with the field named as "state.KEY": the view says
 * `VIEW scene: "KEY" ...`, or the message starts with a file path that a
 * string field of the state holds (e.g. state.data). */
static int scene_state_error(const char *path, const char *view, const cJSON *state, int rc,
                             const mx_error *e2, mx_error *err) {
  const char *m = e2->msg[0] ? e2->msg : mx_strerror(rc);
  char prefix[64];
  const cJSON *it;
  size_t pl = (size_t)snprintf(prefix, sizeof prefix, "%s scene: \"", view);
  if (pl >= sizeof prefix || strncmp(m, prefix, pl)) /* the other style: `VIEW: field "KEY"` */
    pl = (size_t)snprintf(prefix, sizeof prefix, "%s: field \"", view);
  if (pl < sizeof prefix && !strncmp(m, prefix, pl)) {
    const char *key = m + pl, *q = strchr(key, '"');
    if (q) {
      const char *rest = q + 1, *sep = "";
      if (rest[0] == ':' && rest[1] == ' ') {
        sep = ": ";
        rest += 2;
      } else if (rest[0] == ' ') {
        sep = " ";
        rest++;
      }
      return mx_error_set(err, rc, "%s: field \"state.%.*s\"%s%s", path, (int)(q - key), key, sep,
                          rest);
    }
  }
  for (it = state ? state->child : NULL; it; it = it->next) {
    size_t n;
    if (!cJSON_IsString(it) || !it->string || !(n = strlen(it->valuestring))) continue;
    if (!strncmp(m, it->valuestring, n) && m[n] == ':')
      return mx_error_set(err, rc, "%s: field \"state.%s\": %s", path, it->string, m);
  }
  return mx_error_set(err, rc, "%s: field \"state\": %s", path, m);
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
      return scene_state_error(path, v->name, state, rc, &e2, err);
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
  int rc = mx_file_read_text(path, &text, &len, err); /* regular file, bounded, no NUL */
  if (rc) return rc;
  if (len == 0) {
    free(text);
    return mx_error_set(err, MX_EEMPTY, "%s: empty file (expected a scene: a JSON object)", path);
  }
  if ((rc = scene_parse(path, text, len, &root, err)) != MX_OK) {
    free(text);
    return rc;
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
