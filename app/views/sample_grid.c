/* A grid of sampled binary digits (see sample_grid.h). */
#include "sample_grid.h"

#include <math.h>
#include <string.h>

void mx_sample_grid_compose(uint32_t *rgba, const uint8_t *x, const int *z, int n, int cols,
                            int side, const mx_theme *th) {
  int w = MX_SGRID_W(cols, side), h = MX_SGRID_H(n, cols, side), i, r, c;
  mx_color gapc = th->panel_hi, paper = th->bg;
  for (i = 0; i < w * h; i++) memcpy(&rgba[i], &gapc, sizeof gapc);
  for (i = 0; i < n; i++) {
    int x0 = 1 + (i % cols) * (side + 1), y0 = 1 + (i / cols) * (side + 1);
    mx_color ink = z ? th->comp[z[i] % MX_NCOMP_COLORS] : th->text;
    for (r = 0; r < side; r++)
      for (c = 0; c < side; c++)
        memcpy(&rgba[(y0 + r) * w + x0 + c], x[(size_t)i * (size_t)(side * side) + (size_t)(r * side + c)] ? &ink : &paper,
               sizeof ink);
  }
}

void mx_sample_grid_draw(mx_ui *ui, SDL_Texture **tex, int dirty, mx_rect c, const uint32_t *rgba,
                         int w, int h) {
  double sc = fmin((double)c.w / w, (double)c.h / h);
  mx_rect img;
  if (sc > 1.0) sc = floor(sc * 2.0) / 2.0; /* whole or half pixels */
  img.w = (int)(w * sc);
  img.h = (int)(h * sc);
  img.x = c.x + (c.w - img.w) / 2;
  img.y = c.y + (c.h - img.h) / 2;
  mx_draw_rgba(ui, tex, dirty, img, rgba, w, h);
}
