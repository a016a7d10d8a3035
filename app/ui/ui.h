/* mixscope — immediate-mode UI kit on SDL_Renderer + SDL2_ttf (after microui).
 *
 * Each frame: mx_ui_begin(ui) ... widgets and drawing ... mx_ui_end(ui).
 * Input arrives through mx_ui_input(ui, &event) for every SDL event (the app
 * does this before handing the event to the view). Widgets take explicit
 * rectangles (see the mx_rect_cut_* layout helpers), a pointer to the value
 * they edit, and return non-zero when the value changed / the button fired.
 * Widget identity is the address of the edited value or a hash of the label
 * (mx_ui_id), so no state lives in the views but their own values.
 * Text textures are cached by (string, size, colour), anti-aliased disc
 * sprites by (radius, colour); nothing else is cached.
 * All sizes are in output pixels; ui->scale multiplies fonts and metrics
 * (HiDPI factor x the user's Ctrl +/- font scale). */
#ifndef MIXSCOPE_UI_H
#define MIXSCOPE_UI_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdint.h>

typedef struct mx_rect { int x, y, w, h; } mx_rect;
typedef struct mx_color { uint8_t r, g, b, a; } mx_color;

#define MX_NCOMP_COLORS 10 /* ten classes (digits 0-9) each get their own */
typedef struct mx_theme {
  mx_color bg, panel, panel_hi, border, text, text_dim, accent, good, bad, warn;
  mx_color comp[MX_NCOMP_COLORS]; /* component colours: Okabe–Ito's eight (colour-blind safe),
                                     then violet and olive (CIE76 distance >= 26 between any two) */
} mx_theme;

/* Text sizes (points before scaling). */
enum { MX_FONT_SMALL = 0, MX_FONT_BODY, MX_FONT_LARGE, MX_FONT_TITLE, MX_FONT_COUNT };
/* Text alignment inside a rect. */
enum { MX_ALIGN_LEFT = 0, MX_ALIGN_CENTER = 1, MX_ALIGN_RIGHT = 2 };
/* Colour maps for heatmaps. */
enum { MX_CMAP_VIRIDIS = 0, MX_CMAP_MAGMA, MX_CMAP_GREY, MX_CMAP_DIVERGING };

typedef struct mx_ui mx_ui;

/* Create the kit on a renderer; font_dir holds DejaVuSans*.ttf. NULL on error
 * (message in errbuf). */
mx_ui *mx_ui_create(SDL_Renderer *r, const char *font_dir, char *errbuf, size_t errlen);
void mx_ui_destroy(mx_ui *ui);

/* Set the output size in pixels and the total scale (rebuilds fonts if changed). */
void mx_ui_set_size(mx_ui *ui, int w, int h, float scale);
/* Choose the normal or high-contrast variant of the theme (dark: white on
 * black; light: black on white). */
void mx_ui_set_high_contrast(mx_ui *ui, int on);
/* Dark (default) or light theme (bright rooms). */
enum { MX_THEME_DARK = 0, MX_THEME_LIGHT = 1 };
void mx_ui_set_theme(mx_ui *ui, int theme);
int mx_ui_theme_id(const mx_ui *ui);
/* Projector mode: every line and contour the kit draws at least 2.5 px x scale
 * wide, stronger grid lines, and the high-contrast variant of the theme. */
void mx_ui_set_projector(mx_ui *ui, int on);
int mx_ui_projector(const mx_ui *ui);
/* A line width w as the kit will draw it (raised in projector mode); for code
 * that rasterises its own lines. */
float mx_ui_line_width(const mx_ui *ui, float w);

void mx_ui_input(mx_ui *ui, const SDL_Event *ev);
/* Non-zero if ev is a key the kit consumes (an arrow key while a slider is
 * hovered): the app then does not pass it on to the view. */
int mx_ui_key_captured(const mx_ui *ui, const SDL_Event *ev);
void mx_ui_begin(mx_ui *ui);
void mx_ui_end(mx_ui *ui);

/* Accessors. */
SDL_Renderer *mx_ui_renderer(mx_ui *ui);
const mx_theme *mx_ui_theme(const mx_ui *ui);
float mx_ui_scale(const mx_ui *ui);
int mx_ui_px(const mx_ui *ui, int base);  /* base pixels x scale, rounded */
int mx_ui_mouse(const mx_ui *ui, int *x, int *y); /* returns button mask */
int mx_ui_hover(const mx_ui *ui, mx_rect r);      /* mouse inside r and no widget active */
int mx_ui_clicked(const mx_ui *ui, mx_rect r, int button); /* released inside r this frame (1 left, 3 right) */
int mx_ui_wheel(const mx_ui *ui);                 /* wheel steps this frame (+ up) */

