/* mixscope shot — render a view headless to PNG, exactly as the window draws it.
 *
 *   mixscope shot --view NAME --out FILE.png [--size WxH] [--mnist DIR]
 *                 [--scene FILE] [--set key=value]... [--keys "Space,Space,Right"]
 *                 [--click X,Y]... [--mouse X,Y] [--frames N]
 *                 [--save-scene FILE [--title T] [--note N]]
 *                 [--text-scale X] [--layout-report FILE.json]
 *                 [--projector] [--theme dark|light]
 *
 * Order: create the app on the view, apply --scene, then each --set, draw a
 * frame, feed each key (down, frame, up), each click (frame after), move the
 * mouse, draw N frames of 1/60 s, save the last frame atomically. The layout
 * report lists the UI kit's layout faults of that last frame (see ui.h). */
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
          "  --text-scale X     text scale, as Ctrl +/- set it (0.5..3, default 1; 1.6 = 160%%)\n"
          "  --layout-report FILE.json  write the last frame's layout faults (texts cut\n"
          "                     by their box, clip rect, window or panel edge; texts that\n"
          "                     overlap): {\"clipped\": [...], \"overlaps\": [...]}\n"
          "  --projector        projector mode: thick lines, high contrast (F2 in the app)\n"
          "  --theme T          dark (default) or light (F3 in the app)\n"
          "  --json             print what was written (file, view, scene) as JSON\n"
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

/* What `shot` was asked to do. */
typedef struct shot_args {
  const char *view, *out, *keys, *scene_out, *title, *note, *layout_out;
  double text_scale;
  const char *sets[SHOT_MAX_SETS];
  int nsets, nclicks, clicks[SHOT_MAX_CLICKS][2], mouse_x, mouse_y, has_mouse, json;
  long frames;
  mx_app_options opt;
} shot_args;

/* One option into *a; 0, or the exit code (usage printed, or 2 after a message). */
static int shot_option(shot_args *a, int c, char **argv) {
  switch (c) {
  case 'v': a->view = optarg; break;
  case 'o': a->out = optarg; break;
  case 'z':
    if (mx_app_parse_size(optarg, &a->opt.width, &a->opt.height) != 0)
      return mx_cli_usage_error("shot", "--size: '%s' is not WIDTHxHEIGHT (64..16384 each), e.g. 1280x800",
                                optarg);
    break;
  case 'm': a->opt.mnist_dir = optarg; break;
  case 's': a->opt.scene = optarg; break;
  case 'S':
    if (a->nsets >= SHOT_MAX_SETS) return mx_cli_usage_error("shot", "too many --set options (max %d)", SHOT_MAX_SETS);
    if (!strchr(optarg, '=') || optarg[0] == '=')
      return mx_cli_usage_error("shot", "--set: '%s' is not key=value", optarg);
    a->sets[a->nsets++] = optarg;
    break;
  case 'k': a->keys = optarg; break;
  case 'j': a->json = 1; break;
  case 'W': a->scene_out = optarg; break;
  case 'T': a->title = optarg; break;
  case 'N': a->note = optarg; break;
  case 'x':
    if (mx_cli_double("shot", "--text-scale", optarg, MX_APP_SCALE_MIN, MX_APP_SCALE_MAX, &a->text_scale))
      return 2;
    break;
  case 'L': a->layout_out = optarg; break;
  case 'P': a->opt.projector = 1; break;
  case 't':
    if (mx_app_parse_theme(optarg, &a->opt.light) != 0)
      return mx_cli_usage_error("shot", "--theme: '%s' is not dark or light", optarg);
    break;
  case 'c':
    if (a->nclicks >= SHOT_MAX_CLICKS) return mx_cli_usage_error("shot", "too many --click options");
    if (parse_xy(optarg, &a->clicks[a->nclicks][0], &a->clicks[a->nclicks][1]) != 0)
      return mx_cli_usage_error("shot", "--click: '%s' is not X,Y", optarg);
    a->nclicks++;
    break;
  case 'M':
    if (parse_xy(optarg, &a->mouse_x, &a->mouse_y) != 0)
      return mx_cli_usage_error("shot", "--mouse: '%s' is not X,Y", optarg);
    a->has_mouse = 1;
    break;
  case 'n':
    if (mx_cli_long("shot", "--frames", optarg, 0, 100000, &a->frames)) return 2;
    break;
  case 'h': shot_usage(stdout); return -2;
  case ':': return mx_cli_usage_error("shot", "option '%s' needs a value", argv[optind - 1]);
  default: return mx_cli_usage_error("shot", "unknown option '%s'", argv[optind - 1]);
  }
  return 0;
}

