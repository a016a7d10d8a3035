/* mixscope — drawing new binary digits from the fitted Bernoulli models: the
 * generative story of the lecture.
 *
 *   per-pixel θ:        x_d ~ Bernoulli(θ_d) independently
 *   Bernoulli mixture:  z ~ Categorical(π), then x_d ~ Bernoulli(θ_zd)
 *
 * Draws come from r only (seed it with gsl_rng_set for a reproducible set):
 * one gsl_rng_uniform per component choice and per pixel, x_d = [u < θ_d]. */
#ifndef MIXSCOPE_SAMPLE_H
#define MIXSCOPE_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

/* n images (n, D) of 0/1 into out from θ (D). MX_EINVAL if a θ_d is not
 * in [0, 1]. */
int mx_sample_bernoulli(const double *theta, size_t D, size_t n, gsl_rng *r, uint8_t *out);

/* n images (n, D) of 0/1 into out from the mixture π (K, summing to 1 within
 * 1e-6), θ (K, D); comp (n, may be NULL) receives each image's component.
 * MX_EINVAL if a θ or π entry is outside [0, 1]. */
int mx_sample_bernoulli_mixture(const double *pi, const double *theta, size_t K, size_t D,
                                size_t n, gsl_rng *r, uint8_t *out, int *comp);

#endif
