#include "mixscope/points.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "mixscope/fileio.h"

int mx_points_init(mx_points *p, int d, size_t cap) {
  memset(p, 0, sizeof *p);
  if (d < 1 || d > MX_POINTS_MAXD) return MX_EDIMS;
  p->d = d;
  p->max_label = -1;
  if (cap) {
    p->x = malloc(cap * (size_t)d * sizeof *p->x);
    p->label = malloc(cap * sizeof *p->label);
    p->line = malloc(cap * sizeof *p->line);
    if (!p->x || !p->label || !p->line) {
      mx_points_free(p);
      return MX_ENOMEM;
    }
    p->cap = cap;
  }
  return MX_OK;
}

void mx_points_free(mx_points *p) {
  if (!p) return;
  free(p->x);
  free(p->label);
  free(p->line);
  memset(p, 0, sizeof *p);
  p->max_label = -1;
}

static int points_grow(mx_points *p, size_t need) {
  size_t cap = p->cap ? p->cap : 64;
  double *x;
  int *l;
  size_t *ln;
  if (need <= p->cap) return MX_OK;
  while (cap < need) cap *= 2;
  x = realloc(p->x, cap * (size_t)p->d * sizeof *x);
  if (!x) return MX_ENOMEM;
  p->x = x;
  l = realloc(p->label, cap * sizeof *l);
  if (!l) return MX_ENOMEM;
  p->label = l;
  ln = realloc(p->line, cap * sizeof *ln);
  if (!ln) return MX_ENOMEM;
  p->line = ln;
  p->cap = cap;
  return MX_OK;
}

int mx_points_push(mx_points *p, const double *x, int label) {
  int rc;
  if (!p || p->d < 1) return MX_EINVAL;
  if (label < -1) return MX_ERANGE;
  if ((rc = points_grow(p, p->n + 1)) != MX_OK) return rc;
  memcpy(p->x + p->n * (size_t)p->d, x, (size_t)p->d * sizeof *x);
  p->label[p->n] = label;
  p->line[p->n] = 0;
  p->n++;
  if (label >= 0) {
    p->nlabelled++;
    if (label > p->max_label) p->max_label = label;
  }
  return MX_OK;
}

int mx_points_remove(mx_points *p, size_t i) {
  size_t d;
  if (!p || i >= p->n) return MX_ERANGE;
  d = (size_t)p->d;
  memmove(p->x + i * d, p->x + (i + 1) * d, (p->n - i - 1) * d * sizeof *p->x);
  memmove(p->label + i, p->label + i + 1, (p->n - i - 1) * sizeof *p->label);
  memmove(p->line + i, p->line + i + 1, (p->n - i - 1) * sizeof *p->line);
  p->n--;
  mx_points_recount(p);
  return MX_OK;
}

void mx_points_recount(mx_points *p) {
  size_t i;
  p->nlabelled = 0;
  p->max_label = -1;
  for (i = 0; i < p->n; i++)
    if (p->label[i] >= 0) {
      p->nlabelled++;
      if (p->label[i] > p->max_label) p->max_label = p->label[i];
    }
}

/* ---- CSV reading --------------------------------------------------------- */

#define CSV_MAXF (MX_POINTS_MAXD + 1)

typedef struct csv_field {
  const char *s;
  size_t len;
} csv_field;

/* Split line [s, e) at commas into trimmed fields; returns the count, or
 * CSV_MAXF + 1 when there are too many. */
static int csv_split(const char *s, const char *e, csv_field *f) {
  int n = 0;
  const char *p = s;
  for (;;) {
    const char *q = p, *a, *b;
    while (q < e && *q != ',') q++;
    a = p;
    b = q;
    while (a < b && (*a == ' ' || *a == '\t')) a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
    if (n >= CSV_MAXF) return CSV_MAXF + 1;
    f[n].s = a;
    f[n].len = (size_t)(b - a);
    n++;
    if (q >= e) break;
    p = q + 1;
  }
  return n;
}

/* Parse a whole field as a double. 1: a finite number, 0: not a number,
 * -1: a number that is not finite (nan, inf, overflow). */
static int csv_number(const csv_field *f, double *out) {
  char buf[128];
  char *end;
  double v;
  if (f->len == 0 || f->len >= sizeof buf) return 0;
  memcpy(buf, f->s, f->len);
  buf[f->len] = '\0';
  errno = 0;
  v = strtod(buf, &end);
  if (end == buf || *end != '\0') return 0;
  if (!isfinite(v)) return -1;
  if (errno == ERANGE && fabs(v) > 1.0) return -1; /* overflow; underflow is fine */
  *out = v;
  return 1;
}

/* Copy a field into buf for messages (shortened, NUL-terminated). */
static const char *csv_show(const csv_field *f, char *buf, size_t n) {
  size_t m = f->len < n - 4 ? f->len : n - 4;
  memcpy(buf, f->s, m);
  if (m < f->len) memcpy(buf + m, "...", 4);
  else buf[m] = '\0';
  return buf;
}

