/* mixscope shot — render a view headless to PNG, exactly as the window draws it.
 *
 *   mixscope shot --view NAME --out FILE.png [--size WxH] [--mnist DIR]
 *                 [--scene FILE] [--set key=value]... [--keys "Space,Space,Right"]
 *                 [--click X,Y]... [--mouse X,Y] [--frames N]
 *                 [--save-scene FILE [--title T] [--note N]]
 *
 * Order: create the app on the view, apply --scene, then each --set, draw a
 * frame, feed each key (down, frame, up), each click (frame after), move the
 * mouse, draw N frames of 1/60 s, save the last frame atomically. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell/app.h"
#include "cli.h"
#include "shell/scene.h"

#define SHOT_MAX_SETS 64
#define SHOT_MAX_CLICKS 64

static void shot_usage(FILE *fp) {
  int i;
  fprintf(fp,
          "usage: mixscope shot --view NAME --out FILE.png [options]\n"
          "\n"
          "Render one view headless (no display needed) and save it as PNG.\n"
          "  --view NAME        the view: ");
  for (i = 0; i < mx_nviews; i++) fprintf(fp, "%s%s", mx_views[i]->name, i + 1 < mx_nviews ? ", " : "\n");
  fprintf(fp,
          "  --out FILE.png     output file (written atomically)\n"
          "  --size WxH         image size in pixels (default 1280x800)\n"
          "  --mnist DIR        MNIST directory (default: $MIXSCOPE_DATA, data/mnist, bundled sample)\n"
          "  --scene FILE       apply a saved scene first\n"
          "  --set key=value    set a view option (repeatable), e.g. --set split=test\n"
          "  --keys LIST        comma-separated keys fed in order, e.g. \"Space,Space,Right\"\n"
          "                     (SDL key names; prefixes Ctrl+ Shift+ Alt+)\n"
          "  --click X,Y        left click at pixel X,Y after the keys (repeatable)\n"
          "  --mouse X,Y        leave the mouse at X,Y (hover, tooltips)\n"
          "  --frames N         frames of 1/60 s to draw before saving (default 1)\n"
          "  --save-scene FILE  also save the resulting state as a scene (JSON, atomically)\n"
          "  --title T, --note N  the scene's title (shown on load) and lecture note\n"
          "Exit codes: 0 written, 1 error (data, view, file), 2 bad arguments.\n");
}

static int parse_xy(const char *s, int *x, int *y) {
  char *end;
  long a, b;
  a = strtol(s, &end, 10);
  if (end == s || *end != ',') return -1;
  s = end + 1;
  b = strtol(s, &end, 10);
  if (end == s || *end != '\0' || a < -100000 || a > 100000 || b < -100000 || b > 100000) return -1;
  *x = (int)a;
  *y = (int)b;
  return 0;
}

/* One key token ("Space", "Ctrl+Plus", "b", "B") to a keysym. */
static int parse_key(const char *tok, SDL_Keysym *ks) {
  Uint16 mod = 0;
  SDL_Keycode k;
  memset(ks, 0, sizeof *ks);
  for (;;) {
    if (!SDL_strncasecmp(tok, "ctrl+", 5) && tok[5]) {
      mod |= KMOD_LCTRL;
      tok += 5;
    } else if (!SDL_strncasecmp(tok, "shift+", 6) && tok[6]) {
      mod |= KMOD_LSHIFT;
      tok += 6;
    } else if (!SDL_strncasecmp(tok, "alt+", 4) && tok[4]) {
      mod |= KMOD_LALT;
      tok += 4;
    } else {
      break;
    }
  }
  if (!*tok) return -1;
  if (tok[1] == '\0') {
    unsigned char c = (unsigned char)tok[0];
    if (isupper(c)) {
      mod |= KMOD_LSHIFT;
      c = (unsigned char)tolower(c);
    }
    if (c == '?') {
      k = SDLK_SLASH;
      mod |= KMOD_LSHIFT;
    } else if (c == '+') {
      k = SDLK_EQUALS; /* the + key on a US layout */
      if (!(mod & KMOD_CTRL)) mod |= KMOD_LSHIFT;
    } else {
      k = (SDL_Keycode)c;
    }
  } else if (!SDL_strcasecmp(tok, "plus")) {
    k = SDLK_EQUALS;
  } else if (!SDL_strcasecmp(tok, "minus")) {
    k = SDLK_MINUS;
  } else {
    k = SDL_GetKeyFromName(tok);
    if (k == SDLK_UNKNOWN) return -1;
  }
  ks->sym = k;
  ks->scancode = SDL_GetScancodeFromKey(k);
  ks->mod = mod;
  return 0;
}

