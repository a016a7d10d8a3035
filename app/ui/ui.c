/* mixscope — immediate-mode UI kit on SDL_Renderer + SDL2_ttf (see ui.h).
 *
 * Input is accumulated between frames by mx_ui_input and snapshotted by
 * mx_ui_begin, so a press and release delivered before one frame (headless
 * tests, `shot --keys`) still count as a click. Shapes have a one-pixel alpha
 * feather (anti-aliased look, also in the software renderer): discs are cached
 * sprites, lines and ellipses are rasterised here one band at a time, and
 * triangle fans remain as the fallback (large discs, thin ellipses).
 * Text textures live in an LRU cache keyed by (string, font, colour).
 *
 * Files: ui.c (this), ui_shapes.c, ui_text.c, ui_widgets.c; shared state in
 * ui_private.h. */
#include "ui_private.h"

/* ---------------------------------------------------------------- themes */

static const mx_theme theme_dark = {
  {15, 20, 33, 255},    /* bg: deep slate */
  {28, 36, 54, 255},    /* panel */
  {45, 57, 82, 255},    /* panel_hi */
  {72, 86, 112, 255},   /* border */
  {238, 242, 248, 255}, /* text */
  {160, 172, 192, 255}, /* text_dim */
  {255, 183, 3, 255},   /* accent: amber */
  {72, 199, 142, 255},  /* good */
  {255, 99, 88, 255},   /* bad */
  {240, 228, 66, 255},  /* warn */
  { /* Okabe–Ito, ordered for contrast on dark slate; black replaced by light grey */
    {86, 180, 233, 255},  /* sky blue */
    {230, 159, 0, 255},   /* orange */
    {0, 158, 115, 255},   /* bluish green */
    {204, 121, 167, 255}, /* reddish purple */
    {240, 228, 66, 255},  /* yellow */
    {213, 94, 0, 255},    /* vermillion */
    {0, 114, 178, 255},   /* blue */
    {200, 200, 200, 255}, /* grey */
    {160, 120, 255, 255}, /* violet (beyond Okabe–Ito: the 9th and 10th class) */
    {150, 180, 40, 255},  /* olive */
  }};

static const mx_theme theme_hc = {
  {0, 0, 0, 255},       /* bg */
  {0, 0, 0, 255},       /* panel */
  {40, 40, 40, 255},    /* panel_hi */
  {255, 255, 255, 255}, /* border */
  {255, 255, 255, 255}, /* text */
  {255, 255, 255, 255}, /* text_dim */
  {255, 255, 0, 255},   /* accent: yellow */
  {0, 255, 120, 255},   /* good */
  {255, 80, 80, 255},   /* bad */
  {255, 255, 0, 255},   /* warn */
  {
    {86, 180, 233, 255}, {230, 159, 0, 255}, {0, 158, 115, 255}, {204, 121, 167, 255},
    {240, 228, 66, 255}, {213, 94, 0, 255},  {0, 114, 178, 255}, {255, 255, 255, 255},
    {160, 120, 255, 255}, {150, 180, 40, 255},
  }};

/* For bright rooms: dark text on near-white, Okabe–Ito colours that hold up
 * on white (yellow darkened to ochre, the light grey to a dark one). */
static const mx_theme theme_light = {
  {243, 245, 249, 255}, /* bg */
  {255, 255, 255, 255}, /* panel */
  {222, 227, 236, 255}, /* panel_hi */
  {140, 150, 168, 255}, /* border */
  {12, 16, 24, 255},    /* text */
  {62, 72, 92, 255},    /* text_dim */
  {190, 100, 0, 255},   /* accent: dark amber */
  {0, 120, 72, 255},    /* good */
  {196, 30, 30, 255},   /* bad */
  {150, 105, 0, 255},   /* warn */
  { /* blue darker and sky blue brighter than Okabe-Ito's (CIE76 7.8 and 5.1 from
       them) so that the two stand 33.0 apart on white, not 18.2 */
    {0, 100, 170, 255}, {213, 94, 0, 255},  {0, 150, 110, 255}, {190, 90, 150, 255},
    {170, 140, 0, 255}, {56, 180, 240, 255}, {40, 40, 40, 255},  {120, 120, 120, 255},
    {110, 70, 200, 255}, {110, 130, 20, 255}, /* violet, olive: the 9th and 10th class */
  }};

/* The light theme made high contrast (C, projector mode): black on white,
 * darker accents that white text reads on, the light theme's class colours. */
