/* Fresh digits sampled from a view's model (see sample_grid.h). */
#include "sample_grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "mixscope/error.h"
#include "mixscope/sample.h"

int mx_sample_set_alloc(mx_sample_set *s, int n, int cols, int side) {
  unsigned long gen = s->gen; /* a scene may have set the next batch already */
  memset(s, 0, sizeof *s);
  s->gen = gen;
  s->n = n;
  s->cols = cols;
  s->side = side;
  s->w = cols * (side + 1) + 1;
  s->h = (n + cols - 1) / cols * (side + 1) + 1;
  s->x = malloc((size_t)n * (size_t)side * (size_t)side);
  s->z = calloc((size_t)n, sizeof *s->z);
  s->rgba = malloc((size_t)s->w * (size_t)s->h * sizeof *s->rgba);
  if (!s->x || !s->z || !s->rgba) {
    mx_sample_set_free(s);
    return MX_ENOMEM;
  }
  return MX_OK;
}

void mx_sample_set_free(mx_sample_set *s) {
  free(s->x);
  free(s->z);
  free(s->rgba);
  mx_texture_free(&s->tex);
  s->x = NULL;
  s->z = NULL;
  s->rgba = NULL;
}

int mx_sample_set_draw(mx_sample_set *s, const double *pi, const double *theta, int K) {
  size_t D = (size_t)s->side * (size_t)s->side;
  gsl_rng *r;
  int rc;
  if (!s->x) return MX_ENOMEM;
  r = gsl_rng_alloc(gsl_rng_mt19937);
  if (!r) return MX_ENOMEM;
  gsl_rng_set(r, ++s->gen);
  rc = pi ? mx_sample_bernoulli_mixture(pi, theta, (size_t)K, D, (size_t)s->n, r, s->x, s->z)
          : mx_sample_bernoulli(theta, D, (size_t)s->n, r, s->x);
  gsl_rng_free(r);
  if (rc == MX_OK) {
    s->shown = 1;
    s->dirty = 1;
    s->coloured = pi != NULL;
  }
  return rc;
}

/* The first n bytes of s on lines of their own, broken at spaces where wider
 * than c (a word wider than c alone on its line), as many lines as c holds;
 * cuts the lines off c. */
static void sample_note_wrap(mx_ui *ui, mx_rect *c, const char *s, int n, mx_color col) {
  int lh = mx_line_height(ui, MX_FONT_SMALL);
  char buf[256];
  while (n > 0 && c->h >= lh) { /* as many lines as c holds */
    int len = n < (int)sizeof buf - 1 ? n : (int)sizeof buf - 1, w, cut = len;
    memcpy(buf, s, (size_t)len);
    buf[len] = '\0';
    mx_text_size(ui, MX_FONT_SMALL, buf, &w, NULL);
    while (w > c->w) { /* drop the last word */
      char *sp = strrchr(buf, ' ');
      if (!sp || sp == buf) break;
      *sp = '\0';
      cut = (int)(sp - buf);
      mx_text_size(ui, MX_FONT_SMALL, buf, &w, NULL);
    }
    mx_text(ui, c->x, c->y, MX_FONT_SMALL, col, "%s", buf);
    mx_rect_cut_top(c, lh);
    s += cut;
    n -= cut;
    while (n > 0 && *s == ' ') {
      s++;
      n--;
    }
  }
}

/* The note on one line, or, when it is wider than c, broken at its sentence
 * gaps (two spaces) onto lines of their own; cuts the lines off c. */
static void sample_note(mx_ui *ui, mx_rect *c, const char *note, mx_color col) {
  int lh = mx_line_height(ui, MX_FONT_SMALL), w;
  mx_text_size(ui, MX_FONT_SMALL, note, &w, NULL);
  if (w <= c->w) {
    mx_text(ui, c->x, c->y, MX_FONT_SMALL, col, "%s", note);
    mx_rect_cut_top(c, lh);
    return;
  }
  while (*note) {
    const char *gap = strstr(note, "  ");
    int n = gap ? (int)(gap - note) : (int)strlen(note);
    sample_note_wrap(ui, c, note, n, col);
    note += n;
    while (*note == ' ') note++;
  }
}

/* The grid image: ink th->comp[z] (or th->text), unlit th->bg, gaps th->panel_hi. */
static void sample_compose(mx_sample_set *s, const mx_theme *th) {
  int i, r, c, side = s->side;
  mx_color gapc = th->panel_hi, paper = th->bg;
  for (i = 0; i < s->w * s->h; i++) memcpy(&s->rgba[i], &gapc, sizeof gapc);
  for (i = 0; i < s->n; i++) {
    int x0 = 1 + (i % s->cols) * (side + 1), y0 = 1 + (i / s->cols) * (side + 1);
    const uint8_t *x = s->x + (size_t)i * (size_t)(side * side);
    mx_color ink = s->coloured ? th->comp[s->z[i] % MX_NCOMP_COLORS] : th->text;
    for (r = 0; r < side; r++)
      for (c = 0; c < side; c++)
        memcpy(&s->rgba[(y0 + r) * s->w + x0 + c], x[r * side + c] ? &ink : &paper, sizeof ink);
  }
}

void mx_sample_set_panel(mx_ui *ui, mx_rect r, mx_sample_set *s, const char *title,
                         const char *note) {
  const mx_theme *th = mx_ui_theme(ui);
  mx_rect c = mx_panel(ui, r, title), img;
  double sc;
  sample_note(ui, &c, note, th->text_dim);
  mx_rect_cut_top(&c, mx_ui_px(ui, 6));
  if (!s->x) return;
  if (s->dirty) sample_compose(s, th);
  sc = fmin((double)c.w / s->w, (double)c.h / s->h);
  if (sc > 1.0) sc = floor(sc * 2.0) / 2.0; /* whole or half pixels */
  img.w = (int)(s->w * sc);
  img.h = (int)(s->h * sc);
  img.x = c.x + (c.w - img.w) / 2;
  img.y = c.y + (c.h - img.h) / 2;
  mx_draw_rgba(ui, &s->tex, s->dirty, img, s->rgba, s->w, s->h);
  s->dirty = 0;
}
