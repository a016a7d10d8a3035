/* mixscope — the explorer's window: command line, display checks, window and
 * renderer, and the frame loop (mx_shell_iterate is one frame's work). */
#include "shell.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ window */

static void app_usage(FILE *fp) {
  int i;
  fprintf(fp,
          "usage: mixscope [--mnist DIR] [--view NAME] [--scene FILE] [--fullscreen] [--size WxH]\n"
          "                [--projector] [--theme dark|light]\n"
          "\n"
          "Start the interactive explorer (needs a display).\n"
          "  --mnist DIR     MNIST directory (IDX files, raw or .gz)\n"
          "  --view NAME     first view: ");
  for (i = 0; i < mx_nviews; i++) fprintf(fp, "%s%s", mx_views[i]->name, i + 1 < mx_nviews ? ", " : "\n");
  fprintf(fp,
          "  --scene FILE    open a saved scene (JSON)\n"
          "  --fullscreen    start in desktop fullscreen (F or F11 toggles)\n"
          "  --size WxH      window size (default 1280x800)\n"
          "  --projector     projector mode: thick lines, high contrast (F2 toggles)\n"
          "  --theme T       dark (default) or light, for bright rooms (F3 toggles)\n"
          "Without a display, render views with: mixscope shot --view NAME --out FILE.png\n"
          "Headless commands: mixscope --help\n");
}

static int no_display_exit(const char *why) {
  fprintf(stderr,
          "mixscope: no display available (%s).\n"
          "To render a view without a display, use:\n"
          "  mixscope shot --view NAME --out FILE.png\n"
          "(see 'mixscope shot --help'; 'mixscope --help' lists the headless commands)\n",
          why);
  return 3;
}

static int display_present(const char **why) {
#if defined(__linux__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
  const char *drv = getenv("SDL_VIDEODRIVER");
  const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
  if (drv && (!strcmp(drv, "dummy") || !strcmp(drv, "offscreen"))) {
    *why = "SDL_VIDEODRIVER selects an offscreen driver";
    return 0;
  }
  if (drv && *drv) return 1; /* e.g. kmsdrm: let SDL decide */
  if ((!x || !*x) && (!wl || !*wl)) {
    *why = "neither DISPLAY nor WAYLAND_DISPLAY is set";
    return 0;
  }
#endif
  (void)why;
  return 1;
}

/* Parse the command line into *opt, *w, *h. -1 to go on, else the exit code
 * (0 after --help, 2 after a message on a bad argument). */
static int shell_parse(int argc, char **argv, mx_app_options *opt, int *w, int *h) {
  static const struct option longopts[] = {
    {"mnist", required_argument, NULL, 'm'}, {"view", required_argument, NULL, 'v'},
    {"scene", required_argument, NULL, 's'}, {"fullscreen", no_argument, NULL, 'f'},
    {"size", required_argument, NULL, 'z'},  {"help", no_argument, NULL, 'h'},
    {"projector", no_argument, NULL, 'P'},   {"theme", required_argument, NULL, 't'},
    {NULL, 0, NULL, 0}};
  int c;
  memset(opt, 0, sizeof *opt);
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
    case 'm': opt->mnist_dir = optarg; break;
    case 'v': opt->view = optarg; break;
    case 's': opt->scene = optarg; break;
    case 'f': opt->fullscreen = 1; break;
    case 'z':
      if (mx_app_parse_size(optarg, w, h) != 0) {
        fprintf(stderr, "mixscope: --size: '%s' is not WIDTHxHEIGHT (64..16384 each), e.g. 1280x800\n",
                optarg);
        return 2;
      }
      break;
    case 'P': opt->projector = 1; break;
    case 't':
      if (mx_app_parse_theme(optarg, &opt->light) != 0) {
        fprintf(stderr, "mixscope: --theme: '%s' is not dark or light\n", optarg);
        return 2;
      }
      break;
    case 'h': app_usage(stdout); return 0;
    case ':':
      fprintf(stderr, "mixscope: option '%s' needs a value\nTry 'mixscope --help'.\n", argv[optind - 1]);
      return 2;
    default:
      fprintf(stderr, "mixscope: unknown option '%s'\nTry 'mixscope --help'.\n", argv[optind - 1]);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "mixscope: unexpected argument '%s'\nTry 'mixscope --help'.\n", argv[optind]);
    return 2;
  }
  if (opt->view && !mx_view_find(opt->view, NULL)) {
    fprintf(stderr, "mixscope: --view: unknown view '%s'; views are:", opt->view);
    for (c = 0; c < mx_nviews; c++) fprintf(stderr, " %s", mx_views[c]->name);
    fprintf(stderr, "\n");
    return 2;
  }
  opt->width = *w;
  opt->height = *h;
  return -1;
}

