/* mixscope — the digits view's read-only accessors, for its render tests.
 * The view itself is `mx_view_digits` (view.h); its state is opaque. */
#ifndef MIXSCOPE_VIEW_DIGITS_H
#define MIXSCOPE_VIEW_DIGITS_H

#include <stddef.h>

#include "ui/ui.h"

/* The dataset indices of the digits on the current page, as laid out by the
 * last drawn frame (row-major). Returns how many (<= max written to out). */
int mx_digits_shown(const void *state, size_t *out, int max);
/* Screen rect of the k-th shown cell in the last drawn frame; -1 if k is out of range. */
int mx_digits_cell(const void *state, int k, mx_rect *r);
/* Digits per full page in the last drawn frame (0 before the first frame). */
int mx_digits_per_page(const void *state);

#endif
