/* libFuzzer harness: the scene loader (mx_scene_load) on a headless app.
 *
 * One headless app (400x300, the bundled MNIST sample) is created on the first
 * input and kept: loading a scene validates it and applies it to the app, so
 * the views' load() functions see every mutated "state". Each input is written
 * to an in-memory file (memfd). After a successful load the harness draws one
 * frame, captures the scene again, prints and re-parses it and applies it (a
 * scene the app saved must load back). A failed load must name the file. The regression
 * test (tests/test_app_fuzz_regress.c) includes this file with
 * MX_FUZZ_NO_MAIN and replays the corpus through a fresh app. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memfd_create */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shell/app.h"
#include "shell/scene.h"

/* The app used by the harness: 400x300, bundled sample. NULL with *err. */
static mx_app *fuzz_scene_app(mx_error *err) {
  mx_app_options o;
  memset(&o, 0, sizeof o);
  o.mnist_dir = MX_SOURCE_DIR "/assets/mnist-sample";
  o.width = 400;
  o.height = 300;
  setenv("SDL_VIDEODRIVER", "dummy", 0);
  setenv("SDL_AUDIODRIVER", "dummy", 0);
  return mx_app_create_headless(&o, err);
}

/* Load path into app and check the loader's contract. NULL if it holds. */
static const char *fuzz_scene_check(mx_app *app, const char *path) {
  mx_error err;
  cJSON *cap;
  char *text;
  int rc;
  mx_error_clear(&err);
  rc = mx_scene_load(app, path, &err);
  if (rc != MX_OK) {
    if (rc >= 0) return "failure with a non-negative code";
    if (err.code != rc) return "err.code differs from the returned code";
    if (!err.msg[0]) return "failure without a message";
    if (strncmp(err.msg, path, strlen(path)) != 0) return "error message does not start with the path";
    mx_app_frame(app, 1.0 / 60); /* the app must still draw after a rejected scene */
    return NULL;
  }
  mx_app_frame(app, 1.0 / 60);
  mx_app_frame(app, 1.0 / 60);
  cap = mx_scene_capture(app, &err);
  if (!cap) return NULL; /* a view without save() (or not created) cannot be captured */
  /* through text, as mx_scene_save + mx_scene_load do */
  text = cJSON_PrintUnformatted(cap);
  cJSON_Delete(cap);
  if (!text) return NULL;
  cap = cJSON_Parse(text);
  cJSON_free(text);
  if (!cap) return "a captured scene does not print as valid JSON";
  rc = mx_scene_apply(app, cap, "captured", &err);
  cJSON_Delete(cap);
  if (rc != MX_OK) {
    fprintf(stderr, "re-apply: %s\n", err.msg);
    return "a scene captured right after loading does not apply again";
  }
  mx_app_frame(app, 1.0 / 60);
  return NULL;
}

#ifndef MX_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int fd = -1;
  static char path[64];
  static mx_app *app;
  const char *bad;
  if (!app) {
    mx_error err;
    app = fuzz_scene_app(&err);
    if (!app) {
      fprintf(stderr, "fuzz_scene: cannot create the headless app: %s\n", err.msg);
      abort();
    }
    fd = memfd_create("mx-fuzz-scene", 0);
    if (fd < 0) {
      perror("memfd_create");
      abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  if (size > 65536) return 0; /* scenes are small; keep each run short */
  if (ftruncate(fd, 0) != 0) abort();
  if (size && pwrite(fd, data, size, 0) != (ssize_t)size) abort();
  bad = fuzz_scene_check(app, path);
  if (bad) {
    fprintf(stderr, "fuzz_scene: invariant violated: %s\n", bad);
    abort();
  }
  return 0;
}
#endif