static const mx_theme theme_light_hc = {
  {255, 255, 255, 255}, /* bg */
  {255, 255, 255, 255}, /* panel */
  {220, 220, 220, 255}, /* panel_hi */
  {0, 0, 0, 255},       /* border */
  {0, 0, 0, 255},       /* text */
  {0, 0, 0, 255},       /* text_dim */
  {150, 60, 0, 255},    /* accent: dark orange */
  {0, 100, 40, 255},    /* good */
  {180, 0, 0, 255},     /* bad */
  {125, 85, 0, 255},    /* warn */
  {
    {0, 100, 170, 255}, {213, 94, 0, 255},  {0, 150, 110, 255}, {190, 90, 150, 255},
    {170, 140, 0, 255}, {56, 180, 240, 255}, {40, 40, 40, 255},  {120, 120, 120, 255},
    {110, 70, 200, 255}, {110, 130, 20, 255},
  }};

/* Point sizes at scale 1 (pixels on a 96-dpi screen; TTF treats pt = px here). */
static const int font_base[MX_FONT_COUNT] = {15, 19, 23, 31};
static const int font_bold[MX_FONT_COUNT] = {0, 0, 1, 1};

/* ---------------------------------------------------------------- fonts */

static void fonts_close(mx_ui *ui) {
  int i;
  for (i = 0; i < MX_FONT_COUNT; i++) {
    if (ui->font[i]) TTF_CloseFont(ui->font[i]);
    ui->font[i] = NULL;
  }
}

static void text_cache_clear(mx_ui *ui) {
  ui_text *t = ui->lru_head, *n;
  int i;
  while (t) {
    n = t->lru_next;
    if (t->tex) SDL_DestroyTexture(t->tex);
    free(t->s);
    free(t);
    t = n;
  }
  memset(ui->bucket, 0, sizeof ui->bucket);
  ui->lru_head = ui->lru_tail = NULL;
  ui->ntext = 0;
  for (i = 0; i < UI_TSIZE_N; i++) ui->tsize[i].font = -1;
}

static int fonts_open(mx_ui *ui, char *errbuf, size_t errlen) {
  int i;
  char path[1200];
  fonts_close(ui);
  text_cache_clear(ui);
  for (i = 0; i < MX_FONT_COUNT; i++) {
    int px = (int)lround(font_base[i] * ui->scale);
    if (px < 6) px = 6;
    snprintf(path, sizeof path, "%s/%s", ui->font_dir,
             font_bold[i] ? "DejaVuSans-Bold.ttf" : "DejaVuSans.ttf");
    ui->font[i] = TTF_OpenFont(path, px);
    if (!ui->font[i]) {
      if (errbuf) snprintf(errbuf, errlen, "%s: cannot open font: %s", path, TTF_GetError());
      fonts_close(ui);
      return -1;
    }
    TTF_SetFontHinting(ui->font[i], TTF_HINTING_LIGHT);
    ui->font_px[i] = px;
  }
  return 0;
}

/* ---------------------------------------------------------------- lifecycle */

mx_ui *mx_ui_create(SDL_Renderer *r, const char *font_dir, char *errbuf, size_t errlen) {
  mx_ui *ui;
  if (!TTF_WasInit() && TTF_Init() != 0) {
    if (errbuf) snprintf(errbuf, errlen, "SDL_ttf: %s", TTF_GetError());
    return NULL;
  }
  ui = calloc(1, sizeof *ui);
  if (!ui) {
    if (errbuf) snprintf(errbuf, errlen, "out of memory");
    return NULL;
  }
  ui->r = r;
  snprintf(ui->font_dir, sizeof ui->font_dir, "%s", font_dir ? font_dir : ".");
  ui->scale = 1.0f;
  ui->theme = theme_dark;
  ui->mx = ui->my = -10000;
  if (fonts_open(ui, errbuf, errlen) != 0) {
    free(ui);
    return NULL;
  }
  SDL_GetRendererOutputSize(r, &ui->w, &ui->h);
  {
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(r, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE))
      ui->geo_off = 0.5f;
  }
  return ui;
}

void mx_ui_destroy(mx_ui *ui) {
  if (!ui) return;
  text_cache_clear(ui);
  fonts_close(ui);
  ui_sprites_clear(ui);
  ui_band_free(ui);
  ui_layout_free(ui);
  free(ui->vtx);
  free(ui->idx);
  free(ui);
}