/* Layout: cut a strip off a rect and return it (r shrinks). */
mx_rect mx_rect_cut_left(mx_rect *r, int w);
mx_rect mx_rect_cut_right(mx_rect *r, int w);
mx_rect mx_rect_cut_top(mx_rect *r, int h);
mx_rect mx_rect_cut_bottom(mx_rect *r, int h);
mx_rect mx_rect_inset(mx_rect r, int d);
int mx_rect_contains(mx_rect r, int x, int y);

/* Drawing primitives. Anti-aliased shapes have a one-pixel feather: coverage
 * ramps from 1 to 0 across [edge - 1/2, edge + 1/2] (lines: [h, h + 1] from
 * the centre line, h = width/2 - 1/4), and fully covered pixels get exactly
 * the colour a solid SDL fill of c would give. Discs up to r = 32 are cached
 * sprites, lines and ellipses are rasterised in software (fast on SDL's
 * software renderer, where each blended triangle costs a temporary surface). */
void mx_draw_rect(mx_ui *ui, mx_rect r, mx_color c);          /* filled, alpha-blended */
void mx_draw_rect_outline(mx_ui *ui, mx_rect r, mx_color c, int thickness);
void mx_draw_line(mx_ui *ui, float x0, float y0, float x1, float y1, mx_color c, float width);
/* n separate lines, each drawn and blended as mx_draw_line would, in order, but
 * sent to the renderer together (dashes, a curve in pieces of varying colour:
 * one texture upload for many lines instead of one each). */
typedef struct mx_segment {
  float x0, y0, x1, y1, width;
  mx_color c;
} mx_segment;
void mx_draw_segments(mx_ui *ui, const mx_segment *seg, int n);
/* A dashed line from (x0, y0) to (x1, y1), horizontal (y1 == y0) or vertical
 * (x1 == x0): a dash of length dash starts every step pixels from the start, the
 * last one cut at the end; as mx_draw_line of each dash, sent together. */
void mx_draw_dashes(mx_ui *ui, float x0, float y0, float x1, float y1, float dash, float step,
                    mx_color c, float width);
/* xy: (n, 2); round joins, flat ends; a non-finite point breaks the line. A
 * pixel covered by two segments is blended once (translucent joins stay even). */
void mx_draw_polyline(mx_ui *ui, const float *xy, int n, mx_color c, float width);
/* Drop, in place, the points of xy (n, 2) that lie within tol pixels of the
 * straight line through their kept neighbours: a curve's flat stretches become
 * one segment and what is drawn moves by at most tol. Returns the new count. */
int mx_polyline_simplify(float *xy, int n, float tol);
void mx_draw_circle(mx_ui *ui, float cx, float cy, float radius, mx_color c);       /* filled */
/* n filled discs of one radius, centres xy (n, 2), colour cols[i] (cols: (n))
 * or c for all (cols NULL). Looks exactly like n mx_draw_circle calls in order,
 * and is the way to draw scatter plots: one sprite lookup per colour change. */
void mx_draw_circles(mx_ui *ui, const float *xy, int n, float radius, const mx_color *cols,
                     mx_color c);
/* Filled rectangle with rounded corners (anti-aliased edge). Added by the UI kit. */
void mx_draw_round_rect(mx_ui *ui, mx_rect r, float radius, mx_color c);
/* Filled ellipse {x : (x-c)^T S^-1 (x-c) <= k^2} for a 2x2 covariance S given in
 * pixel units (s00, s01, s11), with an outline of width 2 x scale over it
 * (fill or outline may have alpha 0 to leave it out). */
void mx_draw_ellipse(mx_ui *ui, float cx, float cy, double s00, double s01, double s11,
                     double k, mx_color fill, mx_color outline);

/* Text. Returns the width drawn. fmt is printf-style. */
int mx_text(mx_ui *ui, int x, int y, int font, mx_color c, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 6, 7)))
#endif
  ;
/* Text inside r with alignment (vertically centred). */
void mx_text_in(mx_ui *ui, mx_rect r, int font, int align, mx_color c, const char *s);
/* The first of n variants of a text (longest first) whose width fits r, drawn
 * as mx_text_in; the last one if none fits (then cut). Returns its index. */
int mx_text_fit(mx_ui *ui, mx_rect r, int font, int align, mx_color c, const char *const *v, int n);
/* s inside r as mx_text_in, without its last " · " parts while it does not
 * fit ("Training set  ·  all labels  ·  5,000 digits" -> "Training set  ·
 * all labels" -> "Training set"). Returns the number of parts left out. */
int mx_text_in_parts(mx_ui *ui, mx_rect r, int font, int align, mx_color c, const char *s);
/* Size of s in a font, and the line height of a font. */
void mx_text_size(mx_ui *ui, int font, const char *s, int *w, int *h);
int mx_line_height(mx_ui *ui, int font);

