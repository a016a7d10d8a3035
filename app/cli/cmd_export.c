/* mixscope export — replay a scene headless and write an EM run as numbered
 * PNG frames (--out DIR) or an animated GIF (--out FILE.gif). Frame 0 is the
 * scene as loaded; each further frame follows one press of the step key.
 *
 * Nothing partial is ever left: frames go to a temporary folder beside the
 * target (DIR.tmp.XXXXXX), renamed to DIR only when all are written; an
 * existing DIR (frames only) stays as it was until then. Ctrl+C (SIGINT) or
 * SIGTERM sets a flag checked between frames; the temporary folder (and a
 * GIF's temp file) is removed and the command exits 130. */
#include <SDL.h>
#include <SDL_image.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell/app.h"
#include "cli.h"
#include "gif.h"
#include "mixscope/fileio.h"
#include "mixscope/json.h"
#include "shell/scene.h"

static const char *const CMD = "export";

static void export_usage(FILE *fp) {
  fprintf(fp,
          "usage: mixscope export --scene FILE --iters N --out DIR|FILE.gif [options]\n\n"
          "Replays a scene headless and presses the step key N times, writing N+1 frames.\n"
          "  --scene FILE    scene to start from (e.g. assets/scenes/05-gmm-em.json)\n"
          "  --iters N       EM iterations to export (1..10000)\n"
          "  --out PATH      a directory (frame_0000.png ...) or a file ending in .gif\n"
          "  --size WxH      frame size in pixels (default 1280x800)\n"
          "  --delay CS      GIF frame delay in 1/100 s (default 40)\n"
          "  --key NAME      the step key, an SDL key name (default Space)\n"
          "  --mnist DIR     MNIST directory (see mixscope --help)\n"
          "  --json          print the frames written and each frame's numbers as JSON\n\n"
          "Frames are written into a temporary folder beside DIR and renamed at the end;\n"
          "Ctrl+C removes it and leaves an existing DIR as it was (exit 130).\n");
}

typedef struct export_opts {
  const char *scene, *out, *keyname;
  long iters, delay;
  int w, h, json, gif;
  mx_app_options ao;
} export_opts;

static volatile sig_atomic_t export_stop;
static void export_on_signal(int sig) { export_stop = sig; }

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && !strcmp(s + a - b, suffix);
}