/* Parse and check the command line into *a: -1 to go on, else the exit code. */
static int shot_parse(int argc, char **argv, shot_args *a) {
  static const struct option longopts[] = {
    {"view", required_argument, NULL, 'v'},  {"out", required_argument, NULL, 'o'},
    {"size", required_argument, NULL, 'z'},  {"mnist", required_argument, NULL, 'm'},
    {"scene", required_argument, NULL, 's'}, {"set", required_argument, NULL, 'S'},
    {"keys", required_argument, NULL, 'k'},  {"click", required_argument, NULL, 'c'},
    {"mouse", required_argument, NULL, 'M'}, {"frames", required_argument, NULL, 'n'},
    {"save-scene", required_argument, NULL, 'W'}, {"title", required_argument, NULL, 'T'},
    {"note", required_argument, NULL, 'N'},  {"help", no_argument, NULL, 'h'},
    {"json", no_argument, NULL, 'j'},        {"text-scale", required_argument, NULL, 'x'},
    {"layout-report", required_argument, NULL, 'L'}, {"projector", no_argument, NULL, 'P'},
    {"theme", required_argument, NULL, 't'},
    {NULL, 0, NULL, 0}};
  int c, i, rc;
  memset(a, 0, sizeof *a);
  a->frames = 1;
  a->text_scale = 1.0;
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1)
    if ((rc = shot_option(a, c, argv)) != 0) return rc == -2 ? 0 : rc;
  if (optind < argc) return mx_cli_usage_error("shot", "unexpected argument '%s'", argv[optind]);
  if (!a->view && !a->opt.scene) return mx_cli_usage_error("shot", "--view NAME (or --scene FILE) is required");
  if (!a->out) return mx_cli_usage_error("shot", "--out FILE.png is required");
  if (a->view && !mx_view_find(a->view, NULL)) {
    char names[256] = "";
    for (i = 0; i < mx_nviews; i++) {
      strncat(names, mx_views[i]->name, sizeof names - strlen(names) - 1);
      if (i + 1 < mx_nviews) strncat(names, ", ", sizeof names - strlen(names) - 1);
    }
    return mx_cli_usage_error("shot", "unknown view '%s'; views are: %s", a->view, names);
  }
  /* validate the keys before doing any work */
  if (a->keys) {
    char buf[1024], *tok, *save = NULL;
    SDL_Keysym ks;
    snprintf(buf, sizeof buf, "%s", a->keys);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
      if (parse_key(tok, &ks) != 0)
        return mx_cli_usage_error("shot", "--keys: unknown key '%s' (use SDL names: Space, Right, "
                                  "Left, Return, a-z, 0-9, Ctrl+Plus, ...)", tok);
  }
  a->opt.view = a->view;
  return -1;
}

/* The --set options, in order; 0 or the exit code (the app is freed then). */
static int shot_apply_sets(mx_app *app, const shot_args *a) {
  mx_error err;
  int i, rc;
  for (i = 0; i < a->nsets; i++) {
    char kv[512], *eq;
    snprintf(kv, sizeof kv, "%s", a->sets[i]);
    eq = strchr(kv, '=');
    *eq = '\0';
    mx_error_clear(&err);
    rc = mx_app_view_set(app, kv, eq + 1, &err);
    if (rc) {
      mx_app_destroy(app);
      return mx_cli_usage_error("shot", "--set %s: %s", a->sets[i], err.msg[0] ? err.msg : mx_strerror(rc));
    }
  }
  return 0;
}

/* The first frame, then the keys, clicks, mouse position and extra frames. */
static void shot_play(mx_app *app, const shot_args *a) {
  long i;
  mx_app_frame(app, 1.0 / 60.0);
  if (a->keys) {
    char buf[1024], *tok, *save = NULL;
    SDL_Keysym ks;
    snprintf(buf, sizeof buf, "%s", a->keys);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
      if (parse_key(tok, &ks) == 0) feed_key(app, &ks);
  }
  for (i = 0; i < a->nclicks; i++) {
    feed_mouse(app, SDL_MOUSEMOTION, a->clicks[i][0], a->clicks[i][1]);
    mx_app_frame(app, 1.0 / 60.0);
    feed_mouse(app, SDL_MOUSEBUTTONDOWN, a->clicks[i][0], a->clicks[i][1]);
    feed_mouse(app, SDL_MOUSEBUTTONUP, a->clicks[i][0], a->clicks[i][1]);
    mx_app_frame(app, 1.0 / 60.0);
  }
  if (a->has_mouse) feed_mouse(app, SDL_MOUSEMOTION, a->mouse_x, a->mouse_y);
  for (i = 0; i < a->frames; i++) mx_app_frame(app, 1.0 / 60.0);
  if (a->frames == 0 && a->has_mouse) mx_app_frame(app, 0.0);
}