void mx_ui_set_size(mx_ui *ui, int w, int h, float scale) {
  ui->w = w;
  ui->h = h;
  if (scale < 0.25f) scale = 0.25f;
  if (scale > 8.0f) scale = 8.0f;
  if (fabsf(scale - ui->scale) > 1e-4f) {
    float old = ui->scale;
    char err[256];
    ui->scale = scale;
    if (fonts_open(ui, err, sizeof err) != 0) { /* keep working at the old size */
      ui->scale = old;
      fonts_open(ui, NULL, 0);
    }
  }
}

/* The theme from the choices: light or dark, made high contrast by C or by
 * projector mode. */
static void theme_apply(mx_ui *ui) {
  int hc = ui->high_contrast || ui->projector;
  if (ui->theme_id == MX_THEME_LIGHT) ui->theme = hc ? theme_light_hc : theme_light;
  else ui->theme = hc ? theme_hc : theme_dark;
  text_cache_clear(ui);
}

void mx_ui_set_high_contrast(mx_ui *ui, int on) {
  ui->high_contrast = on != 0;
  theme_apply(ui);
}

void mx_ui_set_theme(mx_ui *ui, int theme) {
  ui->theme_id = theme == MX_THEME_LIGHT ? MX_THEME_LIGHT : MX_THEME_DARK;
  theme_apply(ui);
}

int mx_ui_theme_id(const mx_ui *ui) { return ui->theme_id; }

void mx_ui_set_projector(mx_ui *ui, int on) {
  ui->projector = on != 0;
  theme_apply(ui);
}

int mx_ui_projector(const mx_ui *ui) { return ui->projector; }

float mx_ui_line_width(const mx_ui *ui, float w) {
  float least = 2.5f * ui->scale;
  return ui->projector && w < least ? least : w;
}

SDL_Renderer *mx_ui_renderer(mx_ui *ui) { return ui->r; }
const mx_theme *mx_ui_theme(const mx_ui *ui) { return &ui->theme; }
float mx_ui_scale(const mx_ui *ui) { return ui->scale; }
int mx_ui_px(const mx_ui *ui, int base) { return (int)lroundf((float)base * ui->scale); }

/* ---------------------------------------------------------------- input */

void mx_ui_input(mx_ui *ui, const SDL_Event *ev) {
  switch (ev->type) {
  case SDL_MOUSEMOTION:
    ui->mx = ev->motion.x;
    ui->my = ev->motion.y;
    if (ui->tip_hidden) { /* hidden by a key: back after the delay */
      ui->tip_hidden = 0;
      ui->tip_start = ui->now;
    }
    break;
  case SDL_MOUSEBUTTONDOWN:
    ui->mx = ev->button.x;
    ui->my = ev->button.y;
    if (ev->button.button >= 1 && ev->button.button <= 5) {
      ui->acc.pressed |= 1 << (ev->button.button - 1);
      ui->buttons |= 1 << (ev->button.button - 1);
    }
    ui->acc.press_x = ev->button.x;
    ui->acc.press_y = ev->button.y;
    if (ev->button.button == SDL_BUTTON_LEFT) {
      ui->down_x = ev->button.x;
      ui->down_y = ev->button.y;
    }
    break;
  case SDL_MOUSEBUTTONUP:
    ui->mx = ev->button.x;
    ui->my = ev->button.y;
    if (ev->button.button >= 1 && ev->button.button <= 5) {
      ui->acc.released |= 1 << (ev->button.button - 1);
      ui->buttons &= ~(1 << (ev->button.button - 1));
    }
    ui->acc.release_x = ev->button.x;
    ui->acc.release_y = ev->button.y;
    break;
  case SDL_MOUSEWHEEL: {
    int y = ev->wheel.y;
    if (ev->wheel.direction == SDL_MOUSEWHEEL_FLIPPED) y = -y;
    ui->acc.wheel += y;
    break;
  }
  case SDL_KEYDOWN:
    ui->tip_hidden = 1; /* any key hides the tooltip */
    if (mx_ui_key_captured(ui, ev)) {
      SDL_Keycode k = ev->key.keysym.sym;
      ui->acc.nudge += (k == SDLK_RIGHT || k == SDLK_UP) ? 1 : -1;
    }
    break;
  case SDL_WINDOWEVENT:
    if (ev->window.event == SDL_WINDOWEVENT_LEAVE) ui->mx = ui->my = -10000;
    break;
  default:
    break;
  }
}

