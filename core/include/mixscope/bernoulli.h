/* mixscope — the per-pixel Bernoulli model of binarized digits, with a Beta prior.
 *
 * Each pixel j is lit with probability θ_j, independently. From the training
 * counts n1_j (images with pixel j lit) out of n, a Beta(a, b) prior gives
 *   posterior mean  θ_j = (n1_j + a) / (n + a + b)
 *     a = b = 0: the raw MLE n1/n of the notes; a = b = 1: Laplace smoothing;
 *   MAP (posterior mode, see mx_bern_fit) θ_j = (n1_j + a − 1) / (n + a + b − 2).
 * Counting is done once; refitting for any (a, b) never touches the images.
 *
 * Log-likelihood of a binary image x under θ (the correct one):
 *   log p(x | θ) = Σ_j [ x_j log θ_j + (1 − x_j) log(1 − θ_j) ].
 * A term with x_j = 0 contributes log(1 − θ_j) only (never 0·log θ_j), so θ_j = 0
 * with x_j = 0 is exactly 0. θ_j = 0 meeting x_j = 1 (or θ_j = 1 meeting x_j = 0)
 * is an honest −∞: the image's NLL is +inf, and the pixel is a "culprit".
 *
 * Naive Bayes uses K = 10 θ vectors (one per digit) plus log class frequencies.
 * Prediction is the argmax of log π_c + log p(x | θ_c); ties go to the smallest
 * class index; if every class scores −∞ the image gets "no class possible"
 * (prediction −1, counted as an error and tallied apart from the confusion matrix). */
#ifndef MIXSCOPE_BERNOULLI_H
#define MIXSCOPE_BERNOULLI_H

#include <stddef.h>
#include <stdint.h>

#include "mixscope/dataset.h"
#include "mixscope/error.h"

#define MX_BERN_NCLASS 10
/* ln 2, for nats -> bits (M_LN2 is not in strict C11). */
#define MX_LN2 0.693147180559945309417232121458176568

/* Sufficient statistics of binarized images: lit counts overall and per class. */
typedef struct mx_bern_counts {
  size_t n;                    /* images counted */
  size_t d;                    /* pixels per image */
  double threshold;            /* grey/255 > threshold is lit (0.5 when counted from binary x) */
  size_t nc[MX_BERN_NCLASS];   /* (C) images per class */
  uint32_t *n1;                /* (D) images with pixel j lit */
  uint32_t *n1c;               /* (C, D) images of class c with pixel j lit */
  uint16_t *part;              /* (C, D) scratch: 16-bit partial counts while counting */
} mx_bern_counts;

/* K Bernoulli θ vectors over D pixels, with their logs (K = 1 or 10). */
typedef struct mx_bern {
  size_t k;                          /* number of θ vectors */
  size_t d;                          /* pixels */
  double a, b;                       /* Beta prior of the last fit */
  int map;                           /* last fit: 0 posterior mean, 1 MAP */
  double *theta;                     /* (K, D) P(pixel lit) */
  double *log1;                      /* (K, D) log θ, −inf where θ = 0 */
  double *log0;                      /* (K, D) log(1 − θ), −inf where θ = 1 */
  double *ltab;                      /* (D, 2, K) the same logs per pixel and value of x,
                                        classes contiguous (K = 10 only, else NULL) */
  double *lodds;                     /* (D, K) log θ − log(1 − θ), classes contiguous
                                        (K = 10 only, else NULL; ±inf/NaN where θ is 0 or 1) */
  double lbase[MX_BERN_NCLASS];      /* (K) Σ_j log(1 − θ_kj) in pixel order */
  size_t ndegen;                     /* θ values exactly 0 or 1 (all K vectors) */
  double log_prior[MX_BERN_NCLASS];  /* (K) log class frequency log(n_c / n); 0 when K = 1 */
} mx_bern;

/* Test-set NLL of one θ vector. */
typedef struct mx_bern_nll {
  size_t n;            /* images scored */
  size_t n_inf;        /* images whose NLL is +inf */
  double total;        /* Σ_i NLL_i in nats (+inf when n_inf > 0) */
  double mean;         /* total / n, nats per image */
  double finite_mean;  /* mean NLL over the n − n_inf finite images (NaN if none) */
  double notes_total;  /* the notes' nll(): −Σ_ij x_ij · log θ_j in IEEE arithmetic
                          (0·log 0 = 0·(−inf) = NaN; omits the (1 − x) log(1 − θ) term) */
  double notes_mean;   /* notes_total / n, as the notes divide it */
  size_t n_culprit;    /* pixels where ≥ 1 image meets a zero-probability event */
  size_t theta0;       /* pixels with θ = 0 exactly */
  size_t theta1;       /* pixels with θ = 1 exactly */
} mx_bern_nll;

/* Naive Bayes evaluation on a labelled test set. */
typedef struct mx_bern_nb_eval {
  size_t n;                                        /* images scored */
  size_t correct;                                  /* prediction == label */
  size_t none;                                     /* every class scored −inf */
  double accuracy;                                 /* correct / n */
  uint32_t confusion[MX_BERN_NCLASS][MX_BERN_NCLASS]; /* [true][predicted] */
  uint32_t none_by_class[MX_BERN_NCLASS];          /* (C) "no class possible", by true label */
} mx_bern_nb_eval;