/* SDL video up on a real display; -1 to go on, else the exit code (3). */
static int shell_open_video(void) {
  const char *why = "", *drv;
  if (!display_present(&why)) return no_display_exit(why);
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
    char msg[300];
    snprintf(msg, sizeof msg, "SDL_Init: %s", SDL_GetError());
    return no_display_exit(msg);
  }
  /* SDL falls back to its offscreen driver when no real display answers */
  drv = SDL_GetCurrentVideoDriver();
  if (!drv || !strcmp(drv, "offscreen") || !strcmp(drv, "dummy") || !strcmp(drv, "evdev")) {
    char msg[160];
    snprintf(msg, sizeof msg, "SDL found only the '%s' video driver", drv ? drv : "(none)");
    SDL_Quit();
    return no_display_exit(msg);
  }
  SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
  return -1;
}

/* The window, its renderer, the app and the first view; NULL with *rc (SDL is
 * shut down then). */
static mx_app *shell_open(const mx_app_options *opt, int w, int h, int *rc) {
  mx_app *app = calloc(1, sizeof *app);
  mx_error err;
  Uint32 flags;
  if (!app) {
    SDL_Quit();
    fprintf(stderr, "mixscope: out of memory\n");
    *rc = 1;
    return NULL;
  }
  flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
  if (opt->fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  app->win = SDL_CreateWindow("mixscope", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
  if (!app->win) {
    char msg[300];
    snprintf(msg, sizeof msg, "SDL_CreateWindow: %s", SDL_GetError());
    free(app);
    SDL_Quit();
    *rc = no_display_exit(msg);
    return NULL;
  }
  app->fullscreen = opt->fullscreen;
  SDL_SetWindowMinimumSize(app->win, 640, 400);
  app->ren = SDL_CreateRenderer(app->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
  if (!app->ren) app->ren = SDL_CreateRenderer(app->win, -1, SDL_RENDERER_SOFTWARE);
  if (!app->ren) {
    fprintf(stderr, "mixscope: cannot create a renderer: %s\n", SDL_GetError());
    SDL_DestroyWindow(app->win);
    free(app);
    SDL_Quit();
    *rc = 1;
    return NULL;
  }
  SDL_GetWindowSize(app->win, &app->win_w, &app->win_h);
  SDL_GetRendererOutputSize(app->ren, &app->out_w, &app->out_h);
  mx_error_clear(&err);
  if (mx_shell_init(app, opt, &err) != 0) {
    fprintf(stderr, "mixscope: %s\n", err.msg);
    mx_app_destroy(app);
    SDL_Quit();
    *rc = 1;
    return NULL;
  }
  if (mx_shell_start_view(app, opt, &err) != 0) {
    /* a bad scene file: say so and keep running on the first view */
    fprintf(stderr, "mixscope: %s\n", err.msg);
    mx_app_error(app, "%s", err.msg);
  }
  return app;
}

/* One pass of the window loop: pending events, then one frame, then sleep to
 * 60 Hz. *prev is the previous frame's performance counter. 0 once the user
 * asked to quit (no frame drawn then), else 1. */
int mx_shell_iterate(mx_app *app, Uint64 *prev) {
  SDL_Event e;
  Uint64 now, t0, freq = SDL_GetPerformanceFrequency();
  double dt, spent;
  while (SDL_PollEvent(&e)) mx_app_handle_event(app, &e);
  if (app->quit) return 0;
  now = SDL_GetPerformanceCounter();
  dt = (double)(now - *prev) / (double)freq;
  *prev = now;
  t0 = now;
  mx_app_frame(app, dt);
  spent = (double)(SDL_GetPerformanceCounter() - t0) / (double)freq;
  if (spent < 1.0 / 60.0 - 0.001) SDL_Delay((Uint32)((1.0 / 60.0 - spent) * 1000.0));
  return 1;
}

mx_app *mx_app_open(int argc, char **argv, int *rc) {
  mx_app_options opt;
  int w = APP_DEFAULT_W, h = APP_DEFAULT_H;
  *rc = shell_parse(argc, argv, &opt, &w, &h);
  if (*rc >= 0) return NULL;
  *rc = shell_open_video();
  if (*rc >= 0) return NULL;
  return shell_open(&opt, w, h, rc);
}

void mx_app_set_file_hook(mx_app *app, void (*hook)(const char *path, const char *mime)) {
  app->file_hook = hook;
}

int mx_app_main(int argc, char **argv) {
  mx_app *app;
  int rc;
  Uint64 prev;
  app = mx_app_open(argc, argv, &rc);
  if (!app) return rc;
  prev = SDL_GetPerformanceCounter();
  while (!app->quit && mx_shell_iterate(app, &prev)) {
  }
  mx_app_destroy(app);
  SDL_Quit();
  return 0;
}
