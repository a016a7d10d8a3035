/* mixscope — the θ view's read-only accessor, for its render tests.
 * The view itself is `mx_view_theta` (view.h); its state is opaque. */
#ifndef MIXSCOPE_VIEW_THETA_H
#define MIXSCOPE_VIEW_THETA_H

#include <stddef.h>

#include "ui/ui.h"

#define MX_THETA_STRIP 10 /* test digits shown in the picker */

typedef struct mx_theta_info {
  /* the state a scene captures */
  double prior;         /* a = b of the smoothed model */
  int map;              /* 0 posterior mean, 1 posterior mode */
  double threshold;     /* binarization: pixel/255 > threshold */
  long digit;           /* selected test digit */
  int panel;            /* 0 θ maps, 1 naive Bayes */
  /* what the view shows (from core, refreshed by this call) */
  double raw_nll;       /* mean test NLL of the raw MLE (nats; +inf when a digit is impossible) */
  double fit_nll;       /* mean test NLL under the prior (NaN if the estimate is undefined) */
  int fit_trend;        /* -1 the last prior / estimate change made fit_nll better, +1 worse, 0 none */
  double raw_notes;     /* the notes' -(X log θ).sum() for raw θ (NaN) */
  double fit_notes;     /* the same under the prior */
  size_t raw_theta0;    /* raw pixels with θ = 0 */
  size_t raw_inf;       /* test digits with infinite raw NLL */
  size_t fit_inf;       /* ... under the prior */
  double digit_raw_ll;  /* log-likelihood of the selected digit, raw and prior */
  double digit_fit_ll;
  int nb_ok;            /* naive Bayes fitted (the NB panel has been shown) */
  double nb_accuracy;
  /* layout of the last frame: the two θ maps, the picker's digits and where they are */
  mx_rect map_raw, map_fit;
  int nthumb;
  long thumb_idx[MX_THETA_STRIP];
  mx_rect thumb[MX_THETA_STRIP];
} mx_theta_info;

/* Fill *out for the θ view's state (refitting if an input changed). 0, or -1 if state is NULL. */
int mx_theta_view_info(void *state, mx_theta_info *out);

#endif