static int csv_is_label_name(const csv_field *f) {
  static const char name[] = "label";
  size_t i;
  if (f->len != 5) return 0;
  for (i = 0; i < 5; i++)
    if (tolower((unsigned char)f->s[i]) != name[i]) return 0;
  return 1;
}

/* Parse a label field: empty or -1 -> -1; else an integer 0..k-1 (k > 0) or >= 0. */
static int csv_label(const csv_field *f, int k, const char *path, size_t line, int *out,
                     mx_error *err) {
  char buf[64], show[48];
  char *end;
  long v;
  if (f->len == 0) {
    *out = -1;
    return MX_OK;
  }
  if (f->len >= sizeof buf)
    return mx_error_set(err, MX_EPARSE, "%s:%zu: label '%s' is not an integer", path, line,
                        csv_show(f, show, sizeof show));
  memcpy(buf, f->s, f->len);
  buf[f->len] = '\0';
  errno = 0;
  v = strtol(buf, &end, 10);
  if (end == buf || *end != '\0')
    return mx_error_set(err, MX_EPARSE, "%s:%zu: label '%s' is not an integer", path, line,
                        csv_show(f, show, sizeof show));
  if (errno == ERANGE || v < -1 || v > 1000000 || (k > 0 && v >= k)) {
    if (k > 0)
      return mx_error_set(err, MX_ERANGE,
                          "%s:%zu: label %s out of range 0..%d (K = %d; -1 or empty = unlabelled)",
                          path, line, buf, k - 1, k);
    return mx_error_set(err, MX_ERANGE,
                        "%s:%zu: label %s out of range (>= 0, or -1 / empty = unlabelled)", path,
                        line, buf);
  }
  *out = (int)v;
  return MX_OK;
}

/* The dim coordinates of a row into xv; a message naming line and field otherwise. */
static int csv_coords(const csv_field *f, int dim, const char *path, size_t line, double *xv,
                      mx_error *err) {
  char show[48];
  int i;
  for (i = 0; i < dim; i++) {
    int r = csv_number(&f[i], &xv[i]);
    if (r == 0 && f[i].len == 0)
      return mx_error_set(err, MX_EPARSE, "%s:%zu: field %d is empty", path, line, i + 1);
    if (r == 0)
      return mx_error_set(err, MX_EPARSE, "%s:%zu: field %d ('%s') is not a number", path, line,
                          i + 1, csv_show(&f[i], show, sizeof show));
    if (r < 0)
      return mx_error_set(err, MX_ENONFINITE, "%s:%zu: field %d ('%s') is not a finite number",
                          path, line, i + 1, csv_show(&f[i], show, sizeof show));
  }
  return MX_OK;
}