/* Per-pixel grey-level histograms of a set of images, kept cumulative: for
 * class c, grey level v and pixel j, the number of images of class c whose grey
 * at j is >= v. Lit counts at any threshold are then one lookup per pixel
 * (mx_bern_count_hist), and the total test NLL one pass over the pixels
 * (mx_bern_nll_hist): neither touches the images. Counts are 16-bit when every
 * class has at most 65,535 images (MNIST: 4 MB for 10 classes x 784 pixels),
 * 32-bit otherwise. */
typedef struct mx_bern_hist {
  size_t n;                    /* images counted */
  size_t d;                    /* pixels per image */
  size_t k;                    /* classes: 10 (by label) or 1 (labels ignored) */
  size_t nc[MX_BERN_NCLASS];   /* (K) images per class */
  uint16_t *ge16;              /* (K, 256, D) images with grey >= v at pixel j, or NULL */
  uint32_t *ge32;              /* (K, 256, D) the same when a class exceeds 65,535, or NULL */
} mx_bern_hist;

/* The lit pixels of a set of grey images at one threshold, image by image
 * (a sparse binarization: MNIST lights ~19 % of its pixels at threshold 0 and
 * ~13 % at 0.5). Built once per threshold and reused by every naive Bayes
 * evaluation at that threshold (mx_bern_nb_evaluate_lit). */
typedef struct mx_bern_lit {
  size_t n;          /* images */
  size_t d;          /* pixels per image (<= 65,536) */
  size_t cap;        /* room in idx: the images' non-zero greys (lit at any threshold >= 0) */
  double threshold;  /* of the last mx_bern_lit_set */
  uint32_t *start;   /* (N + 1) image i's lit pixels are idx[start[i] .. start[i + 1]) */
  uint16_t *idx;     /* (cap) lit pixel indices, ascending within an image */
} mx_bern_lit;

/* Allocate counts for d pixels (zeroed). */
int mx_bern_counts_alloc(mx_bern_counts *c, size_t d);
/* Free the arrays (NULL allowed) and zero *c. */
void mx_bern_counts_free(mx_bern_counts *c);
/* Count lit pixels of grey images (pix/255 > threshold, as mx_binarize) in one
 * pass over the bytes; overwrites c. im->d must equal c->d. */
int mx_bern_count_images(mx_bern_counts *c, const mx_images *im, double threshold);
/* Count already-binary images x (N, D) of 0/1 with labels y (N) 0..9 (y may be
 * NULL: everything counted as class 0). Overwrites c. */
int mx_bern_count_binary(mx_bern_counts *c, const uint8_t *x, const uint8_t *y, size_t n);

/* Allocate a model of k (1..10) θ vectors over d pixels. */
int mx_bern_alloc(mx_bern *m, size_t k, size_t d);
/* Free the arrays (NULL allowed) and zero *m. */
void mx_bern_free(mx_bern *m);
/* θ for a Beta(a, b) prior (a, b ≥ 0, finite) from the counts: K = 1 from the
 * totals, K = 10 per class (with log_prior = log(n_c / n)). map = 0: posterior
 * mean; map = 1: posterior mode of Beta(α, β), α = n1 + a, β = n − n1 + b:
 * (α−1)/(α+β−2) if α > 1 and β > 1; 0 if α ≤ 1 ≤ β; 1 if β ≤ 1 ≤ α;
 * 1/2 if α = β = 1 (flat). MX_EINVAL if a class has n = 0 and the estimate is
 * undefined (posterior mean with a + b = 0; MAP with α < 1 and β < 1), or bad a, b. */
int mx_bern_fit(mx_bern *m, const mx_bern_counts *c, double a, double b, int map);
/* Recompute log1/log0 after editing m->theta by hand. */
void mx_bern_update_logs(mx_bern *m);

/* Log-likelihood of one binary image x (D) under θ vector k: the sum, and the
 * per-pixel contributions into contrib (D, may be NULL; −inf allowed). */
double mx_bern_loglik(const mx_bern *m, size_t k, const uint8_t *x, double *contrib);

/* NLL of binary images x (N, D) under θ vector k, plus the notes' formula.
 * culprit (D, may be NULL) receives per pixel the number of images meeting a
 * zero-probability event there; per_image (N, may be NULL) each image's NLL. */
int mx_bern_nll_eval(const mx_bern *m, size_t k, const uint8_t *x, size_t n, mx_bern_nll *out,
                     uint32_t *culprit, double *per_image);

/* Naive Bayes class scores log π_c + log p(x | θ_c) of one image into score (K);
 * returns the prediction (−1 if all are −inf). */
int mx_bern_nb_scores(const mx_bern *m, const uint8_t *x, double *score);
/* Classify binary images x (N, D) with labels y (N); pred (N, may be NULL) gets
 * each prediction (−1 = no class possible). Needs K = 10. */
