/* mixscope — animated GIF writer on giflib (Debian's libgif): frames are
 * colour-quantised with giflib's median-cut GifQuantizeBuffer, each with its
 * own colour map, looping forever. Written to a temp file and renamed on close. */
#ifndef MIXSCOPE_GIF_H
#define MIXSCOPE_GIF_H

#include <SDL.h>

#include "mixscope/error.h"

typedef struct mx_gif mx_gif;

/* Open path for writing (atomically: the file appears only on mx_gif_close). */
mx_gif *mx_gif_open(const char *path, int width, int height, mx_error *err);
/* Append a frame (any SDL surface of the gif's size), shown for delay_cs hundredths of a second. */
int mx_gif_add(mx_gif *g, SDL_Surface *frame, int delay_cs, mx_error *err);
/* Finish and rename into place; on error (or ok == 0) the temp file is removed. Frees g. */
int mx_gif_close(mx_gif *g, int ok, mx_error *err);

#endif
