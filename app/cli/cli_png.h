/* mixscope — grids of sampled binary digits as PNG for the headless
 * commands (written by the shell's atomic PNG writer, shell/png.h). */
#ifndef MIXSCOPE_CLI_PNG_H
#define MIXSCOPE_CLI_PNG_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "mixscope/error.h"

/* n binary images x (n, rows * cols) of 0/1 as a grid PNG (ceil(sqrt n)
 * columns, 1-pixel gaps, 2 screen pixels per image pixel up to 400 images):
 * lit pixels in the colour of comp[i] (10 colours, cycling; comp NULL =
 * black ink), unlit white. Written atomically to path. */
int mx_cli_write_digit_grid(const uint8_t *x, const int *comp, size_t n, size_t rows, size_t cols,
                            const char *path, mx_error *err);

#endif
