/* mixscope — fresh digits sampled from a view's model (BMM, θ): the draws,
 * and a grid image of them with ink in the colour of each digit's component,
 * drawn as large as fits. */
#ifndef MIXSCOPE_SAMPLE_GRID_H
#define MIXSCOPE_SAMPLE_GRID_H

#include <stdint.h>

#include "ui/ui.h"

typedef struct mx_sample_set {
  int n, cols, side;   /* n digits of side x side pixels, in `cols` columns */
  int w, h;            /* grid image size (1-pixel gaps) */
  int shown;           /* the view shows the samples */
  int dirty;           /* drawn anew: recompose and re-upload the image */
  int coloured;        /* ink by component (else one ink colour) */
  unsigned long gen;   /* batches drawn: batch b uses seed b */
  uint8_t *x;          /* (n, side * side) 0/1 */
  int *z;              /* (n) component of each digit */
  uint32_t *rgba;      /* (h, w) the grid image */
  SDL_Texture *tex;
} mx_sample_set;

/* Allocate for n digits of side x side in cols columns (s->gen is kept).
 * MX_ENOMEM or 0. */
int mx_sample_set_alloc(mx_sample_set *s, int n, int cols, int side);
void mx_sample_set_free(mx_sample_set *s);

/* Draw a new batch (seed ++s->gen): from the mixture pi (K), theta (K, D)
 * when pi is given (components coloured), else from theta (D) alone. Marks
 * the set shown and dirty. MX_EINVAL (a probability outside [0, 1]) or 0. */
int mx_sample_set_draw(mx_sample_set *s, const double *pi, const double *theta, int K);

/* A panel in r: title, a dim note line, and the grid image. */
void mx_sample_set_panel(mx_ui *ui, mx_rect r, mx_sample_set *s, const char *title,
                         const char *note);

#endif