static void feed_key(mx_app *app, const SDL_Keysym *ks) {
  SDL_Event e;
  memset(&e, 0, sizeof e);
  e.type = SDL_KEYDOWN;
  e.key.state = SDL_PRESSED;
  e.key.keysym = *ks;
  mx_app_handle_event(app, &e);
  mx_app_frame(app, 1.0 / 60.0);
  e.type = SDL_KEYUP;
  e.key.state = SDL_RELEASED;
  mx_app_handle_event(app, &e);
}

static void feed_mouse(mx_app *app, Uint32 type, int x, int y) {
  SDL_Event e;
  memset(&e, 0, sizeof e);
  e.type = type;
  if (type == SDL_MOUSEMOTION) {
    e.motion.x = x;
    e.motion.y = y;
  } else {
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.clicks = 1;
    e.button.x = x;
    e.button.y = y;
  }
  mx_app_handle_event(app, &e);
}

int mx_cmd_shot(int argc, char **argv) {
  static const struct option longopts[] = {
    {"view", required_argument, NULL, 'v'},  {"out", required_argument, NULL, 'o'},
    {"size", required_argument, NULL, 'z'},  {"mnist", required_argument, NULL, 'm'},
    {"scene", required_argument, NULL, 's'}, {"set", required_argument, NULL, 'S'},
    {"keys", required_argument, NULL, 'k'},  {"click", required_argument, NULL, 'c'},
    {"mouse", required_argument, NULL, 'M'}, {"frames", required_argument, NULL, 'n'},
    {"save-scene", required_argument, NULL, 'W'}, {"title", required_argument, NULL, 'T'},
    {"note", required_argument, NULL, 'N'},  {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
  const char *view = NULL, *out = NULL, *keys = NULL, *scene_out = NULL, *title = NULL, *note = NULL;
  const char *sets[SHOT_MAX_SETS];
  int nsets = 0, nclicks = 0, clicks[SHOT_MAX_CLICKS][2], mouse_x = 0, mouse_y = 0, has_mouse = 0;
  long frames = 1;
  mx_app_options opt;
  mx_app *app;
  mx_error err;
  int c, i, rc;

  memset(&opt, 0, sizeof opt);
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
    case 'v': view = optarg; break;
    case 'o': out = optarg; break;
    case 'z':
      if (mx_app_parse_size(optarg, &opt.width, &opt.height) != 0)
        return mx_cli_usage_error("shot", "--size: '%s' is not WIDTHxHEIGHT (64..16384 each), e.g. 1280x800",
                                  optarg);
      break;
    case 'm': opt.mnist_dir = optarg; break;
    case 's': opt.scene = optarg; break;
    case 'S':
      if (nsets >= SHOT_MAX_SETS) return mx_cli_usage_error("shot", "too many --set options (max %d)", SHOT_MAX_SETS);
      if (!strchr(optarg, '=') || optarg[0] == '=')
        return mx_cli_usage_error("shot", "--set: '%s' is not key=value", optarg);
      sets[nsets++] = optarg;
      break;
    case 'k': keys = optarg; break;
    case 'W': scene_out = optarg; break;
    case 'T': title = optarg; break;
    case 'N': note = optarg; break;
    case 'c':
      if (nclicks >= SHOT_MAX_CLICKS) return mx_cli_usage_error("shot", "too many --click options");
      if (parse_xy(optarg, &clicks[nclicks][0], &clicks[nclicks][1]) != 0)
        return mx_cli_usage_error("shot", "--click: '%s' is not X,Y", optarg);
      nclicks++;
      break;
    case 'M':
      if (parse_xy(optarg, &mouse_x, &mouse_y) != 0)
        return mx_cli_usage_error("shot", "--mouse: '%s' is not X,Y", optarg);
      has_mouse = 1;
      break;
    case 'n':
      if (mx_cli_long("shot", "--frames", optarg, 0, 100000, &frames)) return 2;
      break;
    case 'h': shot_usage(stdout); return 0;
    case ':': return mx_cli_usage_error("shot", "option '%s' needs a value", argv[optind - 1]);
    default: return mx_cli_usage_error("shot", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return mx_cli_usage_error("shot", "unexpected argument '%s'", argv[optind]);
  if (!view && !opt.scene) return mx_cli_usage_error("shot", "--view NAME (or --scene FILE) is required");
  if (!out) return mx_cli_usage_error("shot", "--out FILE.png is required");
  if (view && !mx_view_find(view, NULL)) {
    char names[256] = "";
    for (i = 0; i < mx_nviews; i++) {
      strncat(names, mx_views[i]->name, sizeof names - strlen(names) - 1);
      if (i + 1 < mx_nviews) strncat(names, ", ", sizeof names - strlen(names) - 1);
    }
    return mx_cli_usage_error("shot", "unknown view '%s'; views are: %s", view, names);
  }
  /* validate the keys before doing any work */
  if (keys) {
    char buf[1024], *tok, *save = NULL;
    SDL_Keysym ks;
    snprintf(buf, sizeof buf, "%s", keys);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
      if (parse_key(tok, &ks) != 0)
        return mx_cli_usage_error("shot", "--keys: unknown key '%s' (use SDL names: Space, Right, "
                                  "Left, Return, a-z, 0-9, Ctrl+Plus, ...)", tok);
  }
  opt.view = view;
  mx_error_clear(&err);
  app = mx_app_create_headless(&opt, &err);
  if (!app) return mx_cli_fail("shot", &err);
  if (mx_app_view_error(app)) {
    fprintf(stderr, "mixscope shot: view '%s' could not start: %s\n", view ? view : "(from scene)",
            mx_app_view_error(app));
    mx_app_destroy(app);
    return 1;
  }
  for (i = 0; i < nsets; i++) {
    char kv[512], *eq;
    snprintf(kv, sizeof kv, "%s", sets[i]);
    eq = strchr(kv, '=');
    *eq = '\0';
    mx_error_clear(&err);
    rc = mx_app_view_set(app, kv, eq + 1, &err);
    if (rc) {
      mx_app_destroy(app);
      return mx_cli_usage_error("shot", "--set %s: %s", sets[i], err.msg[0] ? err.msg : mx_strerror(rc));
    }
  }
  mx_app_frame(app, 1.0 / 60.0);
  if (keys) {
    char buf[1024], *tok, *save = NULL;
    SDL_Keysym ks;
    snprintf(buf, sizeof buf, "%s", keys);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
      if (parse_key(tok, &ks) == 0) feed_key(app, &ks);
  }
  for (i = 0; i < nclicks; i++) {
    feed_mouse(app, SDL_MOUSEMOTION, clicks[i][0], clicks[i][1]);
    mx_app_frame(app, 1.0 / 60.0);
    feed_mouse(app, SDL_MOUSEBUTTONDOWN, clicks[i][0], clicks[i][1]);
    feed_mouse(app, SDL_MOUSEBUTTONUP, clicks[i][0], clicks[i][1]);
    mx_app_frame(app, 1.0 / 60.0);
  }
  if (has_mouse) feed_mouse(app, SDL_MOUSEMOTION, mouse_x, mouse_y);
  for (i = 0; i < frames; i++) mx_app_frame(app, 1.0 / 60.0);
  if (frames == 0 && has_mouse) mx_app_frame(app, 0.0);
  mx_error_clear(&err);
  rc = mx_app_save_png(app, out, &err);
  if (rc == 0 && scene_out) {
    cJSON *sc = mx_scene_capture(app, &err);
    if (!sc) {
      rc = err.code ? err.code : MX_EINVAL;
    } else {
      if (title) cJSON_AddStringToObject(sc, "title", title);
      if (note) cJSON_AddStringToObject(sc, "note", note);
      rc = mx_json_write_file(scene_out, sc, &err);
      cJSON_Delete(sc);
    }
  }
  mx_app_destroy(app);
  if (rc) return mx_cli_fail("shot", &err);
  return 0;
}