/* A greyscale or RGBA image / heatmap, streamed through a texture slot the
 * caller owns (*slot starts NULL; free with mx_texture_free). Only re-uploaded
 * when dirty != 0 or the size changed. */
void mx_draw_gray(mx_ui *ui, SDL_Texture **slot, int dirty, mx_rect dst, const uint8_t *pix,
                  int w, int h);
void mx_draw_rgba(mx_ui *ui, SDL_Texture **slot, int dirty, mx_rect dst, const uint32_t *rgba,
                  int w, int h); /* pixels as SDL_PIXELFORMAT_ABGR8888 (mx_color bytes in order) */
/* Map v in [lo, hi] through a colour map (values outside clamp; NaN -> magenta). */
mx_color mx_cmap(int cmap, double v, double lo, double hi);
/* Vertical colour bar with tick labels lo / mid / hi; on a bar lower than two
 * lines of the small font without mid, lower than one also without lo. */
void mx_draw_colorbar(mx_ui *ui, mx_rect r, int cmap, double lo, double hi, const char *fmt);
void mx_texture_free(SDL_Texture **slot);

/* Widgets. Return non-zero when something changed / fired. */
int mx_button(mx_ui *ui, mx_rect r, const char *label);
/* A button drawn as selected (accent) when on != 0: segmented controls,
 * filters. Returns non-zero when clicked. Added by the UI kit. */
int mx_button_on(mx_ui *ui, mx_rect r, const char *label, int on);
int mx_toggle(mx_ui *ui, mx_rect r, const char *label, int *value);
/* Horizontal slider "label: value" with value formatted by fmt; log != 0 for a
 * logarithmic scale (lo > 0). Arrow keys nudge the slider that is hovered. */
int mx_slider(mx_ui *ui, mx_rect r, const char *label, double *value, double lo, double hi,
              const char *fmt, int log);
int mx_slider_int(mx_ui *ui, mx_rect r, const char *label, int *value, int lo, int hi);
/* A row of tabs; *sel is the selected index. */
int mx_tabs(mx_ui *ui, mx_rect r, const char *const *labels, int n, int *sel);
/* Panel background with an optional title; returns the content rect. */
mx_rect mx_panel(mx_ui *ui, mx_rect r, const char *title);
/* A vertically scrolling region (a side panel taller than the window). The
 * view owns one mx_scroll per region, zeroed at first, and draws
 *   mx_rect c = mx_scroll_begin(ui, r, &s);
 *   ... widgets and text laid out from the top of c (mx_rect_cut_top) ...
 *   mx_scroll_end(ui, &s, y);   y: where the content ended (c.y after the cuts)
 * c has r's width (less a thin bar at the right while the content is taller
 * than r), its top at r.y - offset, and a height of MX_SCROLL_ROOM. Between
 * begin and end, drawing is clipped to r and so is input: the mouse, presses
 * and releases outside r are not seen by the widgets inside (nor by
 * mx_ui_hover, mx_ui_clicked, mx_ui_mouse, tooltips). The wheel over r scrolls
 * the region when there is something to scroll (widgets inside do not get
 * it then), else it goes to the widgets inside; the bar can be dragged, or
 * clicked above or below its thumb. mx_scroll_end records the content height,
 * clamps the offset (also done by begin, with last frame's height) and draws
 * the bar. Regions nest (up to 8 deep), e.g. inside an mx_panel's content
 * rect. The layout recorder does not report a text cut at the top or bottom
 * edge of a region (it is reached by scrolling); too wide for its box still is.
 * A last item that should fill what is left of r (a plot, a big image) takes
 * h = max(least, r.y + r.h - c.y) and ends the content at c.y + h. Code that
 * sets its own clip rect inside a region must stay within the region's: use
 * mx_clip_push / mx_clip_pop, not SDL_RenderSetClipRect. */
typedef struct mx_scroll {
  int offset;    /* pixels scrolled from the top; the view may set it (clamped) */
  int content_h; /* the content's height, measured by mx_scroll_end */
  int view_h;    /* the visible height (r.h) */
  int grab;      /* the kit's: where the bar's thumb is held while dragged */
} mx_scroll;
#define MX_SCROLL_ROOM (1 << 16)
mx_rect mx_scroll_begin(mx_ui *ui, mx_rect r, mx_scroll *s);
void mx_scroll_end(mx_ui *ui, mx_scroll *s, int bottom);
/* Scroll s the least so that content rows [y, y + h) (y from the content's top,
 * as c.y - top-of-c) show whole, e.g. to keep a focused widget visible. */
void mx_scroll_show(mx_scroll *s, int y, int h);

/* Clip drawing to r within the clip rect already set (a scroll region's, a
 * plot's): mx_clip_push saves the current one in *save, mx_clip_pop puts it
 * back. Nothing shows when r and the current clip do not meet. */