int mx_points_read_csv(const char *path, int d, int k, mx_points *out, mx_error *err) {
  char *data = NULL;
  size_t len = 0, line = 0, pos = 0;
  int rc, ncols = -1, has_label = 0, dim = 0, first_line = 0;
  int header_seen = 0;
  csv_field f[CSV_MAXF];
  double xv[MX_POINTS_MAXD];

  memset(out, 0, sizeof *out);
  out->max_label = -1;
  if (d < 0 || d > MX_POINTS_MAXD)
    return mx_error_set(err, MX_EINVAL, "%s: dimension %d out of range 1..%d", path, d,
                        MX_POINTS_MAXD);
  if ((rc = mx_file_read_text(path, &data, &len, err)) != MX_OK) return rc;
  if (len == 0) {
    free(data);
    return mx_error_set(err, MX_EEMPTY, "%s: empty file (expected rows x,y[,label])", path);
  }
  /* mx_file_read_text refused NUL bytes (with their offset) as they arrived */

  while (pos < len) {
    const char *s = data + pos, *e;
    int nf, i, lab = -1;
    size_t eol = pos;
    while (eol < len && data[eol] != '\n') eol++;
    e = data + eol;
    pos = eol + 1;
    line++;
    if (e > s && e[-1] == '\r') e--;
    {
      const char *t = s;
      while (t < e && (*t == ' ' || *t == '\t')) t++;
      if (t == e || *t == '#') continue; /* blank or comment */
    }
    nf = csv_split(s, e, f);
    if (nf > CSV_MAXF) {
      rc = mx_error_set(err, MX_EDIMS, "%s:%zu: more than %d columns", path, line, CSV_MAXF);
      goto fail;
    }
    if (ncols < 0) {
      /* First content line: header (no numeric field at all) or data. */
      int numeric = 0;
      for (i = 0; i < nf; i++) {
        double v;
        if (csv_number(&f[i], &v) != 0) numeric = 1;
      }
      ncols = nf;
      first_line = (int)line;
      if (!numeric && !header_seen) {
        header_seen = 1;
        has_label = nf >= 2 && csv_is_label_name(&f[nf - 1]);
        dim = nf - has_label;
        if (d > 0 && dim != d) {
          rc = mx_error_set(err, MX_EDIMS,
                            "%s:%zu: header has %d coordinate column%s, expected %d", path, line,
                            dim, dim == 1 ? "" : "s", d);
          goto fail;
        }
        if (dim < 1 || dim > MX_POINTS_MAXD) {
          rc = mx_error_set(err, MX_EDIMS, "%s:%zu: header has no coordinate column", path, line);
          goto fail;
        }
        continue;
      }
      if (d > 0) {
        if (nf != d && nf != d + 1) {
          rc = mx_error_set(err, MX_EDIMS, "%s:%zu: %d fields, expected %d or %d (x,y[,label])",
                            path, line, nf, d, d + 1);
          goto fail;
        }
        dim = d;
        has_label = nf == d + 1;
      } else if (nf < 2) {
        rc = mx_error_set(err, MX_EDIMS, "%s:%zu: 1 field, expected at least 2 (x,y[,label])",
                          path, line);
        goto fail;
      } else {
        has_label = nf == 3;
        dim = has_label ? 2 : nf;
      }
      if (dim > MX_POINTS_MAXD) {
        rc = mx_error_set(err, MX_EDIMS, "%s:%zu: %d coordinate columns, at most %d", path, line,
                          dim, MX_POINTS_MAXD);
        goto fail;
      }
      if ((rc = mx_points_init(out, dim, 256)) != MX_OK) {
        rc = mx_error_set(err, rc, "%s: out of memory", path);
        goto fail;
      }
    } else if (nf != ncols) {
      rc = mx_error_set(err, MX_EDIMS, "%s:%zu: %d field%s, expected %d (as on line %d)", path,
                        line, nf, nf == 1 ? "" : "s", ncols, first_line);
      goto fail;
    }
    if (out->d == 0 && (rc = mx_points_init(out, dim, 256)) != MX_OK) {
      rc = mx_error_set(err, rc, "%s: out of memory", path);
      goto fail;
    }
    if ((rc = csv_coords(f, dim, path, line, xv, err)) != MX_OK) goto fail;
    if (has_label && (rc = csv_label(&f[dim], k, path, line, &lab, err)) != MX_OK) goto fail;
    if ((rc = mx_points_push(out, xv, lab)) != MX_OK) {
      rc = mx_error_set(err, rc, "%s: out of memory", path);
      goto fail;
    }
    out->line[out->n - 1] = line;
  }
  free(data);
  if (out->n == 0) {
    mx_points_free(out);
    return mx_error_set(err, MX_EEMPTY, "%s: no data rows%s", path,
                        header_seen ? " after the header" : "");
  }
  out->has_label_col = has_label;
  return MX_OK;
fail:
  free(data);
  mx_points_free(out);
  return rc;
}

int mx_points_check_labels(const mx_points *p, int k, const char *src, mx_error *err) {
  size_t i;
  for (i = 0; i < p->n; i++)
    if (p->label[i] < -1 || p->label[i] >= k) {
      if (p->line && p->line[i])
        return mx_error_set(err, MX_ERANGE,
                            "%s:%zu: label %d out of range 0..%d (K = %d; -1 or empty = unlabelled)",
                            src, p->line[i], p->label[i], k - 1, k);
      return mx_error_set(err, MX_ERANGE, "%s: point %zu: label %d out of range 0..%d (K = %d)",
                          src, i, p->label[i], k - 1, k);
    }
  return MX_OK;
}

int mx_points_write_csv(const char *path, const mx_points *p, mx_error *err) {
  char tmp[MX_TMP_LEN];
  FILE *fp;
  size_t i;
  int j, rc, lab = p->has_label_col || p->nlabelled > 0;
  if ((rc = mx_file_begin_atomic(path, tmp, &fp, err)) != MX_OK) return rc;
  if (p->d == 2) fputs("x,y", fp);
  else
    for (j = 0; j < p->d; j++) fprintf(fp, "%sx%d", j ? "," : "", j + 1);
  fputs(lab ? ",label\n" : "\n", fp);
  for (i = 0; i < p->n; i++) {
    for (j = 0; j < p->d; j++) fprintf(fp, "%s%.17g", j ? "," : "", p->x[i * (size_t)p->d + (size_t)j]);
    if (lab) fprintf(fp, ",%d", p->label[i]);
    fputc('\n', fp);
  }
  if (ferror(fp)) {
    mx_file_abort_atomic(tmp, fp);
    return mx_error_set(err, MX_EIO, "%s: write failed", path);
  }
  return mx_file_commit_atomic(path, tmp, fp, err);
}

