/* Monkey test: a headless app (640x400, bundled MNIST sample) fed a long
 * stream of random events from a seeded RNG (gsl mt19937, seed 20240521):
 * key presses (number keys to switch views, Tab, every key named in the
 * views' keys[] help, arrows, brackets, letters, with random Shift / Ctrl),
 * mouse motion / clicks / drags / wheel, window resize / leave events and
 * text input, with a frame drawn every ~20 events. Passing means:
 *   - no crash (ASan / UBSan catch memory errors in a sanitizer build),
 *   - every view starts (mx_app_view_error stays NULL),
 *   - every few frames the current view's captured scene state (its save())
 *     holds no NaN number and no "nan" string: the views' numeric state stays
 *     finite (the theta view's notes' NaN is drawn, never stored),
 *   - the status line never shows a "nan" token except in the theta view, whose
 *     lecture point is the notes' NaN.
 * Events: MX_MONKEY_EVENTS (default 100000; 20000 in a sanitizer build).
 * MX_MONKEY_SEED overrides the seed; MX_MONKEY_SKIP="moe,bmm" keeps the named
 * views out (to explore past a known bug; the default run visits all). */
#include <SDL.h>
#include <ctype.h>
#include <dirent.h>
#include <unistd.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell/app.h"
#include "shell/scene.h"
#include "test.h"

#if defined(__SANITIZE_ADDRESS__)
#define MONKEY_DEFAULT_EVENTS 20000
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MONKEY_DEFAULT_EVENTS 20000
#endif
#endif
#ifndef MONKEY_DEFAULT_EVENTS
#define MONKEY_DEFAULT_EVENTS 100000
#endif

#define W 640
#define H 400
#define MAXKEYS 256

static SDL_Keycode pool[MAXKEYS];
static int npool;

static void pool_add(SDL_Keycode k) {
  int i;
  if (k == SDLK_UNKNOWN || npool >= MAXKEYS) return;
  /* P writes a screenshot file and F11 / Ctrl Q only toggle window state:
   * exercised a few times on purpose below, not at random */
  if (k == SDLK_p) return;
  for (i = 0; i < npool; i++)
    if (pool[i] == k) return;
  pool[npool++] = k;
}

/* The keys: a fixed base set plus every token of the key map (mx_keymap) that
 * SDL knows by name ("Space / Right" -> Space, Right; "[  ]" -> [, ]). */
static void build_pool(void) {
  static const SDL_Keycode base[] = {
    SDLK_1, SDLK_2, SDLK_3, SDLK_4, SDLK_5, SDLK_6, SDLK_7, SDLK_0, SDLK_TAB, SDLK_SPACE,
    SDLK_RETURN, SDLK_ESCAPE, SDLK_BACKSPACE, SDLK_DELETE, SDLK_LEFT, SDLK_RIGHT, SDLK_UP,
    SDLK_DOWN, SDLK_HOME, SDLK_END, SDLK_PAGEUP, SDLK_PAGEDOWN, SDLK_LEFTBRACKET,
    SDLK_RIGHTBRACKET, SDLK_PLUS, SDLK_MINUS, SDLK_EQUALS, SDLK_KP_PLUS, SDLK_KP_MINUS,
    SDLK_COMMA, SDLK_PERIOD, SDLK_SLASH, SDLK_QUESTION, SDLK_F1, SDLK_h, SDLK_c, SDLK_l,
    SDLK_m, SDLK_f};
  size_t i;
  char c;
  const mx_keyrow *kh;
  for (i = 0; i < sizeof base / sizeof base[0]; i++) pool_add(base[i]);
  for (c = 'a'; c <= 'z'; c++) pool_add((SDL_Keycode)c);
  for (kh = mx_keymap; kh->key; kh++) { /* every view's keys and the shell's */
    char buf[64], *tok, *save = NULL;
    snprintf(buf, sizeof buf, "%s", kh->key);
    for (tok = strtok_r(buf, " /", &save); tok; tok = strtok_r(NULL, " /", &save)) {
      if (!strncmp(tok, "Shift+", 6)) tok += 6;
      pool_add(SDL_GetKeyFromName(tok));
    }
  }
}