int mx_ui_key_captured(const mx_ui *ui, const SDL_Event *ev) {
  SDL_Keycode k;
  if (ev->type != SDL_KEYDOWN || !ui->hot_slider_prev) return 0;
  if (ev->key.keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return 0;
  k = ev->key.keysym.sym;
  return k == SDLK_LEFT || k == SDLK_RIGHT || k == SDLK_UP || k == SDLK_DOWN;
}

void mx_ui_begin(mx_ui *ui) {
  ui->cur = ui->acc;
  memset(&ui->acc, 0, sizeof ui->acc);
  ui->hot_slider_prev = ui->hot_slider;
  ui->hot_slider = 0;
  ui->tip_on = 0;
  ui->tip_id_prev = ui->tip_id;
  ui->tip_id = 0;
  ui->nheadline = 0;
  ui->nscroll = 0; /* regions left open by the last frame are dropped */
  ui->npanel = 0;
  if (ui->lay) ui_layout_frame_start(ui);
  SDL_RenderSetClipRect(ui->r, NULL);
  SDL_SetRenderDrawBlendMode(ui->r, SDL_BLENDMODE_BLEND);
}

void mx_ui_advance(mx_ui *ui, double dt) {
  if (dt > 0 && dt < 1e6) ui->now += dt;
}

void mx_ui_end(mx_ui *ui) {
  double age = ui->now - ui->tip_start;
  ui->tip_drawn = 0;
  if (ui->tip_on && !ui->tip_hidden && age >= MX_TIP_DELAY - 1e-9 &&
      age < MX_TIP_DELAY + MX_TIP_SHOW) {
    mx_ui_layout_layer(ui); /* the tooltip is drawn over the frame */
    ui_draw_tooltip(ui);    /* sets tip_drawn, tip_box */
  }
  /* A widget stays active while its button is held. */
  if (!(ui->buttons & 1)) ui->active = 0;
}

int mx_ui_mouse(const mx_ui *ui, int *x, int *y) {
  if (x) *x = ui->mx;
  if (y) *y = ui->my;
  return ui->buttons;
}

int mx_rect_contains(mx_rect r, int x, int y) {
  return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

int mx_ui_hover(const mx_ui *ui, mx_rect r) {
  return ui->active == 0 && mx_rect_contains(r, ui->mx, ui->my);
}

int mx_ui_clicked(const mx_ui *ui, mx_rect r, int button) {
  int bit;
  if (button < 1 || button > 5) return 0;
  bit = 1 << (button - 1);
  if (!(ui->cur.released & bit)) return 0;
  if (ui->active) return 0;
  if (!mx_rect_contains(r, ui->cur.release_x, ui->cur.release_y)) return 0;
  if (button == 1) return mx_rect_contains(r, ui->down_x, ui->down_y);
  return 1;
}

int mx_ui_wheel(const mx_ui *ui) { return ui->cur.wheel; }

/* ---------------------------------------------------------------- layout */

mx_rect mx_rect_cut_left(mx_rect *r, int w) {
  mx_rect o = *r;
  if (w > r->w) w = r->w;
  if (w < 0) w = 0;
  o.w = w;
  r->x += w;
  r->w -= w;
  return o;
}

mx_rect mx_rect_cut_right(mx_rect *r, int w) {
  mx_rect o = *r;
  if (w > r->w) w = r->w;
  if (w < 0) w = 0;
  o.x = r->x + r->w - w;
  o.w = w;
  r->w -= w;
  return o;
}

mx_rect mx_rect_cut_top(mx_rect *r, int h) {
  mx_rect o = *r;
  if (h > r->h) h = r->h;
  if (h < 0) h = 0;
  o.h = h;
  r->y += h;
  r->h -= h;
  return o;
}

mx_rect mx_rect_cut_bottom(mx_rect *r, int h) {
  mx_rect o = *r;
  if (h > r->h) h = r->h;
  if (h < 0) h = 0;
  o.y = r->y + r->h - h;
  o.h = h;
  r->h -= h;
  return o;
}

mx_rect mx_rect_inset(mx_rect r, int d) {
  r.x += d;
  r.y += d;
  r.w -= 2 * d;
  r.h -= 2 * d;
  if (r.w < 0) r.w = 0;
  if (r.h < 0) r.h = 0;
  return r;
}