/* ---- presets ------------------------------------------------------------- */

typedef struct preset_comp {
  double w, mx, my, sxx, sxy, syy;
} preset_comp;

static const char *const preset_names[MX_PRESET_COUNT] = {"blobs", "overlap", "elongated",
                                                          "degenerate"};

const char *mx_preset_name(mx_preset which) {
  return (int)which >= 0 && which < MX_PRESET_COUNT ? preset_names[which] : "?";
}

int mx_preset_find(const char *name) {
  int i;
  for (i = 0; name && i < MX_PRESET_COUNT; i++)
    if (!strcmp(name, preset_names[i])) return i;
  return -1;
}

/* Covariance s*(u u^T) + t*(p p^T) for the unit direction at angle a (radians). */
static void preset_dir_cov(preset_comp *c, double a, double s, double t) {
  double ux = cos(a), uy = sin(a);
  c->sxx = s * ux * ux + t * uy * uy;
  c->sxy = (s - t) * ux * uy;
  c->syy = s * uy * uy + t * ux * ux;
}

int mx_points_preset(mx_points *out, mx_preset which, size_t n, unsigned long seed, gsl_rng *r) {
  preset_comp c[3];
  size_t counts[3], i, k, m = 0;
  int rc;
  if ((int)which < 0 || which >= MX_PRESET_COUNT || n < 3 || !r) return MX_EINVAL;
  switch (which) {
  case MX_PRESET_BLOBS:
    c[0] = (preset_comp){1.0 / 3, -4.0, -2.5, 0.8, 0.0, 0.8};
    c[1] = (preset_comp){1.0 / 3, 4.0, -2.5, 0.8, 0.0, 0.8};
    c[2] = (preset_comp){1.0 / 3, 0.0, 3.5, 0.8, 0.0, 0.8};
    break;
  case MX_PRESET_OVERLAP:
    c[0] = (preset_comp){0.40, -1.4, -0.6, 1.5, 0.35, 1.0};
    c[1] = (preset_comp){0.35, 1.5, -0.4, 1.1, -0.3, 1.3};
    c[2] = (preset_comp){0.25, 0.1, 1.7, 1.2, 0.0, 0.7};
    break;
  case MX_PRESET_ELONGATED: {
    const double a = 1.05, px = -sin(a), py = cos(a);
    for (k = 0; k < 3; k++) {
      double off = 2.6 * ((double)k - 1.0);
      c[k].w = 1.0 / 3;
      c[k].mx = off * px;
      c[k].my = off * py;
      preset_dir_cov(&c[k], a, 5.0, 0.15);
    }
    break;
  }
  case MX_PRESET_DEGENERATE:
  default:
    c[0] = (preset_comp){0.35, -3.5, -2.0, 1.0, 0.3, 0.8};
    c[1] = (preset_comp){0.35, 3.0, -2.5, 0.9, -0.2, 1.1};
    c[2].w = 0.30;
    c[2].mx = 0.0;
    c[2].my = 3.0;
    preset_dir_cov(&c[2], 0.12, 8.0, 1e-4);
    break;
  }
  for (k = 0; k < 3; k++) {
    counts[k] = k < 2 ? (size_t)floor(c[k].w * (double)n + 0.5) : n - m;
    m += counts[k];
  }
  mx_points_free(out);
  if ((rc = mx_points_init(out, 2, n)) != MX_OK) return rc;
  gsl_rng_set(r, seed);
  for (k = 0; k < 3; k++) {
    /* x = mean + L z with L the Cholesky factor of the 2x2 covariance. */
    double l00 = sqrt(c[k].sxx), l10 = c[k].sxy / l00;
    double l11 = sqrt(fmax(c[k].syy - l10 * l10, 0.0));
    for (i = 0; i < counts[k]; i++) {
      double z0 = gsl_ran_gaussian_ziggurat(r, 1.0), z1 = gsl_ran_gaussian_ziggurat(r, 1.0);
      double xy[2];
      xy[0] = c[k].mx + l00 * z0;
      xy[1] = c[k].my + l10 * z0 + l11 * z1;
      mx_points_push(out, xy, (int)k);
    }
  }
  /* Shuffle so that any prefix mixes all classes (Fisher–Yates on the rows). */
  for (i = n - 1; i > 0; i--) {
    size_t j = (size_t)gsl_rng_uniform_int(r, i + 1);
    double tx = out->x[2 * i], ty = out->x[2 * i + 1];
    int tl = out->label[i];
    out->x[2 * i] = out->x[2 * j];
    out->x[2 * i + 1] = out->x[2 * j + 1];
    out->label[i] = out->label[j];
    out->x[2 * j] = tx;
    out->x[2 * j + 1] = ty;
    out->label[j] = tl;
  }
  out->has_label_col = 1;
  mx_points_recount(out);
  return MX_OK;
}