/* Non-zero if the JSON holds a NaN number or a "nan" string anywhere. */
static int json_has_nan(const cJSON *j, char *where, size_t n) {
  const cJSON *c;
  if (cJSON_IsNumber(j) && isnan(j->valuedouble)) {
    snprintf(where, n, "%s", j->string ? j->string : "(array item)");
    return 1;
  }
  if (cJSON_IsString(j) && j->valuestring && !strcmp(j->valuestring, "nan")) {
    snprintf(where, n, "%s", j->string ? j->string : "(array item)");
    return 1;
  }
  if (cJSON_IsRaw(j) && j->valuestring && strstr(j->valuestring, "nan")) {
    snprintf(where, n, "%s", j->string ? j->string : "(array item)");
    return 1;
  }
  cJSON_ArrayForEach(c, j) if (json_has_nan(c, where, n)) return 1;
  return 0;
}

/* Non-zero if s contains "nan" as a word (any case). */
static int has_nan_token(const char *s) {
  size_t i, n = strlen(s);
  for (i = 0; i + 3 <= n; i++)
    if (tolower((unsigned char)s[i]) == 'n' && tolower((unsigned char)s[i + 1]) == 'a' &&
        tolower((unsigned char)s[i + 2]) == 'n' && (i == 0 || !isalpha((unsigned char)s[i - 1])) &&
        (i + 3 == n || !isalpha((unsigned char)s[i + 3])))
      return 1;
  return 0;
}

static void key(mx_app *app, SDL_Keycode k, Uint16 mod, int repeat) {
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_KEYDOWN;
  ev.key.state = SDL_PRESSED;
  ev.key.repeat = (Uint8)repeat;
  ev.key.keysym.sym = k;
  ev.key.keysym.scancode = SDL_GetScancodeFromKey(k);
  ev.key.keysym.mod = mod;
  mx_app_handle_event(app, &ev);
  ev.type = SDL_KEYUP;
  ev.key.state = SDL_RELEASED;
  ev.key.repeat = 0;
  mx_app_handle_event(app, &ev);
}

static void mouse_button(mx_app *app, int type, int x, int y, int button) {
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = (Uint32)type;
  ev.button.button = (Uint8)button;
  ev.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
  ev.button.clicks = 1;
  ev.button.x = x;
  ev.button.y = y;
  mx_app_handle_event(app, &ev);
}

/* Non-zero if view name is listed in the comma-separated skip list. */
static int skipped(const char *list, const char *name) {
  size_t n = strlen(name);
  const char *p = list;
  while (p && *p) {
    if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0')) return 1;
    p = strchr(p, ',');
    if (p) p++;
  }
  return 0;
}

