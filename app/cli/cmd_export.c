/* mixscope export — replay a scene headless and write an EM run as numbered
 * PNG frames (--out DIR) or an animated GIF (--out FILE.gif). Frame 0 is the
 * scene as loaded; each further frame follows one press of the step key. */
#include <SDL.h>
#include <SDL_image.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell/app.h"
#include "cli.h"
#include "gif.h"
#include "mixscope/fileio.h"
#include "shell/scene.h"

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
          "  --mnist DIR     MNIST directory (see mixscope --help)\n");
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && !strcmp(s + a - b, suffix);
}

int mx_cmd_export(int argc, char **argv) {
  static const struct option opts[] = {
    {"scene", required_argument, 0, 's'}, {"iters", required_argument, 0, 'n'},
    {"out", required_argument, 0, 'o'},   {"size", required_argument, 0, 'z'},
    {"delay", required_argument, 0, 'd'}, {"key", required_argument, 0, 'k'},
    {"mnist", required_argument, 0, 'm'}, {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};
  const char *scene = NULL, *out = NULL, *keyname = "Space";
  long iters = -1, delay = 40;
  int c, w = 1280, h = 800, gif, rc = 0;
  long i;
  mx_app_options ao;
  mx_app *app;
  mx_error err;
  mx_gif *g = NULL;
  SDL_Keycode key;
  char dir[MX_TMP_LEN], frame[MX_TMP_LEN + 32];

  memset(&ao, 0, sizeof ao);
  dir[0] = '\0';
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 's': scene = optarg; break;
    case 'o': out = optarg; break;
    case 'k': keyname = optarg; break;
    case 'm': ao.mnist_dir = optarg; break;
    case 'n': if (mx_cli_long("export", "--iters", optarg, 1, 10000, &iters)) return 2; break;
    case 'd': if (mx_cli_long("export", "--delay", optarg, 1, 1000, &delay)) return 2; break;
    case 'z':
      if (sscanf(optarg, "%dx%d", &w, &h) != 2 || w < 320 || h < 240 || w > 7680 || h > 4320)
        return mx_cli_usage_error("export", "--size: '%s' is not WxH between 320x240 and 7680x4320", optarg);
      break;
    case 'h': export_usage(stdout); return 0;
    default:
      return mx_cli_usage_error("export", "unknown or incomplete option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return mx_cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
  if (!scene) return mx_cli_usage_error("export", "--scene FILE is required");
  if (!out) return mx_cli_usage_error("export", "--out DIR|FILE.gif is required");
  if (iters < 0) return mx_cli_usage_error("export", "--iters N is required");
  key = SDL_GetKeyFromName(keyname);
  if (key == SDLK_UNKNOWN) return mx_cli_usage_error("export", "--key: unknown key name '%s'", keyname);
  gif = ends_with(out, ".gif") || ends_with(out, ".GIF");

  ao.width = w;
  ao.height = h;
  mx_error_clear(&err);
  app = mx_app_create_headless(&ao, &err);
  if (!app) {
    rc = mx_cli_fail("export", &err);
    goto done;
  }
  if (mx_scene_load(app, scene, &err) != MX_OK) {
    rc = mx_cli_fail("export", &err);
    goto done;
  }
  /* frames go to DIR, or for a GIF to a private temp dir beside it; created
   * only once the scene has loaded, so a bad scene leaves nothing behind */
  if (gif) {
    snprintf(dir, sizeof dir, "%s.frames.XXXXXX", out);
    if (!mkdtemp(dir)) {
      fprintf(stderr, "mixscope export: %s: cannot create a temporary directory: %s\n", out,
              strerror(errno));
      dir[0] = '\0';
      rc = 1;
      goto done;
    }
  } else {
    snprintf(dir, sizeof dir, "%s", out);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
      fprintf(stderr, "mixscope export: %s: cannot create directory: %s\n", dir, strerror(errno));
      rc = 1;
      goto done;
    }
  }
  if (gif && !(g = mx_gif_open(out, w, h, &err))) {
    rc = mx_cli_fail("export", &err);
    goto done;
  }
  for (i = 0; i <= iters; i++) {
    if (i > 0) mx_app_key(app, key, KMOD_NONE);
    mx_app_frame(app, 0.0);
    snprintf(frame, sizeof frame, "%s/frame_%04ld.png", dir, i);
    if (mx_app_save_png(app, frame, &err) != MX_OK) {
      rc = mx_cli_fail("export", &err);
      goto done;
    }
    if (g) {
      SDL_Surface *s = IMG_Load(frame);
      if (!s) {
        mx_error_set(&err, MX_EIO, "%s: %s", frame, IMG_GetError());
        rc = mx_cli_fail("export", &err);
        goto done;
      }
      rc = mx_gif_add(g, s, (int)delay, &err);
      SDL_FreeSurface(s);
      unlink(frame);
      if (rc) {
        rc = mx_cli_fail("export", &err);
        goto done;
      }
    }
  }
  if (g) {
    int grc = mx_gif_close(g, 1, &err);
    g = NULL;
    if (grc) {
      rc = mx_cli_fail("export", &err);
      goto done;
    }
    fprintf(stderr, "mixscope export: wrote %s (%ld frames, %dx%d)\n", out, iters + 1, w, h);
  } else {
    fprintf(stderr, "mixscope export: wrote %ld frames to %s/frame_0000.png ...\n", iters + 1, dir);
  }
done:
  if (g) mx_gif_close(g, 0, NULL);
  if (gif && dir[0]) rmdir(dir);
  mx_app_destroy(app);
  return rc;
}
