/* mixscope — scenes applied to the app: capture the current view, apply a
 * checked scene (the format itself is scene_file.c). */
#include "scene.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixscope/json.h"
#include "shell.h"

cJSON *mx_scene_capture(mx_app *app, mx_error *err) {
  int idx = mx_app_view_index(app);
  const mx_view *v;
  void *state;
  cJSON *st;
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
  m = mx_app_mnist(app, &e2);
  return mx_scene_build(v->name, m ? mx_data_source_name(m->source) : NULL, m ? m->dir : NULL, st);
}

int mx_scene_save(mx_app *app, const char *path, mx_error *err) {
  cJSON *root = mx_scene_capture(app, err);
  int rc;
  if (!root) return err ? err->code : MX_EINVAL;
  rc = mx_json_write_file(path, root, err);
  cJSON_Delete(root);
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

/* A scene title with "{mnist_count}" replaced by the number of digits in use
 * (train + test, with thousands separators: "70,000", or "6,000" for the
 * bundled sample), so the title never states counts of data not loaded. */
static void scene_title_expand(mx_app *app, const char *title, char *out, size_t cap) {
  static const char key[] = "{mnist_count}";
  const char *at = strstr(title, key);
  const mx_mnist *m;
  char num[32], grouped[48];
  size_t len, i, j = 0;
  if (!at || !(m = mx_app_mnist(app, NULL))) {
    snprintf(out, cap, "%s", title);
    return;
  }
  len = (size_t)snprintf(num, sizeof num, "%zu", m->train.n + m->test.n);
  for (i = 0; i < len; i++) {
    if (i > 0 && (len - i) % 3 == 0) grouped[j++] = ',';
    grouped[j++] = num[i];
  }
  grouped[j] = '\0';
  snprintf(out, cap, "%.*s%s%s", (int)(at - title), title, grouped, at + sizeof key - 1);
}

int mx_scene_apply(mx_app *app, const cJSON *scene, const char *path, mx_error *err) {
  mx_scene sc;
  int rc, old = mx_app_view_index(app);
  void *vs;
  rc = mx_scene_check(scene, path, &sc, err);
  if (rc) return rc;
  rc = mx_app_set_view(app, sc.view->name, err);
  if (rc) return rc;
  vs = mx_app_view_state(app, sc.view->name);
  if (sc.state && sc.view->load && vs) {
    mx_error e2;
    mx_error_clear(&e2);
    rc = sc.view->load(vs, app, sc.state, &e2);
    if (rc) {
      /* the view kept its previous state; go back to the previous view too */
      if (old >= 0 && old < mx_nviews) mx_app_set_view(app, mx_views[old]->name, NULL);
      return scene_state_error(path, sc.view->name, sc.state, rc, &e2, err);
    }
  }
  if (sc.title) {
    char title[512];
    scene_title_expand(app, sc.title, title, sizeof title);
    char note[512];
    scene_title_expand(app, sc.note ? sc.note : "", note, sizeof note);
    mx_shell_scene_shown(app, title, note);
  } else {
    mx_shell_scene_shown(app, "", sc.note);
  }
  return MX_OK;
}

int mx_scene_load(mx_app *app, const char *path, mx_error *err) {
  cJSON *root;
  int rc = mx_scene_file_read(path, &root, err);
  if (rc) return rc;
  rc = mx_scene_apply(app, root, path, err);
  cJSON_Delete(root);
  return rc;
}