static void one_event(mx_app *app, gsl_rng *r, int *mx, int *my, int *down) {
  unsigned long kind = gsl_rng_uniform_int(r, 100);
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  if (kind < 45) {
    /* a key, sometimes with Shift or Ctrl, sometimes as a repeat */
    SDL_Keycode k = pool[gsl_rng_uniform_int(r, (unsigned long)npool)];
    unsigned long m = gsl_rng_uniform_int(r, 10);
    Uint16 mod = m < 2 ? KMOD_LSHIFT : m == 2 ? KMOD_LCTRL : KMOD_NONE;
    if (mod == KMOD_LCTRL && k == SDLK_s) mod = KMOD_NONE; /* Ctrl S writes a scene file */
    if (mod == KMOD_LCTRL && k == SDLK_q) mod = KMOD_NONE;
    key(app, k, mod, gsl_rng_uniform_int(r, 8) == 0);
  } else if (kind < 65) {
    /* motion, a drag when a button is held */
    if (gsl_rng_uniform_int(r, 4) == 0) {
      *mx = (int)gsl_rng_uniform_int(r, W + 40) - 20;
      *my = (int)gsl_rng_uniform_int(r, H + 40) - 20;
    } else {
      *mx += (int)gsl_rng_uniform_int(r, 41) - 20;
      *my += (int)gsl_rng_uniform_int(r, 41) - 20;
    }
    ev.type = SDL_MOUSEMOTION;
    ev.motion.x = *mx;
    ev.motion.y = *my;
    ev.motion.state = *down ? SDL_BUTTON_LMASK : 0;
    mx_app_handle_event(app, &ev);
  } else if (kind < 80) {
    /* press or release a button (left mostly, right, middle) */
    int b = gsl_rng_uniform_int(r, 5) == 0 ? SDL_BUTTON_RIGHT
            : gsl_rng_uniform_int(r, 10) == 0 ? SDL_BUTTON_MIDDLE : SDL_BUTTON_LEFT;
    if (!*down) {
      mouse_button(app, SDL_MOUSEBUTTONDOWN, *mx, *my, b);
      *down = b;
    } else {
      mouse_button(app, SDL_MOUSEBUTTONUP, *mx, *my, *down);
      *down = 0;
    }
  } else if (kind < 90) {
    ev.type = SDL_MOUSEWHEEL;
    ev.wheel.y = (int)gsl_rng_uniform_int(r, 7) - 3;
    ev.wheel.x = gsl_rng_uniform_int(r, 4) == 0 ? (int)gsl_rng_uniform_int(r, 3) - 1 : 0;
    ev.wheel.direction = gsl_rng_uniform_int(r, 10) == 0 ? SDL_MOUSEWHEEL_FLIPPED : SDL_MOUSEWHEEL_NORMAL;
    mx_app_handle_event(app, &ev);
  } else if (kind < 95) {
    /* text input: digits, signs, exponent, letters */
    static const char chars[] = "0123456789.-+eE abcxyz,[]";
    int len = 1 + (int)gsl_rng_uniform_int(r, 4), i;
    ev.type = SDL_TEXTINPUT;
    for (i = 0; i < len; i++) ev.text.text[i] = chars[gsl_rng_uniform_int(r, sizeof chars - 1)];
    ev.text.text[len] = '\0';
    mx_app_handle_event(app, &ev);
  } else {
    /* window events: resize / size changed (the headless surface keeps its
     * size; views must cope with the event anyway), leave, enter, focus */
    static const Uint8 wev[] = {SDL_WINDOWEVENT_RESIZED, SDL_WINDOWEVENT_SIZE_CHANGED,
                                SDL_WINDOWEVENT_LEAVE,   SDL_WINDOWEVENT_ENTER,
                                SDL_WINDOWEVENT_FOCUS_LOST, SDL_WINDOWEVENT_FOCUS_GAINED,
                                SDL_WINDOWEVENT_EXPOSED};
    ev.type = SDL_WINDOWEVENT;
    ev.window.event = wev[gsl_rng_uniform_int(r, sizeof wev)];
    ev.window.data1 = 64 + (int)gsl_rng_uniform_int(r, 3000);
    ev.window.data2 = 64 + (int)gsl_rng_uniform_int(r, 2000);
    mx_app_handle_event(app, &ev);
  }
}

/* Count (and delete) the mixscope-*<suffix> files the P key / Ctrl S wrote into dir. */
static int sweep(const char *dir, const char *suffix) {
  DIR *d = opendir(dir);
  struct dirent *de;
  int n = 0;
  size_t ls = strlen(suffix);
  if (!d) return 0;
  while ((de = readdir(d)) != NULL) {
    size_t l = strlen(de->d_name);
    if (!strncmp(de->d_name, "mixscope-", 9) && l > ls && !strcmp(de->d_name + l - ls, suffix)) {
      char p[2048];
      snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
      unlink(p);
      n++;
    }
  }
  closedir(d);
  return n;
}

