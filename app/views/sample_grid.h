/* mixscope — a grid of sampled binary digits for the views (BMM, θ): one
 * image, ink in the colour of each digit's component, drawn as large as fits. */
#ifndef MIXSCOPE_SAMPLE_GRID_H
#define MIXSCOPE_SAMPLE_GRID_H

#include <stdint.h>

#include "ui/ui.h"

/* Image size of n digits of side x side pixels in `cols` columns, 1-pixel gaps. */
#define MX_SGRID_W(cols, side) ((cols) * ((side) + 1) + 1)
#define MX_SGRID_H(n, cols, side) (((n) + (cols) - 1) / (cols) * ((side) + 1) + 1)

/* Compose n digits x (n, side * side, 0/1) into rgba (MX_SGRID_H x MX_SGRID_W):
 * lit pixels in th->comp[z[i]] (z NULL: th->text), unlit th->bg, gaps th->panel_hi. */
void mx_sample_grid_compose(uint32_t *rgba, const uint8_t *x, const int *z, int n, int cols,
                            int side, const mx_theme *th);

/* Draw the composed image (w x h) centred in c, scaled to fit (whole or half
 * pixels when enlarged); texture cached in *tex, re-uploaded when dirty. */
void mx_sample_grid_draw(mx_ui *ui, SDL_Texture **tex, int dirty, mx_rect c, const uint32_t *rgba,
                         int w, int h);

#endif
