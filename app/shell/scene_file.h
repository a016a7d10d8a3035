/* mixscope — the scene file format (see scene.h for the fields): read, check
 * and build the JSON, list a directory's scenes. Knows nothing of mx_app: the
 * shell applies a checked scene (scene.c). */
#ifndef MIXSCOPE_SCENE_FILE_H
#define MIXSCOPE_SCENE_FILE_H

#include <cjson/cJSON.h>

#include "mixscope/error.h"
#include "views/view.h"

/* A checked scene: pointers into the cJSON tree it came from. */
typedef struct mx_scene {
  const mx_view *view;  /* the view it names */
  const cJSON *state;   /* its "state" object, or NULL */
  const char *title;    /* its "title", or NULL */
  const char *note;     /* its "note", or NULL */
} mx_scene;

/* Read and parse a scene file into *root (caller frees); the message names
 * the file and, for malformed JSON, the line. */
int mx_scene_file_read(const char *path, cJSON **root, mx_error *err);
/* Check a parsed scene (version, view, state) into *out; path only in messages. */
int mx_scene_check(const cJSON *scene, const char *path, mx_scene *out, mx_error *err);
/* A new scene object for view name with a view's saved state (taken over),
 * and the data source and directory if source is non-NULL. */
cJSON *mx_scene_build(const char *view, const char *source, const char *dir, cJSON *state);

/* The lecture's scene list: the *.json files of a directory in name order.
 * Fills up to max paths (each malloc'd; free with mx_scene_list_free); returns count or < 0. */
int mx_scene_list(const char *dir, char **paths, int max, mx_error *err);
void mx_scene_list_free(char **paths, int n);

#endif
