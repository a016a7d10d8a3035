/* mixscope — point sets for the Gaussian mixture view and CLI: a validated CSV
 * reader / atomic writer and seeded preset datasets.
 *
 * CSV format: one point per line, `x,y[,label]` (D coordinates, then an
 * optional integer label; -1 or an empty label field means "unlabelled").
 * A header line is optional: it is the first non-blank line when none of its
 * fields is a number, and if its last field is `label` (any case) the last
 * column holds labels. Without a header, D is taken as given by the caller
 * (d > 0) or inferred: 2 columns -> (x, y), 3 columns -> (x, y, label).
 * Blank lines and lines starting with '#' are skipped; CR-LF is accepted;
 * spaces around fields are ignored. Every error names the file and the line. */
#ifndef MIXSCOPE_POINTS_H
#define MIXSCOPE_POINTS_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "mixscope/error.h"

#define MX_POINTS_MAXD 64  /* most coordinate columns a CSV may have */

typedef struct mx_points {
  size_t n;          /* number of points */
  size_t cap;        /* allocated rows (>= n) */
  int d;             /* coordinates per point */
  double *x;         /* (cap, d) row-major coordinates, owned */
  int *label;        /* (cap) class 0..K-1, or -1 = unlabelled, owned */
  size_t *line;      /* (cap) source line of each point (1-based; 0 if not from a file) */
  size_t nlabelled;  /* points with label >= 0 */
  int max_label;     /* largest label present, -1 if none */
  int has_label_col; /* the CSV had a label column (written back by the writer) */
} mx_points;

/* The preset datasets for the view (all 2-D, labels = true component). */
typedef enum {
  MX_PRESET_BLOBS = 0,   /* three well-separated round blobs */
  MX_PRESET_OVERLAP,     /* three overlapping blobs */
  MX_PRESET_ELONGATED,   /* three long, tilted, parallel-ish clusters */
  MX_PRESET_DEGENERATE,  /* two blobs + a near-degenerate (almost a line) cluster */
  MX_PRESET_COUNT
} mx_preset;

/* Allocate an empty set of dimension d with room for cap points (cap may be 0). */
int mx_points_init(mx_points *p, int d, size_t cap);
/* Free the arrays (NULL or zeroed allowed) and zero *p. */
void mx_points_free(mx_points *p);
/* Append one point (coordinates x[0..d-1], label or -1), growing as needed. */
int mx_points_push(mx_points *p, const double *x, int label);
/* Remove point i (order of the rest kept). */
int mx_points_remove(mx_points *p, size_t i);
/* Recount nlabelled / max_label after labels were edited in place. */
void mx_points_recount(mx_points *p);

/* Read a CSV (format above). d > 0 demands exactly d coordinate columns;
 * d == 0 infers. k > 0 also checks every label is in 0..k-1 (k == 0: labels
 * only need to be >= -1). Errors (MX_ENOENT, MX_EIO, MX_EEMPTY, MX_EPARSE,
 * MX_ENONFINITE, MX_EDIMS, MX_ERANGE) carry "path:line: what is wrong".
 * On error *out is zeroed. */
int mx_points_read_csv(const char *path, int d, int k, mx_points *out, mx_error *err);

/* Check every label is in -1..k-1; error names the file (src) and line. */
int mx_points_check_labels(const mx_points *p, int k, const char *src, mx_error *err);

/* Write a CSV atomically: header "x,y[,label]" (x1..xD for D != 2), then one
 * row per point with 17 significant digits; the label column is written when
 * has_label_col or nlabelled > 0 (-1 for unlabelled). */
int mx_points_write_csv(const char *path, const mx_points *p, mx_error *err);

/* Name of a preset ("blobs", "overlap", "elongated", "degenerate"), and the
 * preset by name (-1 if unknown). */
const char *mx_preset_name(mx_preset which);
int mx_preset_find(const char *name);

/* Generate preset `which` with n points (n >= 3), labels = true component,
 * drawn from r after gsl_rng_set(r, seed). Replaces the contents of *out. */
int mx_points_preset(mx_points *out, mx_preset which, size_t n, unsigned long seed, gsl_rng *r);

#endif
