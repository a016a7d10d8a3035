/* mixscope — the UI kit's private header: the mx_ui struct, caches and small
 * helpers shared by its files (not for users of the kit: they use ui.h).
 *   ui.c: themes, fonts, lifecycle, input, layout
 *   ui_shapes.c: geometry, disc sprites, the band rasteriser, primitives, images, colour maps
 *   ui_text.c: text and its texture cache
 *   ui_widgets.c: widgets (buttons, sliders, tabs, tooltips, panels) and plots */
#ifndef MIXSCOPE_UI_PRIVATE_H
#define MIXSCOPE_UI_PRIVATE_H

#include "ui.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define UI_TEXT_CAP 768      /* cached text textures */
#define UI_TEXT_BUCKETS 1024 /* hash buckets (power of two) */
#define UI_TEXT_MAX 512      /* longest string drawn */

/* Sizes of short strings as TTF_SizeUTF8 gives them (it lays the string out again
 * each call, loading glyphs when SDL_ttf's small glyph cache misses): direct-mapped
 * by the string's hash; cleared with the text cache when the fonts change. */
#define UI_TSIZE_N 1024       /* slots (power of two) */
#define UI_TSIZE_LEN 128      /* longest string kept (bytes), with its NUL */
typedef struct ui_tsize {
  int font;                   /* -1: empty slot */
  int w, h;
  char s[UI_TSIZE_LEN];
} ui_tsize;

typedef struct ui_text {
  uint32_t hash;
  int font;
  mx_color col;
  char *s;
  SDL_Texture *tex;
  int w, h;
  int ink;                  /* 1: ink_box holds the glyph pixels' box (measured while recording layout) */
  mx_rect ink_box;          /* in texture pixels */
  struct ui_text *next_bucket;
  struct ui_text *lru_prev, *lru_next; /* most recent at head */
} ui_text;

/* A cached anti-aliased disc: radius rq / 16 px in one colour, drawn at ph x ph
 * sub-pixel phases (cells of side 2R+1 laid out ph x ph in one texture). */
#define UI_SPR_CAP 96          /* cached sprites */
#define UI_SPR_HASH 256        /* lookup slots (power of two) */
#define UI_SPR_BUDGET (2u << 20) /* texture bytes kept before evicting */
#define UI_SPR_RMAX 32.0f      /* larger discs are triangle fans */
#define UI_BAND_H 32           /* rows of one band of the band raster */
#define UI_TILE 32             /* columns of one tile of a band */
#define UI_BAND_SLOTS 8        /* bands of rows sent to the texture in one upload */
#define UI_BAND_RING 4         /* band textures used in turn: the renderer need not run its
                                  queued draws before each upload (one flush per 4) */

typedef struct ui_sprite {
  int rq;           /* radius in 1/16 px (0: free) */
  int ph;           /* phases per axis: 1 (pixel corners), 2 or 4 */
  int R;            /* cell side 2R + 1, disc centre R + phase/ph from the cell corner */
  mx_color col;
  SDL_Texture *tex; /* its sheet's texture: (ph * (2R+1))^2 texels from column sx, colour
                       (col.r, col.g, col.b), alpha coverage x col.a */
  int sheet, sx;    /* index into mx_ui.sheet, first column in it */
  uint32_t used;    /* LRU stamp */
} ui_sprite;

/* Sprites of one size and phase count share a texture, UI_SHEET_SLOTS side by
 * side, so that discs of several colours drawn in turn are copies from one
 * texture (SDL's GLES2 renderer, the web edition's, then sends them in one
 * draw call instead of one each). */
#define UI_SHEET_SLOTS 8
#define UI_SHEET_CAP 48
typedef struct ui_sheet {
  SDL_Texture *tex; /* NULL: free */
  int rq, ph;
  unsigned mask;    /* bit q: slot q holds a sprite */
} ui_sheet;

