/* mixscope — scenes: a small JSON file that captures a view's full state and
 * restores it exactly. Format (version 1):
 *   { "mixscope_scene": 1,
 *     "title": "Raw MLE θ gives NaN",          optional, shown in the status line
 *     "note":  "what to say in the lecture",   optional
 *     "view":  "theta",                        a view name (see `mixscope shot --help`)
 *     "data":  { "source": "sample", "dir": "..." },   written on save, informative on load
 *     "state": { ...view-specific... } }       what the view's save() wrote
 * Loading validates everything before touching the app: on any error the
 * current state is kept and the message names the file and the field.
 * The format is scene_file.h (no mx_app); this is the shell applying it. */
#ifndef MIXSCOPE_SCENE_H
#define MIXSCOPE_SCENE_H

#include <cjson/cJSON.h>

#include "app.h"
#include "scene_file.h"
#include "mixscope/error.h"

/* Capture the current view's state as a new scene object (caller frees). */
cJSON *mx_scene_capture(mx_app *app, mx_error *err);
/* Save the current view as a scene file, atomically. */
int mx_scene_save(mx_app *app, const char *path, mx_error *err);
/* Apply a parsed scene object (path used only in messages). */
int mx_scene_apply(mx_app *app, const cJSON *scene, const char *path, mx_error *err);
/* Read, validate and apply a scene file. */
int mx_scene_load(mx_app *app, const char *path, mx_error *err);

#endif