int main(void) {
  mx_app_options o;
  mx_error err;
  mx_app *app;
  gsl_rng *r;
  const char *env = getenv("MX_MONKEY_EVENTS"), *skip = getenv("MX_MONKEY_SKIP");
  const char *seed_env = getenv("MX_MONKEY_SEED");
  long nev = env && *env ? atol(env) : MONKEY_DEFAULT_EVENTS, i;
  int mx = W / 2, my = H / 2, down = 0, frames = 0, checks = 0, v;
  int visited[16] = {0}, nan_status = 0, nan_state = 0;
  char last_status[512] = "", where[128];

  setenv("MIXSCOPE_SHOTS", mx_test_scratch(), 1); /* P / Ctrl S write here */
  memset(&o, 0, sizeof o);
  o.mnist_dir = MX_SOURCE_DIR "/assets/mnist-sample";
  o.width = W;
  o.height = H;
  app = mx_app_create_headless(&o, &err);
  ASSERT_TRUE(app != NULL);
  if (!app) {
    fprintf(stderr, "cannot create the app: %s\n", err.msg);
    TEST_MAIN_END();
  }
  build_pool();
  ASSERT_TRUE(npool > 40);
  fprintf(stderr, "monkey: %ld events, %d keys in the pool\n", nev, npool);
  r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed_env && *seed_env ? strtoul(seed_env, NULL, 10) : 20240521UL);

  /* the keys kept out of the random pool, once each in every view: P saves a
   * screenshot, Ctrl S a scene (one file each per view; each view gets its
   * own time-stamped name) */
  sweep(mx_test_scratch(), ".png");
  sweep(mx_test_scratch(), ".json");
  for (v = 0; v < mx_nviews; v++) {
    mx_app_set_view(app, mx_views[v]->name, NULL);
    if (skip && skipped(skip, mx_views[v]->name)) continue;
    key(app, SDLK_p, KMOD_NONE, 0);
    mx_app_frame(app, 1.0 / 60);
    key(app, SDLK_s, KMOD_LCTRL, 0);
    key(app, SDLK_F11, KMOD_NONE, 0);
    mx_app_frame(app, 1.0 / 60);
  }
  if (!skip || !*skip) {
    ASSERT_INT_EQ(sweep(mx_test_scratch(), ".png"), mx_nviews);
    ASSERT_INT_EQ(sweep(mx_test_scratch(), ".json"), mx_nviews);
  }
  mx_app_set_view(app, mx_views[0]->name, NULL);

  for (i = 0; i < nev; i++) {
    one_event(app, r, &mx, &my, &down);
    if (skip && *skip) {
      int t;
      for (t = 0; t < mx_nviews && skipped(skip, mx_views[mx_app_view_index(app)]->name); t++)
        mx_app_set_view(app, mx_views[(mx_app_view_index(app) + 1) % mx_nviews]->name, NULL);
    }
    if (gsl_rng_uniform_int(r, 20) == 0) {
      const char *st = mx_app_status_text(app);
      const char *verr;
      int cur;
      mx_app_frame(app, gsl_rng_uniform_int(r, 10) == 0 ? 0.5 : 1.0 / 60);
      frames++;
      cur = mx_app_view_index(app);
      if (cur >= 0 && cur < 16) visited[cur] = 1;
      verr = mx_app_view_error(app);
      if (verr) {
        MX_FAIL_("view %s failed to start: %s", mx_views[cur]->name, verr);
        break;
      }
      st = mx_app_status_text(app);
      if (strcmp(st, last_status)) {
        snprintf(last_status, sizeof last_status, "%s", st);
        if (has_nan_token(st) && strcmp(mx_views[cur]->name, "theta")) {
          if (nan_status++ < 5)
            MX_FAIL_("status line shows nan in view %s: \"%s\"", mx_views[cur]->name, st);
        }
      }
      if (frames % 25 == 0) {
        cJSON *cap = mx_scene_capture(app, NULL);
        checks++;
        if (cap && json_has_nan(cap, where, sizeof where)) {
          if (nan_state++ < 5)
            MX_FAIL_("view %s stores a NaN in its state (field %s) after %ld events",
                     mx_views[cur]->name, where, i + 1);
        }
        cJSON_Delete(cap);
      }
    }
  }
  mx_app_frame(app, 1.0 / 60);
  fprintf(stderr, "monkey: %d frames, %d state checks\n", frames, checks);
  ASSERT_INT_EQ(nan_status, 0);
  ASSERT_INT_EQ(nan_state, 0);
  ASSERT_TRUE(frames > nev / 40);
  for (v = 0; v < mx_nviews && v < 16; v++) {
    if (skip && skipped(skip, mx_views[v]->name)) continue;
    if (!visited[v]) fprintf(stderr, "view %s never visited\n", mx_views[v]->name);
    ASSERT_TRUE(visited[v]);
  }
  gsl_rng_free(r);
  mx_app_destroy(app);
  TEST_MAIN_END();
}