typedef struct ui_input {
  int pressed;      /* bit b-1 set: button b went down */
  int released;     /* bit b-1 set: button b went up */
  int press_x, press_y, release_x, release_y;
  int wheel;
  int nudge;        /* arrow-key steps for the hovered slider */
} ui_input;

/* An open scroll region: its view rect, the clip and the input it replaced. */
typedef struct ui_scroll_frame {
  mx_scroll *s;
  mx_rect r;                    /* the visible rect */
  mx_clip clip;                 /* the clip rect before mx_scroll_begin */
  int mx, my, press_x, press_y, release_x, release_y, down_x, down_y, wheel; /* as before */
  int over;                     /* the mouse is over r (and no widget is active) */
  int scrollable;               /* the content was taller than r last frame: the bar shows */
} ui_scroll_frame;

struct mx_ui {
  SDL_Renderer *r;
  char font_dir[1024];
  TTF_Font *font[MX_FONT_COUNT];
  int font_px[MX_FONT_COUNT];
  int w, h;
  float scale;
  int high_contrast;
  int projector;  /* lines at least 2.5 px x scale, high-contrast colours */
  int theme_id;   /* MX_THEME_DARK or MX_THEME_LIGHT */
  mx_theme theme;

  /* input */
  int mx, my, buttons;
  ui_input acc;   /* accumulating since the last mx_ui_begin */
  ui_input cur;   /* this frame */
  int down_x, down_y; /* where the left button last went down */
  uintptr_t active;   /* widget being dragged / pressed */
  uintptr_t hot_slider, hot_slider_prev; /* slider under the mouse (this / last frame) */

  /* tooltip (drawn at mx_ui_end): shown MX_TIP_DELAY s after its target is
   * first hovered, for MX_TIP_SHOW s, hidden by a key press until the mouse
   * moves; placed off the headline rects */
  char tip[256];
  int tip_on;
  uint32_t tip_id, tip_id_prev;   /* the hovered tooltip (this / last frame), 0 none */
  double now, tip_start;          /* seconds (mx_ui_advance); when tip_id was first hovered */
  int tip_hidden;                 /* a key was pressed since */
  int tip_drawn;                  /* the tooltip was drawn last frame, at tip_box */
  mx_rect tip_box;
#define UI_MAX_HEADLINES 16
  mx_rect headline[UI_MAX_HEADLINES]; /* this frame's (mx_ui_headline) */
  int nheadline;

  /* text cache */
  ui_text *bucket[UI_TEXT_BUCKETS];
  ui_tsize tsize[UI_TSIZE_N];
  ui_text *lru_head, *lru_tail;
  int ntext;

  /* geometry scratch */
  SDL_Vertex *vtx;
  int *idx;
  int vcap, icap;
  float geo_off;  /* added to vertex positions: 0.5 on the software renderer,
                     which truncates them to whole pixels */

  /* anti-aliased disc sprites (see "sprites") */
  ui_sprite spr[UI_SPR_CAP];
  int nspr;
  short spr_hash[UI_SPR_HASH]; /* 1 + index into spr, 0: empty */
  ui_sheet sheet[UI_SHEET_CAP];
  uint32_t spr_clock;          /* LRU stamps */
  size_t spr_bytes;            /* texture bytes held */

  /* one band of analytic shapes (see "band raster") */
  SDL_Texture *band_ring[UI_BAND_RING]; /* ARGB8888, band_w x UI_BAND_SLOTS * UI_BAND_H,
                                           used in turn, made on first use */
  int band_next;
  int band_w;
  uint8_t *band_cov;           /* (UI_BAND_H, band_w) coverage of the band being drawn */
  uint32_t *band_px;           /* (UI_BAND_SLOTS * UI_BAND_H, band_w) texels of the filled slots */
  int band_slot;               /* slots filled, not yet sent */
  int band_x0, band_x1;        /* their columns in use */
  SDL_Rect *band_cp;           /* (band_cpcap, 2) copies waiting for the send: src, dst */
  int band_ncp, band_cpcap;
  int band_batch;              /* mx_draw_segments: lines fill slots, sent at its end */