int mx_bern_nb_evaluate(const mx_bern *m, const uint8_t *x, const uint8_t *y, size_t n,
                        mx_bern_nb_eval *out, int8_t *pred);

/* ---- fast paths for interactive use (same results as the direct ones above) ---- */

/* The grey level cut with v/255 > threshold  <=>  v > cut (mx_binarize's test,
 * which is monotone in v): the largest v in 0..255 that is not lit; -1 when
 * every grey level is lit (threshold < 0). threshold must not be NaN. */
int mx_bern_grey_cut(double threshold);
/* Histograms of grey images im (N, D): per class by label (per_class = 1;
 * labels must be 0..9) or over all images (per_class = 0). Allocates *h;
 * one pass over the bytes. */
int mx_bern_hist_build(mx_bern_hist *h, const mx_images *im, int per_class);
/* The same in resumable pieces (a background job's steps): begin (checks,
 * class counts, zeroed arrays; errors as build), add images [i0, i1) in any
 * pieces that cover 0..N-1 once, end (cumulates; then *h equals build's). */
int mx_bern_hist_begin(mx_bern_hist *h, const mx_images *im, int per_class);
void mx_bern_hist_add(mx_bern_hist *h, const mx_images *im, size_t i0, size_t i1);
void mx_bern_hist_end(mx_bern_hist *h, const mx_images *im);
/* Free the arrays (NULL allowed) and zero *h. */
void mx_bern_hist_free(mx_bern_hist *h);
/* Images of class c with pixel j lit at grey cut `cut` (see mx_bern_grey_cut). */
size_t mx_bern_hist_lit(const mx_bern_hist *h, size_t c, size_t j, int cut);
/* The counts mx_bern_count_images(c, im, threshold) gives, exactly, from the
 * per-class histograms of im: O(K·D), the images are not read. */
int mx_bern_count_hist(mx_bern_counts *c, const mx_bern_hist *h, double threshold);
/* Everything mx_bern_nll_eval(m, k, x, n, out, culprit, NULL) gives for x = the
 * images pix (N, D) binarized at threshold, from their histogram h (built from
 * pix, any K): theta0/theta1, culprit, n_culprit, n_inf, the infinities and
 * NaNs are exact (the same as the direct path); total, mean, finite_mean and
 * notes_total/notes_mean are the same sums in another order (pixel by pixel,
 * n_on·log θ + n_off·log(1 − θ)), equal to ~1e-13 relative. pix is read only
 * for the digits that meet a zero-probability pixel (and only at such pixels
 * to find them). impossible (N, required) receives 1 for each image whose NLL
 * is +inf, else 0. */
int mx_bern_nll_hist(const mx_bern *m, size_t k, const mx_bern_hist *h, const uint8_t *pix,
                     double threshold, mx_bern_nll *out, uint32_t *culprit, uint8_t *impossible);
/* mx_bern_nb_evaluate on grey images pix (N, D) binarized at threshold on the
 * fly (no binary copy needed): the same results, bit for bit. */
int mx_bern_nb_evaluate_grey(const mx_bern *m, const uint8_t *pix, double threshold,
                             const uint8_t *y, size_t n, mx_bern_nb_eval *out, int8_t *pred);
/* Room for the lit pixels of grey images pix (N, D) at any threshold >= 0
 * (D <= 65,536, else MX_ETOOBIG). Lists nothing yet (mx_bern_lit_set). */
int mx_bern_lit_alloc(mx_bern_lit *l, const uint8_t *pix, size_t n, size_t d);
/* Free the arrays (NULL allowed) and zero *l. */
void mx_bern_lit_free(mx_bern_lit *l);
/* List the pixels of pix (the images l was allocated for) with grey/255 >
 * threshold (threshold in [0, 1], as mx_binarize). */
int mx_bern_lit_set(mx_bern_lit *l, const uint8_t *pix, double threshold);
/* mx_bern_nb_evaluate on the images listed in l (pix: the grey images (N, D) l
 * was set from), labels y (l->n). When no θ is
 * exactly 0 or 1 it scores in scikit-learn's form, log π_c + (Σ_j log(1 − θ_cj)
 * + Σ_{lit j} [log θ_cj − log(1 − θ_cj)]), reading only the lit pixels (~6x less
 * work on MNIST): the scores equal mx_bern_nb_evaluate's to ~1e-13 relative, and
 * the predictions are the same unless two classes tie to that precision
 * (tests/test_bernoulli_fast.c: none differ on MNIST at any threshold or prior
 * tried). With a θ of 0 or 1 that form would compute inf − inf, so it runs
 * mx_bern_nb_evaluate's exact sums on pix instead (bit for bit, −inf and "no
 * class possible" included). */
int mx_bern_nb_evaluate_lit(const mx_bern *m, const mx_bern_lit *l, const uint8_t *pix,
                            const uint8_t *y, mx_bern_nb_eval *out, int8_t *pred);
/* Naive Bayes kernel: on = 1 the CPU's vector unit (AVX, when present; the
 * default unless MX_NO_SIMD=1 is set), 0 portable C. Same bits either way.
 * Returns the previous setting (for tests). */
int mx_bern_set_simd(int on);

#endif