/* The PNG, and the scene if asked for (with its title and note). */
static int shot_save(mx_app *app, const shot_args *a, mx_error *err) {
  int rc = mx_app_save_png(app, a->out, err);
  if (rc == 0 && a->scene_out) {
    cJSON *sc = mx_scene_capture(app, err);
    if (!sc) {
      rc = err->code ? err->code : MX_EINVAL;
    } else {
      if (a->title) cJSON_AddStringToObject(sc, "title", a->title);
      if (a->note) cJSON_AddStringToObject(sc, "note", a->note);
      rc = mx_json_write_file(a->scene_out, sc, err);
      cJSON_Delete(sc);
    }
  }
  return rc;
}

static cJSON *rect_json(mx_rect r) {
  int v[4];
  v[0] = r.x;
  v[1] = r.y;
  v[2] = r.w;
  v[3] = r.h;
  return cJSON_CreateIntArray(v, 4);
}

/* The layout faults of the last frame as {"clipped": [...], "overlaps": [...]};
 * *nclip, *nover their numbers. */
static cJSON *shot_layout_json(mx_app *app, int *nclip, int *nover) {
  int n, i;
  const mx_layout_fault *f = mx_ui_layout_faults(mx_app_ui(app), &n);
  cJSON *o = cJSON_CreateObject(), *clip = cJSON_AddArrayToObject(o, "clipped"),
        *over = cJSON_AddArrayToObject(o, "overlaps");
  *nclip = *nover = 0;
  for (i = 0; i < n; i++) {
    cJSON *it = cJSON_CreateObject();
    cJSON_AddStringToObject(it, "text", f[i].text);
    cJSON_AddItemToObject(it, "rect", rect_json(f[i].rect));
    if (f[i].kind == MX_LAYOUT_CLIPPED) {
      cJSON_AddStringToObject(it, "why", f[i].why);
      cJSON_AddItemToObject(it, "box", rect_json(f[i].box));
      cJSON_AddItemToArray(clip, it);
      (*nclip)++;
    } else {
      cJSON_AddStringToObject(it, "other", f[i].other);
      cJSON_AddItemToObject(it, "other_rect", rect_json(f[i].box));
      cJSON_AddItemToArray(over, it);
      (*nover)++;
    }
  }
  return o;
}

/* --layout-report: the report, atomically; *nclip, *nover the counts. */
static int shot_layout_save(mx_app *app, const char *path, int *nclip, int *nover, mx_error *err) {
  cJSON *o = shot_layout_json(app, nclip, nover);
  int rc = o ? mx_json_write_file(path, o, err) : mx_error_set(err, MX_ENOMEM, "out of memory");
  cJSON_Delete(o);
  return rc;
}

/* --json: what was written (the PNG, the view, the scene file if any, the
 * layout fault counts if a report was asked for). */
static int shot_print_json(mx_app *app, const shot_args *a, int nclip, int nover) {
  cJSON *o = cJSON_CreateObject();
  int v = mx_app_view_index(app);
  cJSON_AddStringToObject(o, "out", a->out);
  cJSON_AddStringToObject(o, "view", v >= 0 && v < mx_nviews ? mx_views[v]->name : "");
  cJSON_AddNumberToObject(o, "frames", (double)a->frames);
  if (a->scene_out) cJSON_AddStringToObject(o, "scene_saved", a->scene_out);
  else cJSON_AddNullToObject(o, "scene_saved");
  if (a->layout_out) {
    cJSON *l = cJSON_AddObjectToObject(o, "layout");
    cJSON_AddStringToObject(l, "report", a->layout_out);
    cJSON_AddNumberToObject(l, "clipped", nclip);
    cJSON_AddNumberToObject(l, "overlaps", nover);
  }
  return mx_cli_print_json(o);
}

int mx_cmd_shot(int argc, char **argv) {
  shot_args a;
  mx_app *app;
  mx_error err;
  int rc = shot_parse(argc, argv, &a), nclip = 0, nover = 0;
  if (rc >= 0) return rc;
  mx_error_clear(&err);
  app = mx_app_create_headless(&a.opt, &err);
  if (!app) return mx_cli_fail("shot", &err);
  if (mx_app_view_error(app)) {
    fprintf(stderr, "mixscope shot: view '%s' could not start: %s\n", a.view ? a.view : "(from scene)",
            mx_app_view_error(app));
    mx_app_destroy(app);
    return 1;
  }
  rc = shot_apply_sets(app, &a);
  if (rc) return rc;
  mx_app_set_font_scale(app, (float)a.text_scale);
  if (a.layout_out) mx_ui_layout_record(mx_app_ui(app), 1);
  shot_play(app, &a);
  mx_error_clear(&err);
  rc = shot_save(app, &a, &err);
  if (rc == 0 && a.layout_out) rc = shot_layout_save(app, a.layout_out, &nclip, &nover, &err);
  if (rc == 0 && a.json) rc = shot_print_json(app, &a, nclip, nover) ? MX_EIO : 0;
  mx_app_destroy(app);
  if (rc) return mx_cli_fail("shot", &err);
  return 0;
}