  /* the panels drawn this frame (mx_panel), the latest UI_PANELS: the axes keep their titles in them */
#define UI_PANELS 16
  mx_rect panel[UI_PANELS];
  int npanel;                  /* drawn this frame (the latest are kept, in a ring) */

  /* scroll regions open this frame (mx_scroll_begin .. mx_scroll_end), innermost last */
#define UI_SCROLL_MAX 8
  ui_scroll_frame scroll[UI_SCROLL_MAX];
  int nscroll;                 /* open regions (may exceed UI_SCROLL_MAX: those are not kept) */

  /* layout faults (see ui_layout.c); NULL while not recording */
  struct ui_layout *lay;
};

/* ---- small helpers */

static inline mx_color col_alpha(mx_color c, int a) {
  c.a = (uint8_t)(a < 0 ? 0 : a > 255 ? 255 : a);
  return c;
}

static inline mx_color col_mix(mx_color a, mx_color b, double t) {
  mx_color c;
  c.r = (uint8_t)lround(a.r + (b.r - a.r) * t);
  c.g = (uint8_t)lround(a.g + (b.g - a.g) * t);
  c.b = (uint8_t)lround(a.b + (b.b - a.b) * t);
  c.a = (uint8_t)lround(a.a + (b.a - a.a) * t);
  return c;
}

static inline SDL_Color sdl_col(mx_color c) {
  SDL_Color s;
  s.r = c.r;
  s.g = c.g;
  s.b = c.b;
  s.a = c.a;
  return s;
}

static inline uint32_t hash_str(const char *s, int font, mx_color c) {
  uint32_t h = 2166136261u;
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    h ^= *p++;
    h *= 16777619u;
  }
  h ^= (uint32_t)font * 0x9E3779B1u;
  h ^= ((uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a) * 0x85EBCA6Bu;
  return h;
}

static inline uintptr_t label_id(const char *label, mx_rect r) {
  uint32_t h = hash_str(label ? label : "", r.x * 31 + r.y, (mx_color){0, 0, 0, 0});
  return (uintptr_t)h | 1u; /* odd: never collides with an aligned pointer */
}


/* printf one double with a caller-given format ("%.3f"); the format is the
 * caller's contract, so the non-literal-format warning is silenced here only. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
static inline void fmt_value(char *buf, size_t n, const char *fmt, double v) {
  snprintf(buf, n, fmt ? fmt : "%.3g", v);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* ui_shapes.c */
void ui_sprites_clear(mx_ui *ui);
void ui_band_free(mx_ui *ui);
void ui_fill_round_rect(mx_ui *ui, mx_rect r, float rad, mx_color c);

/* ui_text.c */
void ui_text_vertical(mx_ui *ui, float cx, float cy, int font, mx_color c, const char *s);
/* Cut s before its last " · " separator (the middle dot with spaces around it,
 * and those spaces); 0 if it has none. */
int ui_drop_last_part(char *s);

/* ui_layout.c: called only while ui->lay != NULL */
/* A text drawn with its top-left corner at (x, y); box: the rect it had to
 * fit across (mx_text_in) or NULL; rot: 1 if drawn turned -90 degrees about
 * the centre of its texture rect. */
void ui_layout_text(mx_ui *ui, const ui_text *t, int x, int y, const mx_rect *box, int rot);
void ui_layout_panel(mx_ui *ui, mx_rect r);
/* A widget (button, toggle, slider, tab) whose label in font is drawn across r:
 * a clipped fault "box shorter than its text" when r is lower than the font's
 * line height. */
void ui_layout_widget(mx_ui *ui, const char *label, mx_rect r, int font);
void ui_layout_frame_start(mx_ui *ui);
void ui_layout_free(mx_ui *ui);
/* The ink box of an RGBA text surface into t (t->ink = 1). */
void ui_layout_ink(ui_text *t, SDL_Surface *surf);

/* ui_widgets.c */
void ui_draw_tooltip(mx_ui *ui);

#endif