typedef struct mx_clip {
  SDL_Rect old;
  int had;
} mx_clip;
void mx_clip_push(mx_ui *ui, mx_rect r, mx_clip *save);
void mx_clip_pop(mx_ui *ui, const mx_clip *save);

/* Tooltip shown near the mouse when r is hovered (drawn at mx_ui_end, on top):
 * after MX_TIP_DELAY seconds of hovering (at once when another tooltip was
 * up), for MX_TIP_SHOW seconds; a key press hides it until the mouse moves.
 * It never covers a rect registered with mx_ui_headline this frame when one of
 * its four places around the mouse is free. */
#define MX_TIP_DELAY 0.4
#define MX_TIP_SHOW 10.0
void mx_tooltip(mx_ui *ui, mx_rect r, const char *text);
/* The view's headline numbers in r this frame ("test NLL ...", "iteration 0"):
 * tooltips keep off them. */
void mx_ui_headline(mx_ui *ui, mx_rect r);
/* Advance the kit's clock by dt seconds (the app, once a frame before
 * mx_ui_begin): tooltip delay and time-out. */
void mx_ui_advance(mx_ui *ui, double dt);
/* 1 if the last mx_ui_end drew a tooltip (its box into *box if not NULL). */
int mx_ui_tooltip_shown(const mx_ui *ui, mx_rect *box);

/* Plot helpers: a frame mapping data coords to a rect. */
typedef struct mx_plot { mx_rect r; double x0, x1, y0, y1; } mx_plot;
float mx_plot_x(const mx_plot *p, double x);
float mx_plot_y(const mx_plot *p, double y);
double mx_plot_inv_x(const mx_plot *p, float px);
double mx_plot_inv_y(const mx_plot *p, float py);
/* Axes with ticks and labels; xlabel/ylabel may be NULL. Tick labels never
 * overlap: fewer ticks when they do not fit, and a label that would still
 * collide with the one before it is left out (its tick stays). The axis
 * titles take the small font when the body one does not fit the axes. */
void mx_draw_axes(mx_ui *ui, const mx_plot *p, const char *xlabel, const char *ylabel);
/* The same for an x axis that counts (K, iterations): ticks on whole numbers only. */
void mx_draw_axes_count(mx_ui *ui, const mx_plot *p, const char *xlabel, const char *ylabel);

/* ---- Layout faults, measured by the code that draws (off unless asked).
 * While recording, every text the kit draws is measured by its ink (the box of
 * its glyph pixels) where it lands. The faults of a frame are
 *  - clipped: a text wider than the box it was given (mx_text_in, the widgets),
 *    cut by the clip rect or the window edge, or crossing the edge of a panel
 *    (mx_panel) it partly lies in (a text cut at the top or bottom edge of a
 *    scroll region is not: it is reached by scrolling), or the label of a widget (button, toggle, slider, tab) whose box is lower
 *    than the label font's line height (squashed);
 *  - overlaps: two texts of one layer whose ink boxes overlap, or that share a
 *    pixel row and stand less than 2 px x scale apart ("touching": 0.100.10).
 * Overlays drawn over the frame (tooltip, help card) start a new layer: their
 * texts are checked against each other only. Recording costs one branch per
 * text when off; texts cached before it began are measured again once. */
enum { MX_LAYOUT_CLIPPED = 0, MX_LAYOUT_OVERLAP = 1 };
typedef struct mx_layout_fault {
  int kind;          /* MX_LAYOUT_CLIPPED or MX_LAYOUT_OVERLAP */
  const char *text;  /* the text (or the first of the pair) */
  const char *other; /* overlap: the second text; clipped: NULL */
  const char *why;   /* clipped: "wider than its box", "cut by the clip rect",
                        "outside the window", "crosses a panel edge", "box shorter than
                        its text"; overlap: "overlap", "touching" */
  mx_rect rect;      /* the text's ink box as laid out (before any cut); a squashed
                        widget: its box's width x the line height, centred on it */
  mx_rect box;       /* clipped: the box, clip rect, window or panel; overlap: the other's ink box */
} mx_layout_fault;
void mx_ui_layout_record(mx_ui *ui, int on);
/* Start a new layer (an overlay over what was drawn so far). */
void mx_ui_layout_layer(mx_ui *ui);
/* The faults of the frame drawn since the last mx_ui_begin; *n their number.
 * Clipped faults come first. Valid until the next mx_ui_begin or call. */
const mx_layout_fault *mx_ui_layout_faults(mx_ui *ui, int *n);
/* Were the texts containing needle drawn whole in this frame? 1: yes, each one
 * (not cut, not crossing a panel edge); -1: one is cut; 0: none drawn. *ink
 * (may be NULL): the ink box of the first cut one, else of the first one. */
int mx_ui_layout_shown(mx_ui *ui, const char *needle, mx_rect *ink);

#endif