/* Options into *o; 0, or the exit code (2, or -1 for --help done). */
static int export_parse(int argc, char **argv, export_opts *o) {
  static const struct option opts[] = {
    {"scene", required_argument, 0, 's'}, {"iters", required_argument, 0, 'n'},
    {"out", required_argument, 0, 'o'},   {"size", required_argument, 0, 'z'},
    {"delay", required_argument, 0, 'd'}, {"key", required_argument, 0, 'k'},
    {"mnist", required_argument, 0, 'm'}, {"json", no_argument, 0, 'j'},
    {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
  int c;
  memset(o, 0, sizeof *o);
  o->keyname = "Space";
  o->iters = -1;
  o->delay = 40;
  o->w = 1280;
  o->h = 800;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 's': o->scene = optarg; break;
    case 'o': o->out = optarg; break;
    case 'k': o->keyname = optarg; break;
    case 'm': o->ao.mnist_dir = optarg; break;
    case 'j': o->json = 1; break;
    case 'n': if (mx_cli_long(CMD, "--iters", optarg, 1, 10000, &o->iters)) return 2; break;
    case 'd': if (mx_cli_long(CMD, "--delay", optarg, 1, 1000, &o->delay)) return 2; break;
    case 'z':
      if (sscanf(optarg, "%dx%d", &o->w, &o->h) != 2 || o->w < 320 || o->h < 240 || o->w > 7680 ||
          o->h > 4320)
        return mx_cli_usage_error(CMD, "--size: '%s' is not WxH between 320x240 and 7680x4320", optarg);
      break;
    case 'h': export_usage(stdout); return -1;
    default:
      return mx_cli_usage_error(CMD, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return mx_cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
  if (!o->scene) return mx_cli_usage_error(CMD, "--scene FILE is required");
  if (!o->out) return mx_cli_usage_error(CMD, "--out DIR|FILE.gif is required");
  if (o->iters < 0) return mx_cli_usage_error(CMD, "--iters N is required");
  if (SDL_GetKeyFromName(o->keyname) == SDLK_UNKNOWN)
    return mx_cli_usage_error(CMD, "--key: unknown key name '%s'", o->keyname);
  o->gif = ends_with(o->out, ".gif") || ends_with(o->out, ".GIF");
  return 0;
}

/* A name this command writes into a frames folder (frames and their atomic
 * writer's temp files). */
static int is_frame_name(const char *n) { return !strncmp(n, "frame_", 6); }

/* Remove a frames folder this command made: its frame files, then itself. */
static void frames_remove(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *de;
  char p[MX_TMP_LEN + 300];
  if (d) {
    while ((de = readdir(d)) != NULL)
      if (is_frame_name(de->d_name)) {
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        unlink(p);
      }
    closedir(d);
  }
  rmdir(dir);
}

/* An existing --out DIR may be replaced only if it is a folder of frames. */
static int frames_target_ok(const char *out) {
  struct stat st;
  DIR *d;
  struct dirent *de;
  int ok = 1;
  if (lstat(out, &st) != 0) return 1; /* new */
  if (!S_ISDIR(st.st_mode)) {
    fprintf(stderr, "mixscope export: %s: exists and is not a directory (%s)\n", out,
            S_ISLNK(st.st_mode) ? "a symbolic link" : "a file or device");
    return 0;
  }
  if (!(d = opendir(out))) {
    fprintf(stderr, "mixscope export: %s: %s\n", out, strerror(errno));
    return 0;
  }
  while (ok && (de = readdir(d)) != NULL)
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && !is_frame_name(de->d_name)) {
      fprintf(stderr,
              "mixscope export: %s: the folder holds '%s', which is not a frame; refusing to "
              "replace it (choose a new or empty folder)\n",
              out, de->d_name);
      ok = 0;
    }
  closedir(d);
  return ok;
}

/* Rename the finished temp folder tmp to out; an existing out is moved aside
 * first (rename onto an empty temp folder) and removed after. */
static int frames_commit(const char *tmp, const char *out) {
  char old[MX_TMP_LEN + 32];
  struct stat st;
  int had = lstat(out, &st) == 0;
  if (had) {
    snprintf(old, sizeof old, "%s.old.XXXXXX", out);
    if (!mkdtemp(old) || rename(out, old) != 0) {
      fprintf(stderr, "mixscope export: %s: cannot move the old frames aside: %s\n", out,
              strerror(errno));
      return 1;
    }
  }
  if (rename(tmp, out) != 0) {
    fprintf(stderr, "mixscope export: %s: cannot rename the new frames into place: %s\n", out,
            strerror(errno));
    if (had) rename(old, out);
    return 1;
  }
  if (had) frames_remove(old);
  return 0;
}

/* The scalar numbers of the view's state after frame i (iteration, loglik,
 * accuracy, ...), as one JSON object. */
static cJSON *frame_numbers(mx_app *app, long i, const char *file) {
  cJSON *o = cJSON_CreateObject(), *scene = mx_scene_capture(app, NULL), *it;
  cJSON_AddNumberToObject(o, "frame", (double)i);
  if (file) cJSON_AddStringToObject(o, "file", file);
  else cJSON_AddNullToObject(o, "file");
  it = scene ? cJSON_GetObjectItem(scene, "state") : NULL;
  for (it = it ? it->child : NULL; it; it = it->next)
    if (cJSON_IsNumber(it) || cJSON_IsBool(it) || cJSON_IsRaw(it))
      cJSON_AddItemToObject(o, it->string, cJSON_Duplicate(it, 0));
  cJSON_Delete(scene);
  return o;
}

/* Write the frames; 0, 1 (error, message printed) or 130 (interrupted). */
static int export_frames(const export_opts *o, mx_app *app, const char *dir, mx_gif *g,
                         cJSON *frames) {
  SDL_Keycode key = SDL_GetKeyFromName(o->keyname);
  char frame[MX_TMP_LEN + 32];
  mx_error err;
  long i;
  int rc;
  for (i = 0; i <= o->iters; i++) {
    if (export_stop) return 130;
    if (i > 0) mx_app_key(app, key, KMOD_NONE);
    mx_app_frame(app, 0.0);
    snprintf(frame, sizeof frame, "%s/frame_%04ld.png", dir, i);
    if (mx_app_save_png(app, frame, &err) != MX_OK) return mx_cli_fail(CMD, &err);
    if (frames) {
      char shown[MX_TMP_LEN + 32];
      snprintf(shown, sizeof shown, "%s/frame_%04ld.png", o->out, i);
      cJSON_AddItemToArray(frames, frame_numbers(app, i, g ? NULL : shown));
    }
    if (g) {
      SDL_Surface *s = IMG_Load(frame);
      if (!s) {
        mx_error_set(&err, MX_EIO, "%s: %s", frame, IMG_GetError());
        return mx_cli_fail(CMD, &err);
      }
      rc = mx_gif_add(g, s, (int)o->delay, &err);
      SDL_FreeSurface(s);
      unlink(frame);
      if (rc) return mx_cli_fail(CMD, &err);
    }
  }
  return export_stop ? 130 : 0;
}

/* A temp folder beside the target: OUT.tmp.XXXXXX (OUT without a trailing /). */
static int make_tmp_dir(const char *out, char *dir, size_t cap) {
  size_t n = strlen(out);
  while (n > 1 && out[n - 1] == '/') n--;
  if (n + sizeof ".tmp.XXXXXX" > cap) {
    fprintf(stderr, "mixscope export: %s: path too long\n", out);
    return 1;
  }
  memcpy(dir, out, n);
  memcpy(dir + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
  if (!mkdtemp(dir)) {
    fprintf(stderr, "mixscope export: %s: cannot create a temporary directory: %s\n", out,
            strerror(errno));
    dir[0] = '\0';
    return 1;
  }
  { /* the mode mkdir(out, 0777) would give (an existing folder keeps its own) */
    struct stat st;
    mode_t um = umask(0);
    umask(um);
    chmod(dir, stat(out, &st) == 0 && S_ISDIR(st.st_mode) ? (st.st_mode & 07777) : (0777 & ~um));
  }
  return 0;
}

static int export_report(const export_opts *o, cJSON *frames) {
  if (o->gif)
    fprintf(stderr, "mixscope export: wrote %s (%ld frames, %dx%d)\n", o->out, o->iters + 1, o->w,
            o->h);
  else
    fprintf(stderr, "mixscope export: wrote %ld frames to %s/frame_0000.png ...\n", o->iters + 1,
            o->out);
  if (frames) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "out", o->out);
    cJSON_AddStringToObject(root, "format", o->gif ? "gif" : "png");
    cJSON_AddNumberToObject(root, "frames_written", (double)(o->iters + 1));
    cJSON_AddNumberToObject(root, "width", o->w);
    cJSON_AddNumberToObject(root, "height", o->h);
    cJSON_AddItemToObject(root, "frames", cJSON_Duplicate(frames, 1));
    return mx_cli_print_json(root);
  }
  return 0;
}

int mx_cmd_export(int argc, char **argv) {
  export_opts o;
  mx_app *app = NULL;
  mx_error err;
  mx_gif *g = NULL;
  cJSON *frames = NULL;
  struct sigaction sa, old_int, old_term;
  char dir[MX_TMP_LEN];
  int rc = export_parse(argc, argv, &o);
  if (rc) return rc < 0 ? 0 : rc;
  dir[0] = '\0';
  o.ao.width = o.w;
  o.ao.height = o.h;
  mx_error_clear(&err);
  if (!(app = mx_app_create_headless(&o.ao, &err)) || mx_scene_load(app, o.scene, &err) != MX_OK) {
    rc = mx_cli_fail(CMD, &err);
    mx_app_destroy(app);
    return rc;
  }
  /* the temp folder is made only once the scene has loaded: a bad scene
   * leaves nothing behind */
  if ((!o.gif && !frames_target_ok(o.out)) || make_tmp_dir(o.out, dir, sizeof dir)) {
    mx_app_destroy(app);
    return 1;
  }
  if (o.gif && !(g = mx_gif_open(o.out, o.w, o.h, &err))) rc = mx_cli_fail(CMD, &err);
  if (!rc) {
    if (o.json) frames = cJSON_CreateArray();
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = export_on_signal;
    sigemptyset(&sa.sa_mask);
    export_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    rc = export_frames(&o, app, dir, g, frames);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
  }
  if (g) {
    int grc = mx_gif_close(g, rc == 0, &err);
    if (!rc && grc) rc = mx_cli_fail(CMD, &err);
  }
  if (!rc && !o.gif) rc = frames_commit(dir, o.out);
  if (rc == 130)
    fprintf(stderr, "mixscope export: interrupted; nothing written (%s left as it was)\n", o.out);
  if (rc) frames_remove(dir); /* interrupted or failed: no half-filled folder */
  else if (o.gif) rmdir(dir);
  if (!rc) rc = export_report(&o, frames);
  cJSON_Delete(frames);
  mx_app_destroy(app);
  return rc;
}
